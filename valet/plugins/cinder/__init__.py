"""Valet's Cinder scheduler filter (entry point ``ValetFilter`` in
``cinder.scheduler.filters``)."""
