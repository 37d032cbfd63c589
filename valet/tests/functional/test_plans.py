"""Plans through the real API app and a real engine (in-process bus, sqlite).

Every placement test checks the rules on the hosts it got back and the
capacity left in the database, not only the status code.
"""
import json

from valet import context as valet_context
from valet.db import inventory as db_inventory
from valet.db import placements as db_placements
from valet.db import plans as db_plans
from valet.engine.model import loader
from valet.tests import rules


def server(name, flavor='m1.small', groups=(), az=None):
    props = {'flavor': flavor, 'image': 'cirros'}
    if groups:
        props['metadata'] = {'valet': {'groups': list(groups)}}
    if az:
        props['availability_zone'] = az
    return {'name': name, 'type': 'OS::Nova::Server', 'properties': props}


def group(name, type_, level):
    return {'name': name, 'type': 'OS::Valet::Group',
            'properties': {'name': name, 'type': type_, 'level': level}}


def three_tier():
    res = {
        'web-div': group('web-div', 'diversity', 'host'),
        'db-rack': group('db-rack', 'diversity', 'rack'),
        'app-aff': group('app-aff', 'affinity', 'rack'),
    }
    for i in range(1, 4):
        res['web-%d' % i] = server('web-%d' % i, 'm1.small', ['web-div'])
    for i in range(1, 3):
        res['app-%d' % i] = server('app-%d' % i, 'm1.medium', ['app-aff'])
        res['db-%d' % i] = server('db-%d' % i, 'm1.large', ['db-rack'])
    return res


def create(client, stack_id, resources, name=None):
    return client('POST', '/v1/plans', {
        'plan_name': name or stack_id, 'stack_id': stack_id,
        'resources': resources})


def all_rows(aio):
    return db_placements.load_all(aio.db, valet_context.get_admin_context())


def inventory(aio):
    return loader.load_datacenter(aio.conf.inventory.datacenter_file
                                  or loader.default_datacenter_path())


def usage(aio):
    return db_inventory.load_state(aio.db, valet_context.get_admin_context())


def test_create_plan_places_by_the_rules(aio, client):
    resp = create(client, 'stack-1', three_tier())
    assert resp.status_int == 201, resp.text
    plan = resp.json['plan']
    p = plan['placements']
    assert sorted(p) == ['app-1', 'app-2', 'db-1', 'db-2',
                         'web-1', 'web-2', 'web-3']
    rules.assert_diversity(p, ['web-1', 'web-2', 'web-3'], 'host')
    rules.assert_diversity(p, ['db-1', 'db-2'], 'rack')
    rules.assert_affinity(p, ['app-1', 'app-2'], 'rack')
    inv = inventory(aio)
    for member in p.values():
        host = inv.hosts[member['location']]
        assert (member['rack'], member['zone']) == (host.rack, host.zone)
    rows = all_rows(aio)
    assert len(rows) == 7
    rules.assert_capacity(rows, inv)

    # Stored, readable by id and by stack id, and booked in the hosts table.
    for ref in (plan['id'], 'stack-1'):
        got = client('GET', '/v1/plans/%s' % ref)
        assert got.status_int == 200
        assert {k: v['location'] for k, v in got.json['plan']['placements']
                .items()} == {k: v['location'] for k, v in p.items()}
    booked = usage(aio)['hosts']
    for member in p.values():
        assert booked[member['location']]['vcpus_used'] > 0


def test_named_groups_are_global_across_plans(aio, client):
    first = {'g': group('spread', 'diversity', 'host'),
             'a': server('a', groups=['spread']),
             'b': server('b', groups=['spread'])}
    assert create(client, 'parent', first).status_int == 201
    # The second plan only references the group created by the first.
    second = {'c': server('c', groups=['spread']),
              'd': server('d', groups=['spread'])}
    resp = create(client, 'child', second)
    assert resp.status_int == 201, resp.text
    hosts = {r['orchestration_id']: r['location'] for r in all_rows(aio)}
    assert len(set(hosts.values())) == 4, hosts


def test_delete_plan_releases_capacity(aio, client):
    before = usage(aio)['hosts']
    first = create(client, 'stack-d', three_tier()).json['plan']
    resp = client('DELETE', '/v1/plans/stack-d')
    assert resp.status_int == 204
    assert client('GET', '/v1/plans/stack-d').status_int == 404
    assert all_rows(aio) == []
    after = usage(aio)['hosts']
    for name, row in after.items():
        for col in ('vcpus_used', 'memory_mb_used', 'disk_gb_used'):
            assert row[col] == before[name][col] == 0, (name, col)
    # Same input on the same datacenter: the same answer (deterministic).
    again = create(client, 'stack-d', three_tier()).json['plan']
    assert ({k: v['location'] for k, v in again['placements'].items()} ==
            {k: v['location'] for k, v in first['placements'].items()})


def test_list_plans(client):
    create(client, 's1', {'a': server('a')})
    create(client, 's2', {'b': server('b')})
    resp = client('GET', '/v1/plans')
    assert resp.status_int == 200
    assert sorted(p['stack_id'] for p in resp.json['plans']) == ['s1', 's2']


def _assert_nothing_written(aio, before):
    assert all_rows(aio) == []
    assert db_plans.list_plans(aio.db,
                               valet_context.get_admin_context()) == []
    assert usage(aio) == before


def _error(resp, status):
    assert resp.status_int == status, resp.text
    body = resp.json
    assert body['code'] == status
    assert body['title'] and body['explanation']
    assert body['error']['message'] and body['error']['type']
    return body


def test_malformed_json_is_400_and_writes_nothing(aio, client):
    before = usage(aio)
    resp = client('POST', '/v1/plans', raw=b'{"plan_name": ')
    _error(resp, 400)
    _assert_nothing_written(aio, before)


def test_schema_violation_names_the_field(aio, client):
    before = usage(aio)
    resp = client('POST', '/v1/plans', {'plan_name': 'x', 'stack_id': 's',
                                        'resources': {'a': {'name': 'a'}}})
    body = _error(resp, 400)
    assert 'type' in body['error']['message']
    _assert_nothing_written(aio, before)


def test_unknown_flavor_names_resource_and_field(aio, client):
    before = usage(aio)
    resp = create(client, 's', {'web': server('web', flavor='m1.nope')})
    body = _error(resp, 400)
    assert 'web' in body['error']['message']
    assert 'flavor' in body['error']['message']
    _assert_nothing_written(aio, before)


def test_unsupported_feature_is_rejected_not_ignored(aio, client):
    before = usage(aio)
    # One volume attached to two servers (multi-attach) is not supported.
    res = {'a': server('a'), 'b': server('b'),
           'v': {'name': 'v', 'type': 'OS::Cinder::Volume',
                 'properties': {'size': 1}}}
    for i, srv in enumerate(('a', 'b')):
        res['att-%d' % i] = {'name': 'att-%d' % i,
                             'type': 'OS::Cinder::VolumeAttachment',
                             'properties': {'instance_uuid': srv,
                                            'volume_id': 'v'}}
    body = _error(create(client, 's', res), 400)
    assert body['error']['type'] == 'not_supported'
    _assert_nothing_written(aio, before)


def test_infeasible_plan_explains_itself_and_books_nothing(aio, client):
    before = usage(aio)
    hosts = len(inventory(aio).hosts)
    res = {'g': group('too-wide', 'diversity', 'host')}
    for i in range(hosts + 1):
        res['s%d' % i] = server('s%d' % i, 'm1.tiny', ['too-wide'])
    body = _error(create(client, 'wide', res), 409)
    reason = body['reason']
    assert reason['group'] == 'too-wide'
    assert reason['code']
    assert reason['hosts_considered'] >= 1
    assert sum(reason['eliminated'].values()) >= 1
    _assert_nothing_written(aio, before)


def test_duplicate_stack_is_409_and_keeps_the_first(aio, client):
    assert create(client, 'dup', {'a': server('a')}).status_int == 201
    booked = usage(aio)
    _error(create(client, 'dup', {'b': server('b')}), 409)
    assert usage(aio) == booked
    assert [r['orchestration_id'] for r in all_rows(aio)] == ['a']


def test_dry_run_stores_nothing(aio, client):
    before = usage(aio)
    resp = client('POST', '/v1/plans', {
        'plan_name': 'dry', 'stack_id': 'dry', 'dry_run': True,
        'resources': three_tier()})
    assert resp.status_int == 201, resp.text
    p = resp.json['plan']['placements']
    rules.assert_diversity(p, ['web-1', 'web-2', 'web-3'], 'host')
    assert all_rows(aio) == []
    assert usage(aio) == before


def test_unknown_plan_delete_is_404(client):
    _error(client('DELETE', '/v1/plans/nope'), 404)


def test_groups_then_plan_uses_api_created_group(aio, client):
    resp = client('POST', '/v1/groups', {'name': 'api-aff', 'type': 'affinity',
                                         'level': 'host'})
    assert resp.status_int == 201, resp.text
    assert resp.json['name'] == 'api-aff'
    listed = client('GET', '/v1/groups').json['groups']
    assert [g['name'] for g in listed] == ['api-aff']
    resp = create(client, 'aff', {'a': server('a', groups=['api-aff']),
                                  'b': server('b', groups=['api-aff'])})
    assert resp.status_int == 201, resp.text
    rules.assert_affinity(resp.json['plan']['placements'], ['a', 'b'], 'host')


def test_status_reports_the_engine(aio, client):
    resp = client('GET', '/v1/status')
    assert resp.status_int == 200, resp.text
    ostro = resp.json['status']['ostro']
    assert ostro['hosts'] == len(inventory(aio).hosts)
    assert ostro['engine_id']
    assert client('HEAD', '/v1/status').status_int == 204


def test_rpc_retry_with_same_request_id_books_once(aio):
    """A plugin retrying after a timeout resends the same context."""
    from valet.engine import rpcapi
    api = rpcapi.EngineAPI(aio.conf, aio.transport, timeout=30)
    ctx = valet_context.RequestContext(project_id='p1', roles=['member'],
                                       request_id='req-retry-1')
    res = {'a': server('a'), 'b': server('b')}
    first = api.create_plan(ctx, 'r', 'retry', res)
    booked = usage(aio)
    second = api.create_plan(ctx, 'r', 'retry', res)
    assert json.dumps(first, sort_keys=True) == json.dumps(second,
                                                           sort_keys=True)
    assert usage(aio) == booked
    assert len(all_rows(aio)) == 2


def test_locations_restrict_the_candidate_hosts(aio, client):
    allowed = sorted(inventory(aio).hosts)[:3]
    res = {'g': group('three', 'diversity', 'host')}
    for i in range(3):
        res['s%d' % i] = server('s%d' % i, 'm1.tiny', ['three'])
    resp = client('POST', '/v1/plans', {'plan_name': 'l', 'stack_id': 'l',
                                        'resources': res,
                                        'locations': allowed})
    assert resp.status_int == 201, resp.text
    got = sorted(p['location'] for p in resp.json['plan']['placements']
                 .values())
    assert got == allowed


def test_exclusivity_keeps_out_other_servers(aio, client):
    res = {'g': group('mine', 'exclusivity', 'host'),
           'a': server('a', groups=['mine']), 'b': server('b', groups=['mine'])}
    assert create(client, 'excl', res).status_int == 201
    # A later plan's servers never land on the exclusive hosts.
    other = {'x%d' % i: server('x%d' % i, 'm1.tiny') for i in range(6)}
    assert create(client, 'other', other).status_int == 201
    inv = inventory(aio)
    rules.assert_exclusive(all_rows(aio), inv, ['a', 'b'], 'host')
    rules.assert_capacity(all_rows(aio), inv)
