"""Every engine action through the real RPC endpoints (EngineAPI over the
in-process bus, a real engine, sqlite), checking the DB afterwards: the
placements, their reserved flags, and host/rack/pool usage equal to exactly
what the stored placements and pipes add up to.  A rejected action stores
nothing.
"""
import collections
import shutil
import time

import pytest
import yaml

from valet import allinone
from valet import context as valet_context
from valet.db import inventory as db_inventory
from valet.db import placements as db_placements
from valet.db import plans as db_plans
from valet.engine.model import bandwidth
from valet.engine import rpcapi
from valet import exception
from valet.tests.functional import fixtures
from valet.tests import rules


def server(flavor='m1.small', groups=(), az=None):
    props = {'flavor': flavor}
    if groups:
        props['metadata'] = {'valet': {'groups': list(groups)}}
    if az:
        props['availability_zone'] = az
    return {'type': 'OS::Nova::Server', 'properties': props}


def group(name, kind, level):
    return {'type': 'OS::Valet::Group',
            'properties': {'name': name, 'type': kind, 'level': level}}


def pipe(source, target, mbps):
    return {'type': 'OS::Valet::Pipe', 'properties': {
        'source': source, 'target': target, 'bandwidth_mbps': mbps}}


def volume(size, server_key=None, volume_type=None):
    res = {'type': 'OS::Cinder::Volume', 'properties': {'size': size}}
    if volume_type:
        res['properties']['volume_type'] = volume_type
    return res


def attach(server_key, volume_key):
    return {'type': 'OS::Cinder::VolumeAttachment', 'properties': {
        'instance_uuid': server_key, 'volume_id': volume_key}}


@pytest.fixture
def api(aio):
    return rpcapi.EngineAPI(aio.conf, aio.transport, timeout=60)


def fresh():
    """A new request (its own request id), as every real RPC call has:
    calls reusing one request id are retries and get the first answer."""
    return valet_context.RequestContext(project_id='p1', roles=['member'])


def admin():
    return valet_context.get_admin_context()


def rows(aio):
    return db_placements.load_all(aio.db, admin())


def by_key(aio):
    return {r['orchestration_id']: r for r in rows(aio)}


def state(aio):
    return db_inventory.load_state(aio.db, admin())


def assert_usage_exact(aio):
    """DB usage == what the stored placements and pipes add up to."""
    placed = rows(aio)
    want = collections.defaultdict(lambda: [0, 0, 0, 0])
    pools = collections.Counter()
    for row in placed:
        if row['kind'] == 'server':
            w = want[row['location']]
            w[0] += row['vcpus']
            w[1] += row['memory_mb']
            w[2] += row['disk_gb']
        else:
            pools[row['location']] += row['disk_gb']
    racks = collections.Counter()
    for plan in db_plans.list_plans(aio.db, admin()):
        pipes = db_plans.get_pipes(aio.db, admin(), plan['id'])
        spots = {r['orchestration_id']: bandwidth.spot(r) for r in placed
                 if r['stack_id'] == plan['stack_id']}
        nic, uplink = bandwidth.usage(pipes, spots)
        for host, mbps in nic.items():
            want[host][3] += mbps
        racks.update(uplink)
    got = state(aio)
    for name, row in got['hosts'].items():
        assert [row['vcpus_used'], row['memory_mb_used'], row['disk_gb_used'],
                row['nic_used_mbps']] == want.get(name, [0, 0, 0, 0]), name
    for name, row in got['pools'].items():
        assert row['used_gb'] == pools.get(name, 0), name
    for name, row in got['racks'].items():
        assert row['uplink_used_mbps'] == racks.get(name, 0), name
    inv = fixtures_inventory(aio)
    rules.assert_capacity(placed, inv)
    rules.assert_pool_capacity(placed, inv)


def fixtures_inventory(aio):
    from valet.engine.model import loader
    return loader.load_datacenter(aio.conf.inventory.datacenter_file
                                  or loader.default_datacenter_path())


def snapshot(aio):
    return (sorted((r['orchestration_id'], r['location'], r['reserved'],
                    r['resource_id']) for r in rows(aio)),
            state(aio))


def web_stack():
    return {
        'spread': group('web-spread', 'diversity', 'host'),
        'web-1': server(groups=['web-spread']),
        'web-2': server(groups=['web-spread']),
        'db': server('m1.large'),
        'data': volume(100),
        'att': attach('db', 'data'),
        'p1': pipe('web-1', 'db', 400),
        'p2': pipe('web-2', 'db', 400),
        'p3': pipe('db', 'data', 1000),
    }


def test_create_with_pipes_and_volume_then_delete_restores_usage(aio, api):
    before = state(aio)
    plan = api.create_plan(fresh(), 'web', 'web', web_stack())
    placed = plan['placements']
    rules.assert_diversity(placed, ['web-1', 'web-2'], 'host')
    assert placed['data']['kind'] == 'volume'
    assert placed['data']['rack'] == placed['db']['rack']
    pipes = db_plans.get_pipes(aio.db, admin(), 'web')
    assert sorted(p['name'] for p in pipes) == ['p1', 'p2', 'p3']
    assert_usage_exact(aio)
    assert state(aio)['hosts'][placed['db']['location']]['nic_used_mbps'] > 0
    api.delete_plan(fresh(), 'web')
    assert rows(aio) == []
    after = state(aio)
    for kind in ('hosts', 'pools', 'racks'):
        for name, row in after[kind].items():
            used = {k: v for k, v in row.items() if k.endswith('used')
                    or k.endswith('used_mbps') or k.endswith('_used_gb')}
            assert used == {k: v for k, v in before[kind][name].items()
                            if k in used}, (kind, name)


def test_pipes_keep_heavy_traffic_local(aio, api):
    res = {'a': server('m1.medium'), 'b': server('m1.medium'),
           'p': pipe('a', 'b', 5000)}
    placed = api.create_plan(fresh(), 'local', 'local', res)['placements']
    assert placed['a']['location'] == placed['b']['location']
    assert_usage_exact(aio)


def test_pipe_over_nic_capacity_is_refused_and_stores_nothing(aio, api):
    before = snapshot(aio)
    res = {'spread': group('apart', 'diversity', 'host'),
           'a': server(groups=['apart']), 'b': server(groups=['apart']),
           'p': pipe('a', 'b', 20000)}        # NICs have 10 Gbit/s
    with pytest.raises(exception.PlacementFailed) as info:
        api.create_plan(fresh(), 'fat', 'fat', res)
    assert info.value.reason['code'] in ('bandwidth_unsatisfiable',
                                         'diversity_unsatisfiable')
    assert snapshot(aio) == before


def test_update_keeps_unchanged_places_new_releases_removed(aio, api):
    first = api.create_plan(fresh(), 'u', 'u', web_stack())['placements']
    ids = {k: v['id'] for k, v in first.items()}
    resources = web_stack()
    del resources['web-2'], resources['p2']                  # removed
    resources['web-3'] = server(groups=['web-spread'])       # new
    resources['p4'] = pipe('web-3', 'db', 100)
    resources['db'] = server('m1.xlarge')                    # resized
    plan = api.update_plan(fresh(), 'u', resources)
    placed = plan['placements']
    assert sorted(placed) == ['att', 'data', 'db', 'p1', 'p3', 'p4',
                              'spread', 'web-1', 'web-3'] or sorted(
        placed) == ['data', 'db', 'web-1', 'web-3']
    stored = by_key(aio)
    assert 'web-2' not in stored
    # Unchanged members stay where they were, as the same rows.
    assert stored['web-1']['location'] == first['web-1']['location']
    assert stored['web-1']['id'] == ids['web-1']
    assert stored['data']['location'] == first['data']['location']
    # The resize is stored with its new size; usage adds up exactly.
    assert (stored['db']['vcpus'], stored['db']['flavor']) == (8, 'm1.xlarge')
    rules.assert_diversity(stored, ['web-1', 'web-3'], 'host')
    assert_usage_exact(aio)
    assert {p['name'] for p in db_plans.get_pipes(aio.db, admin(), 'u')} == {
        'p1', 'p3', 'p4'}


def test_resize_is_credited_the_old_flavor(aio, api):
    # r02h05 has 8 vCPUs x 4 = 32: 20 then 30 fit only if the old
    # flavor's usage is released first.
    res = {'a': {'type': 'OS::Nova::Server', 'properties': {
        'flavor': {'vcpus': 20, 'ram': 4096, 'disk': 10},
        'availability_zone': 'nova:r02h05'}}}
    api.create_plan(fresh(), 'rs', 'rs', res)
    res['a']['properties']['flavor'] = {'vcpus': 30, 'ram': 4096,
                                        'disk': 10}
    api.update_plan(fresh(), 'rs', res)
    assert by_key(aio)['a']['location'] == 'r02h05'
    assert state(aio)['hosts']['r02h05']['vcpus_used'] == 30
    assert_usage_exact(aio)


def test_infeasible_update_stores_nothing(aio, api):
    api.create_plan(fresh(), 'x', 'x', {'a': server(), 'b': server()})
    before = snapshot(aio)
    res = {'a': server(), 'b': server('m1.huge'),
           'c': {'type': 'OS::Nova::Server', 'properties': {
               'flavor': {'vcpus': 500, 'ram': 1, 'disk': 1}}}}
    with pytest.raises(exception.PlacementFailed) as info:
        api.update_plan(fresh(), 'x', res)
    assert info.value.reason['member'] == 'c'
    assert snapshot(aio) == before


def test_reserve_planned_host_then_replan_outside_it(aio, api):
    placed = api.create_plan(fresh(), 'r', 'r', {
        'spread': group('r-spread', 'diversity', 'host'),
        'a': server(groups=['r-spread']), 'b': server(groups=['r-spread']),
        'c': server(groups=['r-spread']),
        'pab': pipe('a', 'b', 100)})['placements']
    before = state(aio)
    got = api.reserve(fresh(), [placed['a']['location'], 'r03h01'],
                      orchestration_id='a', instance_uuid='uuid-a')
    assert (got['reserved'], got['resource_id'], got['location']) == (
        True, 'uuid-a', placed['a']['location'])
    assert state(aio) == before                  # nothing consumed again
    # Nova's filters left other hosts only: b is replanned inside them.
    allowed = sorted(h for h in ('r01h02', 'r01h03', 'r02h01')
                     if h not in (placed['a']['location'],
                                  placed['c']['location']))
    got = api.reserve(fresh(), allowed, orchestration_id='b',
                      instance_uuid='uuid-b')
    assert got['location'] in allowed and got['reserved']
    stored = by_key(aio)
    assert stored['a']['location'] == placed['a']['location']  # reserved
    assert stored['a']['reserved'] and stored['b']['resource_id'] == 'uuid-b'
    rules.assert_diversity(stored, ['a', 'b', 'c'], 'host')
    assert_usage_exact(aio)


def test_reserve_moves_unreserved_peers_when_needed(aio, api):
    # a and b share a host (affinity); Nova allows a only elsewhere:
    # a alone cannot move (b pins the group), so both move together.
    placed = api.create_plan(fresh(), 'aff', 'aff', {
        'g': group('pair', 'affinity', 'host'),
        'a': server(groups=['pair']), 'b': server(groups=['pair'])}
    )['placements']
    target = 'r03h02' if placed['a']['location'] != 'r03h02' else 'r03h03'
    got = api.reserve(fresh(), [target], orchestration_id='a',
                      instance_uuid='uuid-a')
    stored = by_key(aio)
    assert got['location'] == stored['b']['location'] == target
    assert stored['a']['reserved'] and not stored['b']['reserved']
    assert_usage_exact(aio)


def test_reserve_with_no_possible_host_stores_nothing(aio, api):
    api.create_plan(fresh(), 'n', 'n', {'a': server('m1.huge')})
    before = snapshot(aio)
    with pytest.raises(exception.PlacementFailed) as info:
        api.reserve(fresh(), ['r04h06'], orchestration_id='a')  # disabled
    assert info.value.reason['code'] in ('no_enabled_host',
                                         'candidates_unsatisfiable')
    assert snapshot(aio) == before


def test_schedule_instance_ad_hoc_honours_groups_and_is_idempotent(
        aio, api):
    api.create_plan(fresh(), 'g', 'g', {
        'ex': group('adhoc-div', 'diversity', 'host'),
        'a': server(groups=['adhoc-div'])})
    first = api.schedule_instance(fresh(), 'inst-1', 'm1.small',
                                  groups=['adhoc-div'])
    assert first['plan_id'] is None and first['reserved']
    assert first['resource_id'] == 'inst-1'
    assert first['location'] != by_key(aio)['a']['location']
    booked = state(aio)
    again = api.schedule_instance(fresh(), 'inst-1', 'm1.small',
                                  groups=['adhoc-div'])
    assert again['location'] == first['location']
    assert state(aio) == booked
    assert_usage_exact(aio)
    limited = api.schedule_instance(fresh(), 'inst-2', {'vcpus': 2, 'ram': 1024,
                                                    'disk': 10},
                                    candidate_hosts=['r02h01'])
    assert limited['location'] == 'r02h01'
    assert_usage_exact(aio)


def test_schedule_volume_planned_and_ad_hoc(aio, api):
    placed = api.create_plan(fresh(), 'v', 'v', {
        'db': server(), 'data': volume(50), 'att': attach('db', 'data')}
    )['placements']
    got = api.schedule_volume(fresh(), 'vol-uuid', 50, orchestration_id='data')
    assert got['location'] == placed['data']['location'] and got['reserved']
    assert got['resource_id'] == 'vol-uuid'
    # Cinder allows another pool only: the volume moves there.
    other = 'cinder@lvm#r04' if placed['data']['location'] != (
        'cinder@lvm#r04') else 'cinder@lvm#r01'
    got = api.schedule_volume(fresh(), 'vol-uuid', 50, orchestration_id='data',
                              candidate_pools=[other])
    assert got['location'] == other
    adhoc = api.schedule_volume(fresh(), 'vol-2', 30, volume_type='ssd',
                                candidate_pools=['cinder@ssd#r03',
                                                 'cinder@lvm#r02'])
    assert adhoc['plan_id'] is None and adhoc['reserved']
    assert adhoc['location'] in ('cinder@ssd#r03', 'cinder@lvm#r02')
    assert_usage_exact(aio)
    before = snapshot(aio)
    with pytest.raises(exception.PlacementFailed):
        api.schedule_volume(fresh(), 'vol-3', 10 ** 6)
    assert snapshot(aio) == before


def test_migrate_moves_away_and_keeps_the_rules(aio, api):
    placed = api.create_plan(fresh(), 'm', 'm', {
        'spread': group('m-spread', 'diversity', 'rack'),
        'a': server(groups=['m-spread']), 'b': server(groups=['m-spread']),
        'pab': pipe('a', 'b', 300)})['placements']
    old = placed['a']['location']
    plan = api.migrate(fresh(), 'm', 'a', excluded_hosts=['r03h01'])
    new = plan['placements']['a']['location']
    assert new not in (old, 'r03h01')
    stored = by_key(aio)
    rules.assert_diversity(stored, ['a', 'b'], 'rack')
    assert stored['b']['location'] == placed['b']['location']
    assert_usage_exact(aio)
    before = snapshot(aio)
    every = sorted(fixtures_inventory(aio).hosts)
    with pytest.raises(exception.PlacementFailed) as info:
        api.migrate(fresh(), 'm', 'a', excluded_hosts=every)
    assert info.value.reason['code'] == 'excluded_hosts_unsatisfiable'
    assert snapshot(aio) == before


def test_queries_group_members_explain_invalid(aio, api):
    api.create_plan(fresh(), 'q', 'q', web_stack())
    members = api.group_members(fresh(), 'web-spread')
    assert members['group']['type'] == 'diversity'
    assert sorted(m['orchestration_id'] for m in members['members']) == [
        'web-1', 'web-2']
    why = api.explain(fresh(), 'q')
    assert why['objective']['pipe_cost'] >= 0
    web = why['members']['web-1']
    assert web['groups'] == [{'name': 'web-spread', 'type': 'diversity',
                              'level': 'host'}]
    assert web['pipes'][0]['peer'] == 'db'
    assert web['alternatives']['hosts_possible'] >= 1
    assert sum(web['alternatives']['eliminated'].values()) + web[
        'alternatives']['hosts_possible'] == web['alternatives'][
        'hosts_considered']
    assert api.invalid_placements(fresh()) == []


def test_sync_inventory_cast_refreshes_and_flags_invalid(tmp_path):
    path = tmp_path / 'dc.yaml'
    shutil.copy(fixtures.example('datacenters', 'small.yaml'), path)
    conf = fixtures.make_conf('sqlite:///%s' % (tmp_path / 'v.sqlite'),
                              datacenter=str(path))
    with allinone.AllInOne(conf) as aio:
        api = rpcapi.EngineAPI(aio.conf, aio.transport, timeout=60)
        placed = api.create_plan(fresh(), 's', 's', {'a': server()})['placements']
        doc = yaml.safe_load(path.read_text())
        for rack in doc['zones'][0]['racks']:
            for host in rack['hosts']:
                if host['name'] == placed['a']['location']:
                    host['enabled'] = False
        path.write_text(yaml.safe_dump(doc))
        api.sync_inventory(fresh())
        deadline = time.time() + 20
        while time.time() < deadline:
            invalid = api.invalid_placements(fresh())
            if invalid:
                break
            time.sleep(0.05)
        assert [(i['orchestration_id'], i['reasons']) for i in invalid] == [
            ('a', ['host_disabled'])]


def test_delete_placement_releases_member_and_its_pipes(aio, api):
    api.create_plan(fresh(), 'dp', 'dp', web_stack())
    api.delete_placement(fresh(), by_key(aio)['web-2']['id'])
    stored = by_key(aio)
    assert 'web-2' not in stored and 'web-1' in stored
    assert {p['name'] for p in db_plans.get_pipes(aio.db, admin(), 'dp')} == {
        'p1', 'p3'}
    assert_usage_exact(aio)
    adhoc = api.schedule_instance(fresh(), 'inst-9', 'm1.small')
    api.delete_placement(fresh(), 'inst-9')
    assert adhoc['orchestration_id'] not in by_key(aio)
    assert_usage_exact(aio)
    with pytest.raises(exception.PlacementNotFound):
        api.delete_placement(fresh(), 'nope')


def test_ad_hoc_volume_goes_near_its_consumer_server(aio, api):
    """Cinder's local_to_instance: the pool in the server's rack wins."""
    inv = fixtures_inventory(aio)
    pools = sorted(inv.pools)
    lvm = [p for p in pools if inv.pools[p].rack and '@lvm' in p]
    # Without a consumer the choice is the engine's own; pick the consumer
    # rack among the others, so following it is visible.
    alone = api.schedule_volume(fresh(), 'vol-alone', 5,
                                candidate_pools=lvm)['location']
    rack = next(inv.pools[p].rack for p in lvm if p != alone)
    host = sorted(h for h, spec in inv.hosts.items() if spec.rack == rack)[0]
    plan = api.create_plan(fresh(), 'c', 'c', {'app': server('m1.tiny')},
                           locations=[host])
    assert plan['placements']['app']['location'] == host
    api.reserve(fresh(), [host], orchestration_id='app',
                instance_uuid='inst-1')
    got = api.schedule_volume(fresh(), 'vol-near', 5, candidate_pools=lvm,
                              server='inst-1')
    assert inv.pools[got['location']].rack == rack
    assert inv.pools[got['location']].zone == inv.hosts[host].zone
    # An unknown consumer is no error: the volume is simply placed ad hoc.
    other = api.schedule_volume(fresh(), 'vol-x', 5, candidate_pools=lvm,
                                server='not-a-placement')
    assert other['location'] in lvm
    assert_usage_exact(aio)
