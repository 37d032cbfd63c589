"""Valet: whole-application placement for OpenStack."""
