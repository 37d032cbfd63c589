"""Heat lifecycle plugin and resource tests: real Heat classes
(``tox -e heat``), offline: Heat's own template, environment and stack
classes on a sqlite database, and a real valet-engine in process."""
import importlib.util

if importlib.util.find_spec('heat') is None:
    # The main suite runs without Heat: collect nothing here.
    collect_ignore_glob = ['*']
else:
    import pytest

    from valet.tests.plugins import engine
    from valet.tests.plugins.heat import helpers

    @pytest.fixture(scope='session')
    def heat_conf(tmp_path_factory):
        return helpers.setup_heat(tmp_path_factory.mktemp('heat'))

    @pytest.fixture
    def valet_heat(heat_conf, aio):
        engine.configure_plugin(heat_conf, aio)
        yield heat_conf
        engine.clear_plugin(heat_conf)
