"""doc/plugins/heat.conf means what it says to Heat."""
from valet.tests.plugins import config_docs

HEAT_NAMESPACES = ['heat.common.config', 'heat.common.context',
                   'heat.engine.clients', 'heat.engine.resources']


def test_heat_conf_snippet():
    values = config_docs.load(
        'heat', config_docs.from_namespaces(HEAT_NAMESPACES))
    assert values[('DEFAULT', 'stack_scheduler_hints')] is True
    assert values[('DEFAULT', 'convergence_engine')] is False
    assert any(d.endswith('valet/plugins/heat/resources')
               for d in values[('DEFAULT', 'plugin_dirs')])
    assert values[('valet', 'timeout')] == 30
