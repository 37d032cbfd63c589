"""Heat → valet-engine → Nova and Cinder, each in its own process.

A nested template (rack affinity across two nested stacks, rack
diversity, host exclusivity, a volume with a pipe to its server) goes
through Heat's plug points; then every server goes through Nova's filter
handler and the volume through Cinder's, and each gets exactly what the
plan says; the rules hold; a stack update re-plans and a delete releases
the capacity.  Once on the in-process bus (each process runs the engine
on the shared database), once over RabbitMQ (one engine, every plugin
on its own transport).
"""
import contextlib
import json
import os
import subprocess
import sys

import pytest

from valet import rpc
from valet.tests import base_services
from valet.tests.functional import fixtures
from valet.tests.plugins import engine
from valet.tests import rules

HOSTS = (['r01h0%d' % i for i in range(1, 5)]
         + ['r02h0%d' % i for i in range(1, 6)]
         + ['r03h0%d' % i for i in range(1, 5)]
         + ['r04h0%d' % i for i in range(1, 6)])
POOLS = ['cinder@lvm#r01', 'cinder@lvm#r02', 'cinder@ssd#r03',
         'cinder@lvm#r04']


def phase(name, **args):
    env = dict(os.environ)
    for var in ('OS_NOVA_DISABLE_EVENTLET_PATCHING',
                'OS_CINDER_DISABLE_EVENTLET_PATCHING'):
        env.pop(var, None)
    out = subprocess.run(
        [sys.executable, '-m', 'valet.tests.plugins.e2e.phases', name,
         json.dumps(args)], capture_output=True, text=True, timeout=300,
        env=env)
    assert out.returncode == 0, '%s failed:\n%s' % (name, out.stderr[-6000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


class Bus:
    """Where the phases find the engine, and a REST view of its data."""

    def __init__(self, workdir, url, aio=None):
        self.workdir, self.url, self.aio = workdir, url, aio

    def args(self, **more):
        return dict(more, workdir=str(self.workdir), transport_url=self.url,
                    topic=self.aio.conf.engine.topic if self.aio else None)

    @contextlib.contextmanager
    def rest(self):
        if self.aio is not None:
            yield fixtures.Client(self.aio.app)
        else:
            with engine.running(self.workdir) as aio:
                yield fixtures.Client(aio.app)


@pytest.fixture(params=['memory', 'rabbitmq'])
def bus(request, tmp_path):
    if request.param == 'memory':
        yield Bus(tmp_path, rpc.IN_PROCESS_URL)
        return
    base_services.require_service('rabbitmq')
    with engine.running(tmp_path, transport_url=engine.RABBIT_URL) as aio:
        yield Bus(tmp_path, engine.RABBIT_URL, aio)


def rows_of(client, stack_ids):
    rows = {}
    for stack_id in stack_ids:
        res = client('GET', '/v1/placements?stack_id=%s' % stack_id)
        assert res.status_int == 200, res.text
        rows.update({r['orchestration_id']: r
                     for r in res.json['placements']})
    return rows


def servers_of(members):
    return {name: dict(m, flavor=m['flavor'])
            for name, m in members.items() if m['type'] == 'OS::Nova::Server'}


def test_heat_nova_cinder_end_to_end(bus):
    created = phase('heat-create', **bus.args())
    members, stack_ids = created['members'], created['stack_ids']
    uuid_of = {name: m['uuid'] for name, m in members.items()}
    with bus.rest() as client:
        planned = rows_of(client, stack_ids)
    assert set(planned) == set(uuid_of.values())

    # Nova boots every server: each gets exactly its planned host.
    booted = phase('nova', **bus.args(servers=servers_of(members),
                                      hosts=HOSTS))
    assert booted['eventlet_loaded'] is False
    for name, got in booted['chosen'].items():
        assert got['hosts'] == [planned[uuid_of[name]]['location']], name
    # Cinder creates the volume in its planned pool.
    volumes = {n: m for n, m in members.items()
               if m['type'] == 'OS::Cinder::Volume'}
    made = phase('cinder', **bus.args(volumes=volumes, pools=POOLS))
    assert made['patched'] is True
    assert made['chosen'] == {'e2e/db-data': [
        planned[uuid_of['e2e/db-data']]['location']]}

    with bus.rest() as client:
        rows = rows_of(client, stack_ids)
        everything = client('GET', '/v1/placements').json['placements']
    by_name = {name: rows[key] for name, key in uuid_of.items()}
    assert all(r['reserved'] for r in rows.values())
    apps = [k for k in by_name if k.endswith('/app')]
    rules.assert_affinity(by_name, apps, 'rack')
    rules.assert_diversity(by_name, ['e2e/web-1', 'e2e/web-2'], 'rack')
    db_host = by_name['e2e/db']['location']
    assert [r['orchestration_id'] for r in everything
            if r.get('kind', 'server') == 'server'
            and r['location'] == db_host] == [uuid_of['e2e/db']]
    # The pipe keeps the volume near its server.
    assert by_name['e2e/db-data']['rack'] == by_name['e2e/db']['rack']

    # Update: web-2 goes, web-3 comes (Nova finds it by stack path).
    # The db's host is exclusive: nothing else may boot there...
    updated = phase('heat-update', **bus.args(stack_id=stack_ids[0]))
    web3 = updated['members']['e2e/web-3']
    probe = {'flavor': 'm1.tiny', 'hints': {}, 'hosts': [db_host]}
    booted = phase('nova', **bus.args(
        servers={'e2e/web-3': web3, 'probe': probe}, hosts=HOSTS))
    (web3_host,) = booted['chosen']['e2e/web-3']['hosts']
    assert booted['chosen']['probe']['hosts'] == []
    with bus.rest() as client:
        rows = rows_of(client, stack_ids[:1])
    assert uuid_of['e2e/web-2'] not in rows
    web3_key = 'heat:%s/web-3' % stack_ids[0]
    assert rows[web3_key]['location'] == web3_host
    assert rows[web3_key]['reserved'] is True
    rules.assert_diversity(rows, [uuid_of['e2e/web-1'], web3_key], 'rack')
    assert rows[uuid_of['e2e/db']]['flavor'] == 'm1.xlarge'

    # ...until the stack is deleted and its capacity released.
    phase('heat-delete', **bus.args(stack_ids=stack_ids))
    with bus.rest() as client:
        assert rows_of(client, stack_ids) == {}
        for stack_id in stack_ids:
            assert client('GET', '/v1/plans/%s' % stack_id).status_int == 404
    allowed = phase('nova', **bus.args(servers={'probe': probe},
                                       hosts=[db_host]))
    assert allowed['chosen']['probe']['hosts'] == [db_host]
