"""Valet's Nova scheduler filter (``valet.plugins.nova.filter.ValetFilter``)."""
