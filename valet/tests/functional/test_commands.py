"""The operator commands as processes: valet-aio, valet-manage, valet-status."""
import subprocess
import sys
import time

import pytest

from valet.tests.functional import fixtures
from valet.tests.net import free_port
from valet.tests.net import http
from valet.tests import rules


def run(module, *args, timeout=120):
    return subprocess.run([sys.executable, '-m', 'valet.cmd.%s' % module,
                           *args], capture_output=True, text=True,
                          timeout=timeout)






@pytest.fixture
def aio_process(tmp_path):
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, '-m', 'valet.cmd.aio', '--port', str(port),
         '--database-url', 'sqlite:///%s' % (tmp_path / 'aio.sqlite'),
         '--datacenter', fixtures.example('datacenters', '10x20.yaml')],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    url = 'http://127.0.0.1:%d' % port
    try:
        for _ in range(120):
            assert proc.poll() is None, proc.stderr.read()
            try:
                if http('GET', url + '/')[0] == 200:
                    break
            except OSError:
                time.sleep(0.25)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_valet_aio_serves_api_and_engine(aio_process):
    code, body = http('GET', aio_process + '/')
    assert code == 200 and body['versions'][0]['id'] == 'v1.0'
    code, body = http('GET', aio_process + '/v1/status')
    assert code == 200 and body['status']['ostro']['hosts'] == 200
    res = {'g': {'type': 'OS::Valet::Group', 'properties': {
        'name': 'zones', 'type': 'diversity', 'level': 'zone'}}}
    for i in range(2):
        res['s%d' % i] = {'type': 'OS::Nova::Server', 'properties': {
            'flavor': 'm1.small', 'metadata': {'valet': {'groups': ['zones']}}}}
    code, body = http('POST', aio_process + '/v1/plans', {
        'plan_name': 'z', 'stack_id': 'z', 'resources': res})
    assert code == 201, body
    rules.assert_diversity(body['plan']['placements'], ['s0', 's1'], 'zone')
    code, body = http('GET', aio_process + '/v1/plans')
    assert [p['stack_id'] for p in body['plans']] == ['z']


def test_valet_manage_db_sync_version_and_import(tmp_path):
    url = 'sqlite:///%s' % (tmp_path / 'm.sqlite')
    conf = tmp_path / 'valet.conf'
    conf.write_text('[database]\nconnection = %s\n' % url)
    assert run('manage', '--config-file', str(conf), 'db', 'version'
               ).stdout.strip() == 'None'
    sync = run('manage', '--config-file', str(conf), 'db', 'sync')
    assert sync.returncode == 0, sync.stderr
    version = run('manage', '--config-file', str(conf), 'db', 'version')
    from valet.db import migration
    assert version.stdout.strip() == migration.head()
    imp = run('manage', '--config-file', str(conf), 'datacenter', 'import',
              fixtures.example('datacenters', 'pdk.yaml'))
    assert imp.returncode == 0, imp.stderr
    from valet import context
    from valet.db import api as db_api
    from valet.db import inventory as db_inventory
    db = db_api.Database(url)
    stored = db_inventory.load_inventory(db, context.get_admin_context())
    assert stored.hosts['pdk15r05c001'].rack == 'pdk15r05'
    db.dispose()


def test_valet_manage_bad_datacenter_exits_2(tmp_path):
    conf = tmp_path / 'valet.conf'
    conf.write_text('[database]\nconnection = sqlite:///%s\n'
                    % (tmp_path / 'm.sqlite'))
    bad = tmp_path / 'dc.yaml'
    bad.write_text('name: x\nzones: 3\n')
    out = run('manage', '--config-file', str(conf), 'datacenter', 'import',
              str(bad))
    assert out.returncode == 2
    assert 'Traceback' not in out.stderr and 'zones' in out.stderr


def test_valet_status_upgrade_check(tmp_path):
    url = 'sqlite:///%s' % (tmp_path / 's.sqlite')
    conf = tmp_path / 'valet.conf'
    conf.write_text('[DEFAULT]\ntransport_url = kombu+memory:////\n'
                    '[database]\nconnection = %s\n' % url)
    stale = run('status', '--config-file', str(conf), 'upgrade', 'check')
    assert stale.returncode == 2, stale.stdout + stale.stderr
    assert 'db sync' in stale.stdout
    assert run('manage', '--config-file', str(conf), 'db', 'sync'
               ).returncode == 0
    ok = run('status', '--config-file', str(conf), 'upgrade', 'check')
    # Schema now current; no engine listens on the in-process bus of this
    # short-lived command, so the engine check warns (exit 1), not fails.
    assert ok.returncode == 1, ok.stdout + ok.stderr
    assert 'Database schema' in ok.stdout and 'Engine reachable' in ok.stdout
