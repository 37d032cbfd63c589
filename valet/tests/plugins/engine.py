"""A real valet-engine for plugin tests, and the plugin side's config.

The engine is Valet's all-in-one runtime (engine + sqlite) on a unique
topic; the service under test talks to it through its own ``[valet]``
options, as it would in production.
"""
import contextlib
import uuid

import oslo_messaging as messaging

from valet import allinone
from valet.plugins import client
from valet.plugins import options
from valet import rpc
from valet.tests.functional import fixtures

RABBIT_URL = 'rabbit://guest:guest@127.0.0.1:5672/'
# What valet-engine listens on by default (oslo.messaging's default).
ENGINE_EXCHANGE = 'openstack'


@contextlib.contextmanager
def running(tmp_path, transport_url=rpc.IN_PROCESS_URL, datacenter=None):
    """An engine (and the REST app around it) for one test."""
    conf = fixtures.make_conf('sqlite:///%s' % (tmp_path / 'valet.sqlite'),
                              datacenter=datacenter)
    # The host services change oslo.messaging's global default exchange
    # (nova, cinder, heat); the engine keeps its own.
    conf.register_opts(messaging.transport._transport_opts)
    conf.set_override('control_exchange', ENGINE_EXCHANGE)
    aio = allinone.AllInOne(conf, transport_url=transport_url)
    with aio:
        yield aio


def configure_plugin(service_conf, aio, failure_mode='reject', timeout=20,
                     transport_url=None, topic=None):
    """Point ``service_conf`` (nova.conf, cinder.conf, heat.conf as
    ConfigOpts) at ``aio``'s engine."""
    options.register_opts(service_conf)
    client.reset()
    service_conf.set_override(
        'transport_url', transport_url or aio.transport_url, group='valet')
    service_conf.set_override('topic', topic or aio.conf.engine.topic,
                              group='valet')
    service_conf.set_override('failure_mode', failure_mode, group='valet')
    service_conf.set_override('timeout', timeout, group='valet')


def clear_plugin(service_conf):
    client.reset()
    for name in ('transport_url', 'topic', 'failure_mode', 'timeout'):
        service_conf.clear_override(name, group='valet')


def unique_topic():
    return 'valet-nobody-%s' % uuid.uuid4().hex
