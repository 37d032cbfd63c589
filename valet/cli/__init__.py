"""The ``valet`` command runs an embedded engine: threading backend first."""
from valet import cmd  # noqa: F401
