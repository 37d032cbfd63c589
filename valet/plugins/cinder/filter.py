"""``ValetFilter``: Cinder follows Valet's decisions for volumes.

cinder.conf::

    [DEFAULT]
    scheduler_default_filters = AvailabilityZoneFilter,CapacityFilter,CapabilitiesFilter,ValetFilter

Runs in cinder-scheduler's eventlet-patched process: the blocking RPC
call yields to other green threads like any patched socket does.
"""
import logging

from cinder.scheduler import filters

from valet.plugins.cinder import decide
from valet.plugins.cinder import request as cinder_request
from valet.plugins import selection

LOG = logging.getLogger(__name__)


class ValetFilter(selection.HostConf, filters.BaseBackendFilter):
    """Passes only the backend/pool valet-engine chose for the volume."""

    run_filter_once_per_request = True

    def backend_passes(self, backend_state, filter_properties):
        return bool(self.filter_all([backend_state], filter_properties))

    def filter_all(self, filter_obj_list, filter_properties):
        return selection.follow_valet(
            self.conf, filter_obj_list,
            read_request=lambda: cinder_request.from_filter_properties(
                filter_properties),
            describe=lambda request: 'volume %s' % request.volume_id,
            decide=decide.placement_for,
            key=lambda backend: backend.backend_id, names=_names,
            service_context=filter_properties.get('context'))


def _names(backend_state):
    # A pool-less answer (host@backend) matches every pool of it.
    return {backend_state.backend_id, getattr(backend_state, 'host', None)}
