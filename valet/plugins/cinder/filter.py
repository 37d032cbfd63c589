"""``ValetFilter``: Cinder follows Valet's decisions for volumes.

cinder.conf::

    [DEFAULT]
    scheduler_default_filters = AvailabilityZoneFilter,CapacityFilter,CapabilitiesFilter,ValetFilter

Runs in cinder-scheduler's eventlet-patched process: the blocking RPC
call yields to other green threads like any patched socket does.
"""
import logging

from cinder.scheduler import filters
from oslo_config import cfg

from valet.plugins.cinder import decide
from valet.plugins.cinder import request as cinder_request
from valet.plugins import client
from valet.plugins import failure
from valet.plugins import selection

LOG = logging.getLogger(__name__)


class ValetFilter(filters.BaseBackendFilter):
    """Passes only the backend/pool valet-engine chose for the volume."""

    run_filter_once_per_request = True

    def __init__(self, conf=None):
        super().__init__()
        self._conf = conf

    @property
    def conf(self):
        return self._conf if self._conf is not None else cfg.CONF

    def backend_passes(self, backend_state, filter_properties):
        return bool(self.filter_all([backend_state], filter_properties))

    def filter_all(self, filter_obj_list, filter_properties):
        backends = list(filter_obj_list)
        if not backends:
            return []
        request = None
        try:
            request = cinder_request.from_filter_properties(filter_properties)
            pools = sorted({b.backend_id for b in backends})
            engine = client.get_engine(self.conf)
            ctx = client.request_context(filter_properties.get('context'),
                                         project_id=request.project_id)
            placement = decide.placement_for(engine, ctx, request, pools)
            chosen = selection.pick(backends, placement, _names)
        except Exception as error:
            what = 'volume %s' % (request.volume_id if request
                                  else '(unreadable request)')
            return failure.on_failure(self.conf, what, backends, error)
        LOG.info('Valet placed volume %s in %s', request.volume_id,
                 placement.get('location'))
        return chosen


def _names(backend_state):
    # A pool-less answer (host@backend) matches every pool of it.
    return {backend_state.backend_id, getattr(backend_state, 'host', None)}
