"""QoS drivers, the http one against a real HTTP server on 127.0.0.1."""
import http.server
import json
import threading

from oslo_config import cfg
import pytest

from valet.conf import qos as qos_opts
from valet.engine.qos import base
from valet.engine.qos import loader
from valet.engine.qos import noop

PIPES = [{'name': 'p1', 'source': 'web', 'target': 'db',
          'bandwidth_mbps': 500, 'source_location': 'h1',
          'target_location': 'h2'}]


class Controller(http.server.BaseHTTPRequestHandler):
    """A QoS controller that keeps reservations by path."""

    def _reply(self, status):
        self.send_response(status)
        self.send_header('Content-Length', '0')
        self.end_headers()

    def do_PUT(self):
        server = self.server
        body = self.rfile.read(int(self.headers['Content-Length']))
        server.requests.append(('PUT', self.path, json.loads(body),
                                self.headers.get('X-Auth-Token')))
        if server.fail:
            return self._reply(500)
        server.reserved[self.path] = json.loads(body)
        self._reply(201)

    def do_DELETE(self):
        self.server.requests.append(('DELETE', self.path, None, None))
        self._reply(204 if self.server.reserved.pop(self.path, None)
                    else 404)

    def log_message(self, *args):
        pass


@pytest.fixture
def controller():
    server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), Controller)
    server.requests, server.reserved, server.fail = [], {}, False
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.url = 'http://127.0.0.1:%d/qos/' % server.server_address[1]
    yield server
    server.shutdown()
    server.server_close()
    thread.join(5)


def test_noop_is_the_default_and_accepts_anything():
    conf = cfg.ConfigOpts()
    qos_opts.register_opts(conf)
    conf([], default_config_files=[])
    driver = loader.from_conf(conf)
    assert isinstance(driver, noop.NoopDriver)
    driver.reserve('plan-1', PIPES)
    driver.release('plan-1')


def test_http_reserve_and_release(controller):
    driver = loader.load('http', url=controller.url, timeout=5, token='tok')
    driver.reserve('plan/1', PIPES)
    driver.reserve('plan/1', PIPES)          # idempotent: same URL
    assert controller.reserved == {'/qos/reservations/plan%2F1': {
        'plan_id': 'plan/1', 'pipes': PIPES}}
    assert controller.requests[0][3] == 'tok'
    driver.release('plan/1')
    driver.release('plan/1')                 # 404: already released
    assert controller.reserved == {}
    assert [r[0] for r in controller.requests] == ['PUT', 'PUT', 'DELETE',
                                                   'DELETE']


def test_http_errors_are_qos_errors(controller):
    driver = loader.load('http', url=controller.url, timeout=5)
    controller.fail = True
    with pytest.raises(base.QosError, match='answered 500'):
        driver.reserve('p', PIPES)
    controller.shutdown()
    controller.server_close()
    with pytest.raises(base.QosError, match='PUT'):
        driver.reserve('p', PIPES)


def test_http_from_conf(controller):
    conf = cfg.ConfigOpts()
    qos_opts.register_opts(conf)
    conf([], default_config_files=[])
    conf.set_override('driver', 'http', group='qos')
    conf.set_override('controller_url', controller.url, group='qos')
    loader.from_conf(conf).reserve('p2', [])
    assert '/qos/reservations/p2' in controller.reserved


def test_bad_driver_names_and_missing_url():
    with pytest.raises(base.QosError, match='nope'):
        loader.load('nope')
    with pytest.raises(base.QosError, match='controller_url'):
        loader.load('http', url=None)
