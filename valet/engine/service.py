"""valet-engine as an oslo.service Service (threading backend).

Everything that opens a connection is built in ``start()``: the launcher may
fork before it, and a forked child must not share the parent's sockets.
"""
import logging

import oslo_messaging as messaging
from oslo_service import service

from valet.db import api as db_api
from valet.engine.endpoints import base as endpoints
from valet.engine import heartbeat
from valet.engine import manager as engine_manager
from valet.engine import rpcapi
from valet.engine.notifications import listener as notifications
from valet.engine.sync import loop as sync_loop
from valet import rpc

LOG = logging.getLogger(__name__)

PREFETCH = 'rabbit_qos_prefetch_count'


def rpc_url(conf):
    """The transport URL, on RabbitMQ with a prefetch of ``[engine]
    rpc_workers`` unless the URL sets one: RabbitMQ then hands each request
    to an engine that is free to work on it instead of round-robin to all
    of them (one busy engine would hold a queue while another idles).  Only
    this engine's RPC transport: notifications keep their own."""
    workers = conf.engine.rpc_workers
    parsed = messaging.TransportURL.parse(conf)   # [DEFAULT] transport_url
    if not workers or parsed.transport != 'rabbit' or PREFETCH in parsed.query:
        return None
    # Appended as text: a TransportURL rendered back changes some URLs
    # (the default virtual host 'rabbit://' becomes '').
    url = conf.transport_url or 'rabbit://'
    return '%s%s%s=%d' % (url, '&' if '?' in url else '?', PREFETCH, workers)


class EngineService(service.Service):

    def __init__(self, conf, transport=None, db=None, engine_id=None):
        super().__init__()
        self.conf = conf
        self._transport = transport
        self._owns_transport = transport is None
        self._db = db
        self._engine_id = engine_id
        self.manager = None
        self.rpcserver = None
        self.queryserver = None
        self.heartbeat = None
        self.notifications = None
        self.sync = None

    def start(self):
        super().start()
        if self._transport is None:
            self._transport = rpc.get_transport(
                self.conf, url=rpc_url(self.conf))
        if self._db is None:
            self._db = db_api.Database.from_conf(self.conf)
        self.manager = engine_manager.EngineManager(
            self.conf, self._db, engine_id=self._engine_id)
        self.manager.start()
        # Before serving: status shows the engine as soon as it answers.
        self.heartbeat = heartbeat.Heartbeat(
            self.manager, self._db, self.conf.engine.heartbeat_interval,
            follow_decisions=self._db.backend != 'sqlite')
        self.heartbeat.start()
        target = messaging.Target(topic=self.conf.engine.topic,
                                  server=self.manager.engine_id)
        self.rpcserver = rpc.get_server(
            self._transport, target, endpoints.all_endpoints(self.manager))
        self.rpcserver.start(
            override_pool_size=self.conf.engine.rpc_workers or None)
        # The query lane: pings and queries with threads of their own, so
        # they are answered while this engine works on a decision.
        self.queryserver = rpc.get_server(
            self._transport,
            messaging.Target(topic=rpcapi.query_topic(self.conf.engine.topic),
                             server=self.manager.engine_id),
            endpoints.query_endpoints(self.manager))
        self.queryserver.start()
        self.notifications = notifications.Listener.from_conf(
            self.conf, self.manager)
        if self.notifications is not None:
            self.notifications.start()
        self.sync = sync_loop.SyncLoop(self.conf, self.manager)
        self.sync.start()
        LOG.info('valet-engine %s serving topic %s', self.manager.engine_id,
                 self.conf.engine.topic)

    def stop(self, graceful=True):
        if self.sync is not None:
            self.sync.stop()
            self.sync = None
        if self.notifications is not None:
            self.notifications.stop()
            self.notifications = None
        if self.heartbeat is not None:
            self.heartbeat.stop()
            self.heartbeat = None
        for name in ('rpcserver', 'queryserver'):
            server = getattr(self, name)
            if server is not None:
                server.stop()
                server.wait()
                setattr(self, name, None)
        if self._owns_transport and self._transport is not None:
            self._transport.cleanup()
            self._transport = None
        super().stop(graceful)
