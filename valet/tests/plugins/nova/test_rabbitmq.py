"""The Nova filter's own transport over a real RabbitMQ (services)."""
import sys

from valet.tests import base_services
from valet.tests.plugins import engine
from valet.tests.plugins.nova import helpers
from valet.tests.plugins.nova import test_filter


def test_planned_server_over_rabbitmq(tmp_path):
    base_services.require_service('rabbitmq')
    conf = helpers.nova_conf()
    with engine.running(tmp_path, transport_url=engine.RABBIT_URL) as aio:
        engine.configure_plugin(conf, aio)
        try:
            planned = test_filter.plan(aio, 'st-r', {
                'u-web': test_filter.server()})['u-web']['location']
            _spec, passed = test_filter.boot(test_filter.ALL_HOSTS,
                                             helpers.heat_hints('u-web'))
            _spec, ad_hoc = test_filter.boot(test_filter.ALL_HOSTS[:2])
        finally:
            engine.clear_plugin(conf)
    assert passed == [planned]
    assert len(ad_hoc) == 1
    assert 'eventlet' not in sys.modules
