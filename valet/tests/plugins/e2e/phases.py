"""One service step of the end-to-end test, in a process of its own.

``python -m valet.tests.plugins.e2e.phases PHASE JSON`` prints one JSON
line.  JSON: ``{"workdir", "transport_url", "topic"}`` plus the phase's
own input.  On the in-process bus (``kombu+memory``) the phase runs its
own valet-engine on the shared database in ``workdir`` (an engine
restart, as far as the data goes); on RabbitMQ it uses the test's.

Phases: ``heat-create``, ``heat-update``, ``heat-delete`` (real Heat
stacks and Heat's plug points), ``nova`` (real Nova filter handler,
HostStates and RequestSpecs, in nova-scheduler's threading mode) and
``cinder`` (real Cinder filter handler and PoolStates, eventlet-patched
like cinder-scheduler).
"""
import sys

PHASE = sys.argv[1] if len(sys.argv) > 1 else None

# Each service's process model comes first, before anything imports
# eventlet (nova) or the socket module is used (cinder).
if PHASE == 'nova':
    import os
    os.environ['OS_NOVA_DISABLE_EVENTLET_PATCHING'] = '1'
    from nova import monkey_patch
    monkey_patch.patch(backend='threading')
elif PHASE == 'cinder':
    from cinder import monkey_patch
    monkey_patch.patch()

import contextlib  # noqa: E402
import json  # noqa: E402
import pathlib  # noqa: E402

from valet import rpc  # noqa: E402
from valet.tests.plugins import engine  # noqa: E402


@contextlib.contextmanager
def plugin_target(args, conf):
    """Point the service's conf at the engine: a local one on the shared
    database for the in-process bus, else the test's over RabbitMQ."""
    with contextlib.ExitStack() as stack:
        if args['transport_url'] == rpc.IN_PROCESS_URL:
            aio = stack.enter_context(engine.running(
                pathlib.Path(args['workdir'])))
            url, topic = aio.transport_url, aio.conf.engine.topic
        else:
            url, topic = args['transport_url'], args['topic']
        engine.options.register_opts(conf)
        engine.client.reset()
        conf.set_override('transport_url', url, group='valet')
        conf.set_override('topic', topic, group='valet')
        conf.set_override('timeout', 60, group='valet')
        try:
            yield
        finally:
            engine.client.reset()


# -- Heat ------------------------------------------------------------------

def _members(stack):
    """Servers and volumes of a stack, with the hints Heat sends."""
    from valet.tests.plugins.heat import helpers
    out = {}
    for res in stack.resources.values():
        if res.type() in ('OS::Nova::Server', 'OS::Cinder::Volume'):
            out['%s/%s' % (stack.name, res.name)] = {
                'type': res.type(), 'uuid': res.uuid,
                'flavor': res.properties.get('flavor'),
                'size': res.properties.get('size'),
                'hints': helpers.hints(res)}
    return out


def heat_create(args):
    from valet.tests.plugins.heat import helpers
    conf = helpers.setup_heat(pathlib.Path(args['workdir']) / 'heat')
    with plugin_target(args, conf):
        ctx = helpers.context()
        top = helpers.new_stack(ctx, 'app.yaml', ('tier.yaml',), name='e2e')
        helpers.pre_create(top)
        stacks = [top]
        for name in ('tier-a', 'tier-b'):
            child = helpers.nested_stack(top, name)
            helpers.pre_create(child)
            stacks.append(child)
    members = {}
    for stack in stacks:
        members.update(_members(stack))
    return {'stack_ids': [s.id for s in stacks], 'members': members}


def _load(ctx, stack_id):
    from heat.engine import stack as heat_stack
    return heat_stack.Stack.load(ctx, stack_id=stack_id)


def heat_update(args):
    from valet.tests.plugins.heat import helpers
    conf = helpers.setup_heat(pathlib.Path(args['workdir']) / 'heat')
    with plugin_target(args, conf):
        ctx = helpers.context()
        top = _load(ctx, args['stack_id'])
        new = helpers.updated_stack(top, 'app-v2.yaml', ('tier.yaml',))
        helpers.lifecycle_plugin_utils.do_pre_ops(ctx, top, new, 'UPDATE')
    # Heat then creates web-3 inside the existing stack: only now does it
    # get a uuid (which Valet could not know at plan time).
    web3 = new['web-3']
    web3.stack = top
    web3.store()
    return {'members': {'%s/web-3' % top.name: {
        'type': web3.type(), 'uuid': web3.uuid, 'flavor': 'm1.small',
        'hints': helpers.hints(web3)}}}


def heat_delete(args):
    from valet.tests.plugins.heat import helpers
    conf = helpers.setup_heat(pathlib.Path(args['workdir']) / 'heat')
    utils = helpers.lifecycle_plugin_utils
    with plugin_target(args, conf):
        ctx = helpers.context()
        # Children first, as Heat deletes the parent's resources.
        for stack_id in reversed(args['stack_ids']):
            stack = _load(ctx, stack_id)
            utils.do_pre_ops(ctx, stack, None, 'DELETE')
            utils.do_post_ops(ctx, stack, None, 'DELETE')
    return {'deleted': args['stack_ids']}


# -- Nova and Cinder -------------------------------------------------------

def nova(args):
    from valet.plugins.nova import filter as valet_filter
    from valet.tests.plugins.nova import helpers
    conf = helpers.nova_conf()
    chosen = {}
    with plugin_target(args, conf):
        for name, member in sorted(args['servers'].items()):
            spec = helpers.request_spec(
                member.get('instance_uuid'), member['hints'],
                flavor_=helpers.flavor(name=member['flavor']),
                **member.get('fields', {}))
            hosts = member.get('hosts') or args['hosts']
            passed = helpers.run_filters(
                [valet_filter.ValetFilter()], helpers.host_states(hosts),
                spec)
            chosen[name] = {'hosts': helpers.names(passed),
                            'instance_uuid': spec.instance_uuid}
    return {'chosen': chosen, 'eventlet_loaded': 'eventlet' in sys.modules}


def cinder(args):
    import eventlet
    from valet.tests.plugins.cinder import helpers
    conf = helpers.cinder_conf()
    chosen = {}
    with plugin_target(args, conf):
        cls = helpers.valet_filter_class()
        for name, member in sorted(args['volumes'].items()):
            props = helpers.filter_properties(size=member['size'],
                                              hints=member['hints'])
            passed = helpers.run_filters(
                [cls], helpers.pool_states(args['pools']), props)
            chosen[name] = helpers.names(passed)
    return {'chosen': chosen,
            'patched': eventlet.patcher.is_monkey_patched('socket')}


PHASES = {'heat-create': heat_create, 'heat-update': heat_update,
          'heat-delete': heat_delete, 'nova': nova, 'cinder': cinder}


def main(argv):
    result = PHASES[argv[1]](json.loads(argv[2]))
    print(json.dumps(result))


if __name__ == '__main__':
    main(sys.argv)
