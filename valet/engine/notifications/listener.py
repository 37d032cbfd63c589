"""The notification listener EngineService starts and stops."""
import logging

import oslo_messaging as messaging

from valet.engine.notifications import applier
from valet.engine.notifications import endpoints
from valet.engine.notifications import reconcile
from valet import rpc

LOG = logging.getLogger(__name__)


def get_transport(conf):
    """The bus Nova notifies on: ``[notifications] transport_url``, else
    ``[oslo_messaging_notifications] transport_url``, else the RPC one."""
    url = conf.notifications.transport_url
    # Options oslo.messaging reads from the conf it is given (see rpc).
    rpc._register_global_only_opts(conf)
    if (url or conf.transport_url or '').startswith('kombu+memory'):
        rpc._disable_heartbeats(conf)
    return messaging.get_notification_transport(conf, url=url)


class Listener:
    """Listener + applier for one engine; ``start``/``stop`` from
    EngineService."""

    def __init__(self, conf, manager, transport=None):
        self.conf = conf
        self.manager = manager
        self._transport = transport
        self._owns_transport = transport is None
        self.reconciler = reconcile.Reconciler(manager)
        opts = conf.notifications
        self.applier = applier.Applier(self.reconciler.apply,
                                       batch_size=opts.batch_size,
                                       batch_interval=opts.batch_interval)
        self.server = None

    @classmethod
    def from_conf(cls, conf, manager):
        """A listener if ``[notifications] enabled``, else None."""
        return cls(conf, manager) if conf.notifications.enabled else None

    def start(self):
        opts = self.conf.notifications
        if self._transport is None:
            self._transport = get_transport(self.conf)
        targets = [messaging.Target(topic=topic, exchange=opts.exchange)
                   for topic in opts.topics]
        self.applier.start()
        self.server = messaging.get_notification_listener(
            self._transport, targets,
            endpoints.all_endpoints(self.applier.put),
            executor='threading', pool=opts.pool)
        self.server.start()
        LOG.info('Listening to Nova notifications on %s (exchange %s, '
                 'pool %s)', ', '.join(opts.topics), opts.exchange,
                 opts.pool)

    def stop(self):
        if self.server is not None:
            self.server.stop()
            self.server.wait()
            self.server = None
        self.applier.stop()
        if self._owns_transport and self._transport is not None:
            self._transport.cleanup()
            self._transport = None
