"""Services mode as an operator runs it: valet-manage db sync, valet-engine
and valet-api as their own processes, RabbitMQ between them, MariaDB or
PostgreSQL underneath. The answer must equal the all-in-one answer."""
import os
import subprocess
import sys
import time
import uuid

import pytest

from valet import allinone
from valet.tests import base_services
from valet.tests.functional import fixtures
from valet.tests.net import free_port
from valet.tests.net import http as _http
from valet.tests.functional.test_plans import three_tier


def http(method, url, body=None):
    return _http(method, url, body,
                 headers={'X-Project-Id': 'demo', 'X-Roles': 'member'})


DATACENTER = fixtures.example('datacenters', 'small.yaml')






def valet_cmd(module, config, *args):
    return [sys.executable, '-m', 'valet.cmd.%s' % module,
            '--config-file', config, *args]


def write_config(path, db_url, port, topic):
    path.write_text('\n'.join([
        '[DEFAULT]',
        'transport_url = rabbit://guest:guest@127.0.0.1:5672/',
        '[database]', 'connection = %s' % db_url,
        '[api]', 'auth_strategy = noauth', 'host = 127.0.0.1',
        'port = %d' % port, 'engine_timeout = 30',
        '[engine]', 'topic = %s' % topic, 'engine_id = services-engine',
        '[inventory]', 'datacenter_file = %s' % DATACENTER, '']))
    return str(path)


def wait_ready(url, procs, deadline=90):
    end = time.time() + deadline
    while time.time() < end:
        for p in procs:
            assert p.poll() is None, 'a Valet process died: %s' % p.args
        try:
            status, body = http('GET', url + '/v1/status')
            if status == 200:
                return body
        except OSError:
            pass
        time.sleep(0.5)
    pytest.fail('valet-api/valet-engine did not become ready')


def aio_answer(tmp_path):
    conf = fixtures.make_conf('sqlite:///%s' % (tmp_path / 'aio.sqlite'),
                              datacenter=DATACENTER)
    with allinone.AllInOne(conf) as aio:
        client = fixtures.Client(aio.app, 'demo', 'member')
        resp = client('POST', '/v1/plans', {'plan_name': 'tt',
                                            'stack_id': 'tt',
                                            'resources': three_tier()})
        assert resp.status_int == 201, resp.text
        return resp.json['plan']['placements']


@pytest.mark.parametrize('backend', ['mysql', 'postgresql'])
def test_services_mode_matches_all_in_one(backend, tmp_path):
    base_services.require_service('rabbitmq')
    base_services.require_service(backend)
    with base_services.temporary_database(backend) as db_url:
        port = free_port()
        config = write_config(tmp_path / 'valet.conf', db_url, port,
                              'valet-svc-%s' % uuid.uuid4().hex)
        sync = subprocess.run(valet_cmd('manage', config, 'db', 'sync'),
                              capture_output=True, text=True, timeout=120)
        assert sync.returncode == 0, sync.stderr
        version = subprocess.run(valet_cmd('manage', config, 'db', 'version'),
                                 capture_output=True, text=True, timeout=60)
        assert version.returncode == 0 and version.stdout.strip() != 'None'

        log = open(tmp_path / 'procs.log', 'w')
        procs = [subprocess.Popen(valet_cmd(m, config), stdout=log,
                                  stderr=subprocess.STDOUT)
                 for m in ('engine', 'api')]
        try:
            url = 'http://127.0.0.1:%d' % port
            status = wait_ready(url, procs)
            assert status['status']['ostro']['engine_id'] == 'services-engine'
            code, body = http('POST', url + '/v1/plans', {
                'plan_name': 'tt', 'stack_id': 'tt',
                'resources': three_tier()})
            assert code == 201, body
            services = {k: (v['location'], v['rack'], v['zone'])
                        for k, v in body['plan']['placements'].items()}
            aio = {k: (v['location'], v['rack'], v['zone'])
                   for k, v in aio_answer(tmp_path).items()}
            assert services == aio

            code, body = http('GET', url + '/v1/plans/tt')
            assert code == 200 and body['plan']['stack_id'] == 'tt'
            code, _ = http('DELETE', url + '/v1/plans/tt')
            assert code == 204
            code, _ = http('GET', url + '/v1/plans/tt')
            assert code == 404
        finally:
            for p in procs:
                p.terminate()
            for p in procs:
                try:
                    p.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    p.kill()
            log.close()
            if os.environ.get('VALET_TEST_SHOW_LOGS'):
                print((tmp_path / 'procs.log').read_text())
