"""Valet's Heat integration: the stack lifecycle plugin (entry point
``valet`` in ``heat.stack_lifecycle_plugins``) and the ``OS::Valet::*``
resources (``resources/``, a directory for heat.conf ``plugin_dirs``)."""
