"""The plugins' way to valet-engine: one lazily built RPC client per
process and configuration, shared by every filter and plugin instance.

Why a process-wide cache: Cinder builds a new filter object per request
and Heat keeps one plugin object for ever; a transport (connections, a
reply queue) per filter object would leak.  Nothing is built at import
time: the host service parses its configuration first, and a forked
worker must build its own connections.
"""
import threading
import uuid

import oslo_messaging as messaging

from valet import context as valet_context
from valet.engine import rpcapi
from valet.plugins import options
from valet import rpc

_lock = threading.Lock()
_clients = {}          # (id(conf), settings...) -> (conf, api, transport)


def transport_url(conf):
    """``[valet] transport_url``, else the host service's own bus."""
    options.register_opts(conf)
    url = conf.valet.transport_url
    if not url:
        url = getattr(conf, 'transport_url', None)
    return url


class PluginEngineAPI(rpcapi.EngineAPI):
    """EngineAPI addressed from inside another service.

    The target names the engine's exchange: a transport built from the
    host's configuration defaults to the host's exchange (nova, cinder,
    heat), where no engine listens.  Topic and version pin come from the
    host's ``[valet]`` group (it has no Valet ``[engine]`` group).
    """

    def __init__(self, conf, transport):
        target = messaging.Target(exchange=conf.valet.control_exchange,
                                  topic=conf.valet.topic,
                                  version=rpcapi.RPC_API_VERSION)
        self.client = rpc.get_client(transport, target,
                                     version_cap=conf.valet.version_cap,
                                     timeout=conf.valet.timeout)
        self.query_topic = rpcapi.query_topic(conf.valet.topic)


def get_engine(conf):
    """The shared :class:`~valet.engine.rpcapi.EngineAPI` for ``conf``."""
    url = transport_url(conf)
    key = (id(conf), url, conf.valet.topic, conf.valet.control_exchange,
           conf.valet.version_cap, conf.valet.timeout)
    with _lock:
        entry = _clients.get(key)
        if entry is None:
            transport = rpc.get_transport(conf, url=url)
            api = PluginEngineAPI(conf, transport)
            # Keep conf alive with its client: id() must not be reused.
            entry = _clients[key] = (conf, api, transport)
        return entry[1]


def reset():
    """Drop every client and its transport (tests, service reload)."""
    with _lock:
        entries = list(_clients.values())
        _clients.clear()
    for _conf, _api, transport in entries:
        transport.cleanup()


def request_context(service_ctx=None, **overrides):
    """A Valet RequestContext for one plugin call, from the host service's
    context (any oslo.context-like object, or None).

    Every call gets a fresh ``request_id``: the engine answers a repeated
    request id with its first answer, and Nova reschedules or Heat retries
    reuse the service's id although they want a new decision.  The
    service's id travels on as ``global_request_id`` so logs still join.
    """
    values = {}
    if service_ctx is not None:
        for name in ('project_id', 'user_id', 'user_name', 'project_name'):
            value = getattr(service_ctx, name, None)
            if value is not None:
                values[name] = value
        values['roles'] = list(getattr(service_ctx, 'roles', None) or [])
        values['is_admin'] = bool(getattr(service_ctx, 'is_admin', False))
        values['global_request_id'] = (
            getattr(service_ctx, 'global_request_id', None)
            or getattr(service_ctx, 'request_id', None))
    values.update({k: v for k, v in overrides.items() if v is not None})
    values.setdefault('roles', [])
    values['request_id'] = 'req-%s' % uuid.uuid4()
    return valet_context.RequestContext(overwrite=False, **values)
