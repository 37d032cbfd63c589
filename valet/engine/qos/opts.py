"""The ``[qos]`` options live in :mod:`valet.conf.qos`; kept as an alias."""
from valet.conf.qos import list_opts, register_opts  # noqa: F401
