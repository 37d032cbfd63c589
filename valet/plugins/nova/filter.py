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

from valet.plugins.nova import decide
from valet.plugins.nova import request as nova_request
from valet.plugins import selection

LOG = logging.getLogger(__name__)


class ValetFilter(selection.HostConf, filters.BaseHostFilter):
    """Passes exactly the host valet-engine chose for the instance."""

    # One engine decision per request; Heat boots its servers one by one.
    run_filter_once_per_request = True
    # Rebuilds are replans of a known instance, so Valet must see them.
    RUN_ON_REBUILD = True

    def host_passes(self, host_state, spec_obj):
        return bool(list(self.filter_all([host_state], spec_obj)))

    def filter_all(self, filter_obj_list, spec_obj):
        return selection.follow_valet(
            self.conf, filter_obj_list,
            read_request=lambda: nova_request.from_spec(
                spec_obj, metadata_loader=lambda: server_metadata(spec_obj)),
            describe=lambda request: 'instance %s' % request.instance_uuid,
            decide=decide.placement_for, key=lambda host: host.host,
            names=_names,
            service_context=getattr(spec_obj, '_context', None))


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
