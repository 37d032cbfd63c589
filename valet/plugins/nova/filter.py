"""``ValetFilter``: Nova follows Valet's decisions.

nova.conf::

    [filter_scheduler]
    available_filters = nova.scheduler.filters.all_filters
    available_filters = valet.plugins.nova.filter.ValetFilter
    enabled_filters = ...,ValetFilter      # last: it sees what the others left

Runs in nova-scheduler's native-thread process (eventlet is poisoned
there): it only uses oslo.messaging's blocking client.
"""
import logging

from nova.scheduler import filters
from oslo_config import cfg

from valet.plugins import client
from valet.plugins import failure
from valet.plugins.nova import decide
from valet.plugins.nova import request as nova_request
from valet.plugins import selection

LOG = logging.getLogger(__name__)


class ValetFilter(filters.BaseHostFilter):
    """Passes exactly the host valet-engine chose for the instance."""

    # One engine decision per request; Heat boots its servers one by one.
    run_filter_once_per_request = True
    # Rebuilds are replans of a known instance, so Valet must see them.
    RUN_ON_REBUILD = True

    def __init__(self, conf=None):
        super().__init__()
        # Nova's configuration is the global one; tests may pass their own.
        self._conf = conf

    @property
    def conf(self):
        return self._conf if self._conf is not None else cfg.CONF

    def host_passes(self, host_state, spec_obj):
        return bool(list(self.filter_all([host_state], spec_obj)))

    def filter_all(self, filter_obj_list, spec_obj):
        hosts = list(filter_obj_list)
        if not hosts:
            return []
        request = None
        try:
            request = nova_request.from_spec(
                spec_obj, metadata_loader=lambda: server_metadata(spec_obj))
            names = sorted({h.host for h in hosts})
            engine = client.get_engine(self.conf)
            ctx = client.request_context(getattr(spec_obj, '_context', None),
                                         project_id=request.project_id)
            placement = decide.placement_for(engine, ctx, request, names)
            chosen = selection.pick(hosts, placement, _names)
        except Exception as error:
            what = 'instance %s' % (request.instance_uuid if request
                                    else '(unreadable request)')
            return failure.on_failure(self.conf, what, hosts, error)
        LOG.info('Valet placed instance %s on %s', request.instance_uuid,
                 placement.get('location'))
        return chosen


def _names(host_state):
    return {host_state.host, getattr(host_state, 'nodename', None)}


def server_metadata(spec_obj):
    """The server's metadata, which RequestSpec does not carry: from the
    build request on a first boot, else from the instance.  Best effort:
    without it, groups still come from the flavor and the hints."""
    ctx = getattr(spec_obj, '_context', None)
    uuid = nova_request.field(spec_obj, 'instance_uuid')
    if ctx is None or not uuid:
        return {}
    from nova import exception as nova_exception
    from nova import objects
    try:
        build = objects.BuildRequest.get_by_instance_uuid(ctx, uuid)
        return dict(build.instance.metadata or {})
    except nova_exception.BuildRequestNotFound:
        pass
    except Exception:
        LOG.debug('No build request for %s', uuid, exc_info=True)
        return {}
    try:
        instance = objects.Instance.get_by_uuid(ctx, uuid,
                                                expected_attrs=['metadata'])
        return dict(instance.metadata or {})
    except Exception:
        LOG.debug('No instance record for %s', uuid, exc_info=True)
        return {}
