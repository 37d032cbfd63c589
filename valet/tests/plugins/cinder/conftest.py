"""Cinder filter tests: real Cinder classes (``tox -e cinder``).

Most tests run the filter in this (unpatched) process; test_eventlet.py
runs it in a subprocess monkey-patched exactly as cinder-scheduler is.
"""
import importlib.util

if importlib.util.find_spec('cinder') is None:
    # The main suite runs without Cinder: collect nothing here.
    collect_ignore_glob = ['*']
else:
    import pytest

    from valet.tests.plugins.cinder import helpers
    from valet.tests.plugins import engine

    @pytest.fixture
    def cinder_conf(aio):
        conf = helpers.cinder_conf()
        engine.configure_plugin(conf, aio)
        yield conf
        engine.clear_plugin(conf)
