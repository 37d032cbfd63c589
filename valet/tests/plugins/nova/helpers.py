"""Real Nova objects for the filter tests."""
import uuid

from nova import context as nova_context
from nova import objects
from nova.scheduler import filters
from nova.scheduler import host_manager

import nova.conf

objects.register_all()


def nova_conf():
    """Nova's own global configuration, parsed as nova-scheduler parses
    it (which also makes "nova" oslo.messaging's default exchange)."""
    conf = nova.conf.CONF
    if not conf._args and not getattr(conf, '_valet_parsed', False):
        from nova import config
        config.parse_args(['nova-scheduler'], default_config_files=[],
                          configure_db=False, init_rpc=False)
        conf._valet_parsed = True
    return conf


def context(project_id='p1'):
    return nova_context.RequestContext(user_id='u1', project_id=project_id,
                                       roles=['member'])


def host_states(names):
    cell = str(uuid.uuid4())
    return [host_manager.HostState(name, name, cell) for name in names]


def flavor(name='m1.small', vcpus=1, ram=2048, root=20, extra_specs=None):
    return objects.Flavor(name=name, vcpus=vcpus, memory_mb=ram, root_gb=root,
                          ephemeral_gb=0, swap=0,
                          extra_specs=extra_specs or {})


def heat_hints(uuid_=None, root='root-1', path=('top',), name='web',
               stack_id=None):
    hints = {'heat_root_stack_id': root, 'heat_stack_id': stack_id or root,
             'heat_stack_name': 'top', 'heat_path_in_stack': list(path),
             'heat_resource_name': name}
    if uuid_:
        hints['heat_resource_uuid'] = uuid_
    return hints


def request_spec(instance_uuid=None, hints=None, ctx=None, flavor_=None,
                 **fields):
    """A RequestSpec built the way nova-api builds it (from_components
    turns every hint into a list of strings)."""
    ctx = ctx or context()
    spec = objects.RequestSpec.from_components(
        ctx, instance_uuid or str(uuid.uuid4()), image=objects.ImageMeta(),
        flavor=flavor_ or flavor(), numa_topology=None, pci_requests=None,
        project_id=ctx.project_id, availability_zone=fields.pop(
            'availability_zone', None),
        filter_properties={'scheduler_hints': hints or {}},
        instance_group=None, user_id=ctx.user_id)
    for name, value in fields.items():
        setattr(spec, name, value)
    return spec


def run_filters(filter_objs, hosts, spec, index=0):
    """Nova's filter handler, as the scheduler's HostManager calls it."""
    handler = filters.HostFilterHandler()
    return handler.get_filtered_objects(filter_objs, hosts, spec, index)


def names(hosts):
    return sorted(h.host for h in hosts or [])
