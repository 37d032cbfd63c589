"""Nova filter tests: real Nova classes (``tox -e nova``).

The session runs as nova-scheduler does (nova/cmd/scheduler.py): native
threads, with ``import eventlet`` poisoned by Nova's own
``monkey_patch.patch(backend='threading')``, applied by the
``threading_mode`` pytest plugin that tox loads first.
"""
import importlib.util

if importlib.util.find_spec('nova') is None:
    # The main suite runs without Nova: collect nothing here.
    collect_ignore_glob = ['*']
else:
    import pytest

    from valet.tests.plugins import engine
    from valet.tests.plugins.nova import helpers

    @pytest.fixture
    def nova_conf(aio):
        conf = helpers.nova_conf()
        engine.configure_plugin(conf, aio)
        yield conf
        engine.clear_plugin(conf)
