"""doc/plugins/cinder.conf means what it says to Cinder.

Cinder's own ``cinder`` opts namespace imports every volume and backup
driver (and their optional libraries), so the scheduler's option list is
taken from the scheduler module itself."""
from valet.plugins.cinder import filter as valet_filter
from valet.tests.plugins.cinder import helpers
from valet.tests.plugins import config_docs


def test_cinder_conf_snippet():
    values = config_docs.load('cinder', [
        (None, helpers.host_manager.host_manager_opts)])
    enabled = values[('DEFAULT', 'scheduler_default_filters')]
    assert enabled[-1] == 'ValetFilter'
    # What cinder-scheduler's HostManager does with the option: every
    # name must be a filter class it finds through the entry points.
    handler = helpers.filters.BackendFilterHandler('cinder.scheduler.filters')
    classes = {c.__name__: c for c in handler.get_all_classes()}
    assert set(enabled) <= set(classes)
    assert classes['ValetFilter'] is valet_filter.ValetFilter
