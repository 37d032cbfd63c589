"""doc/plugins/nova.conf means what it says to Nova."""
from valet.plugins.nova import filter as valet_filter
from valet.tests.plugins import config_docs
from valet.tests.plugins.nova import helpers


def test_nova_conf_snippet():
    values = config_docs.load(
        'nova', config_docs.from_namespaces(['nova.conf']))
    available = values[('filter_scheduler', 'available_filters')]
    enabled = values[('filter_scheduler', 'enabled_filters')]
    assert 'valet.plugins.nova.filter.ValetFilter' in available
    assert enabled[-1] == 'ValetFilter'
    assert values[('valet', 'failure_mode')] == 'reject'
    # What nova-scheduler's HostManager does with these two options.
    handler = helpers.filters.HostFilterHandler()
    classes = {c.__name__: c for c in handler.get_matching_classes(available)}
    assert classes['ValetFilter'] is valet_filter.ValetFilter
    assert set(enabled) <= set(classes)
