"""Real Cinder objects for the filter tests."""
import uuid

from cinder import objects

# Before the scheduler modules, as cinder-scheduler does: their type
# annotations name the objects.
objects.register_all()

from cinder.common import config  # noqa: E402,F401 (registers cinder.conf)
from cinder import context as cinder_context  # noqa: E402
from cinder import rpc as cinder_rpc  # noqa: E402
from cinder.scheduler import filter_scheduler  # noqa: E402
from cinder.scheduler import filters  # noqa: E402
from cinder.scheduler import host_manager  # noqa: E402
from oslo_config import cfg  # noqa: E402
from oslo_serialization import jsonutils  # noqa: E402

# The pools of examples/datacenters/small.yaml.
POOLS = ['cinder@lvm#r01', 'cinder@lvm#r02', 'cinder@ssd#r03',
         'cinder@lvm#r04']


def cinder_conf():
    """Cinder's global configuration, parsed as cinder-scheduler parses it
    (with "cinder" as oslo.messaging's default exchange)."""
    conf = cfg.CONF
    if not getattr(conf, '_valet_parsed', False):
        cinder_rpc.set_defaults(control_exchange='cinder')
        conf([], project='cinder', default_config_files=[])
        conf._valet_parsed = True
    return conf


def context(project_id='p1'):
    return cinder_context.RequestContext(user_id='u1', project_id=project_id)


def pool_states(backend_ids):
    """PoolStates, as the HostManager builds them from volume services."""
    states = []
    for backend_id in backend_ids:
        host, pool = backend_id.split('#')
        states.append(host_manager.PoolState(
            host, None, {'timestamp': None}, pool))
    return states


def filter_properties(size=10, hints=None, volume_type='lvm',
                      availability_zone='nova', volume_id=None, ctx=None):
    """What FilterScheduler hands its filters for one volume."""
    ctx = ctx or context()
    spec = objects.RequestSpec(
        volume_id=volume_id or str(uuid.uuid4()),
        volume_properties=objects.VolumeProperties(
            size=size, availability_zone=availability_zone,
            project_id=ctx.project_id, user_id=ctx.user_id),
        volume_type=objects.VolumeType(name=volume_type, extra_specs={}))
    props = {'scheduler_hints': hints or {}}
    spec_dict = jsonutils.to_primitive(spec)
    props.update({'context': ctx, 'request_spec': spec_dict,
                  'config_options': {},
                  'volume_type': spec_dict.get('volume_type') or {},
                  'resource_type': spec_dict.get('volume_type') or {}})
    scheduler = filter_scheduler.FilterScheduler.__new__(
        filter_scheduler.FilterScheduler)
    scheduler.populate_filter_properties(spec_dict, props)
    return props


def valet_filter_class():
    """ValetFilter as cinder-scheduler finds it: by its entry point name."""
    handler = filters.BackendFilterHandler('cinder.scheduler.filters')
    classes = {cls.__name__: cls for cls in handler.get_all_classes()}
    return classes['ValetFilter']


def run_filters(filter_classes, pools, props):
    handler = filters.BackendFilterHandler('cinder.scheduler.filters')
    return handler.get_filtered_objects(filter_classes, pools, props)


def names(pools):
    return sorted(p.backend_id for p in pools or [])
