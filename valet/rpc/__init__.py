"""oslo.messaging plumbing shared by valet-engine, valet-api and the plugins.

No transport is cached at import: every process builds its own from its own
ConfigOpts and keeps it, so tests can run several in one interpreter.
"""
import oslo_messaging as messaging
from oslo_messaging.rpc import dispatcher

from valet.rpc.serializer import RequestContextSerializer

# Only Valet's own exception classes are rebuilt from remote errors.
ALLOWED_EXMODS = ['valet.exception']

IN_PROCESS_URL = 'kombu+memory:////'


def _register_global_only_opts(conf):
    # oslo.messaging >= 18.3 reads [oslo_messaging_tracing] and
    # [oslo_messaging_metrics] from the transport's conf but registers them
    # on the global cfg.CONF only; Valet never uses the global, so register
    # them on ours.
    import importlib
    for module, attr in (('_tracing.client', 'oslo_messaging_tracing'),
                         ('_metrics.client', 'oslo_messaging_metrics')):
        try:
            opts = getattr(importlib.import_module(
                'oslo_messaging.' + module), attr)
        except (ImportError, AttributeError):
            continue
        conf.register_opts(opts, group=attr)


def get_transport(conf, url=None):
    """An RPC transport; ``url`` overrides ``[DEFAULT] transport_url``."""
    _register_global_only_opts(conf)
    parsed = messaging.TransportURL.parse(conf, url)
    if parsed.transport == 'kombu+memory':
        _disable_heartbeats(conf)
    return messaging.get_rpc_transport(conf, url=parsed,
                                       allowed_remote_exmods=ALLOWED_EXMODS)


def _disable_heartbeats(conf):
    """The in-process bus has no broker to keep alive: no heartbeat thread,
    and no warning that it is unsupported."""
    from oslo_messaging import opts
    for group, group_opts in opts.list_opts():
        if group == 'oslo_messaging_rabbit':
            conf.register_opts(group_opts, group=group)
            conf.set_default('heartbeat_timeout_threshold', 0, group=group)


def get_client(transport, target, version_cap=None, timeout=None):
    return messaging.get_rpc_client(transport, target,
                                    version_cap=version_cap,
                                    serializer=RequestContextSerializer(),
                                    timeout=timeout)


def get_server(transport, target, endpoints):
    """An RPC server; oslo.messaging picks its threading executor because
    Valet's processes are not eventlet-patched."""
    return messaging.get_rpc_server(
        transport, target, endpoints,
        serializer=RequestContextSerializer(),
        access_policy=dispatcher.DefaultRPCAccessPolicy)
