"""A cinder-scheduler process for one test: eventlet monkey-patched by
Cinder's own code, exactly as cinder/cmd/scheduler.py starts.

Usage: ``python -m valet.tests.plugins.cinder.green_scheduler JSON``
where JSON is ``{"transport_url", "topic", "volumes": [{"size", "hints"}],
"pools", "engine_db"?}``.  With ``engine_db`` the process also runs a
valet-engine (the in-process bus cannot cross processes); without it the
engine is elsewhere, on RabbitMQ.  Prints one JSON line: whether the
process was patched and, per volume, the pools the filter passed.
"""
from cinder import monkey_patch; monkey_patch.patch()  # noqa: E702,I100

import contextlib  # noqa: E402
import json  # noqa: E402
import pathlib  # noqa: E402
import sys  # noqa: E402

import eventlet  # noqa: E402


def _patched():
    patcher = eventlet.patcher
    return all(patcher.is_monkey_patched(m)
               for m in ('socket', 'thread', 'time', 'select'))


def main(argv):
    args = json.loads(argv[1])
    from valet.tests.plugins.cinder import helpers
    from valet.tests.plugins import engine

    conf = helpers.cinder_conf()
    with contextlib.ExitStack() as stack:
        if args.get('engine_db'):
            aio = stack.enter_context(engine.running(
                pathlib.Path(args['engine_db'])))
            url, topic = aio.transport_url, aio.conf.engine.topic
        else:
            aio, url, topic = None, args['transport_url'], args['topic']
        engine.options.register_opts(conf)
        conf.set_override('transport_url', url, group='valet')
        conf.set_override('topic', topic, group='valet')
        conf.set_override('timeout', 30, group='valet')
        if aio is not None and args.get('plan'):
            from valet import context as valet_context
            from valet.engine import rpcapi
            api = rpcapi.EngineAPI(aio.conf, aio.transport, timeout=30)
            api.create_plan(valet_context.RequestContext(project_id='p1'),
                            'green', 'green', args['plan'])
        cls = helpers.valet_filter_class()

        def one(volume):
            props = helpers.filter_properties(size=volume['size'],
                                              hints=volume.get('hints'))
            pools = helpers.pool_states(args['pools'])
            return helpers.names(helpers.run_filters([cls], pools, props))
        # Several volumes at once, each in its own green thread, as
        # cinder-scheduler serves concurrent requests.
        pool = eventlet.GreenPool()
        results = list(pool.imap(one, args['volumes']))
        engine.clear_plugin(conf)
    print(json.dumps({'patched': _patched(), 'passed': results}))


if __name__ == '__main__':
    main(sys.argv)
