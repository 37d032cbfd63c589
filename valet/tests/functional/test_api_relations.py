"""Placement relations through the REST API, which gabbi cannot compute:
who shares a host or rack, what capacity the database books and releases,
after create, update, migrate, reserve and delete.

Real API app, real engine over the in-process bus, sqlite (conftest.py).
"""
import time

from valet import context as valet_context
from valet.db import inventory as db_inventory
from valet.db import placements as db_placements
from valet.engine.model import loader
from valet.tests.functional import fixtures
from valet.tests import rules


def server(name, flavor='m1.small', groups=()):
    props = {'flavor': flavor}
    if groups:
        props['metadata'] = {'valet': {'groups': list(groups)}}
    return {'name': name, 'type': 'OS::Nova::Server', 'properties': props}


def servers(names, **kw):
    return {n: server(n, **kw) for n in names}


def locations(plan):
    return {k: v['location'] for k, v in plan['placements'].items()}


def rows(aio):
    return db_placements.load_all(aio.db, valet_context.get_admin_context())


def used(aio):
    """host -> vcpus booked in the database."""
    state = db_inventory.load_state(aio.db, valet_context.get_admin_context())
    return {h: r['vcpus_used'] for h, r in state['hosts'].items()
            if r['vcpus_used']}


def inventory(aio):
    return loader.load_datacenter(aio.conf.inventory.datacenter_file
                                  or loader.default_datacenter_path())


def _ok(resp, status=201):
    assert resp.status_int == status, resp.text
    return resp.json


def test_api_groups_rule_placements(aio, client):
    """Groups made with the groups API constrain plans of several stacks."""
    _ok(client('POST', '/v1/groups', {'name': 'spread', 'type': 'diversity',
                                      'level': 'host'}))
    _ok(client('POST', '/v1/groups', {'name': 'together', 'type': 'affinity',
                                      'level': 'rack'}))
    first = _ok(client('POST', '/v1/plans', {
        'plan_name': 'one', 'stack_id': 's1',
        'resources': dict(servers(['w1', 'w2', 'w3'], groups=['spread']),
                          **servers(['a1', 'a2'], groups=['together']))}))
    second = _ok(client('POST', '/v1/plans', {
        'plan_name': 'two', 'stack_id': 's2',
        'resources': dict(servers(['w4', 'w5'], groups=['spread']),
                          **servers(['a3'], groups=['together']))}))
    every = dict(first['plan']['placements'], **second['plan']['placements'])
    rules.assert_diversity(every, ['w1', 'w2', 'w3', 'w4', 'w5'], 'host')
    rules.assert_affinity(every, ['a1', 'a2', 'a3'], 'rack')
    rules.assert_capacity(rows(aio), inventory(aio))
    # What the API shows is what the database holds.
    shown = {p['orchestration_id']: p['location'] for p in
             _ok(client('GET', '/v1/placements'), 200)['placements']}
    assert shown == {**locations(first['plan']), **locations(second['plan'])}


def test_group_members_decide_who_may_use_it(aio, client):
    _ok(client('POST', '/v1/groups', {'name': 'mine', 'type': 'diversity',
                                      'level': 'host'}))
    _ok(client('PUT', '/v1/groups/mine/members', {'members': ['p1']}))
    body = {'plan_name': 'x', 'stack_id': 'sx',
            'resources': servers(['a', 'b'], groups=['mine'])}
    resp = client.as_project('p2')('POST', '/v1/plans', body)
    assert resp.status_int == 400, resp.text
    assert rows(aio) == [] and used(aio) == {}
    plan = _ok(client.as_project('p1')('POST', '/v1/plans', body))['plan']
    rules.assert_diversity(plan['placements'], ['a', 'b'], 'host')
    # p1 has servers in it: it cannot be removed, nor the group deleted.
    assert client('DELETE', '/v1/groups/mine/members/p1').status_int == 409
    assert client('DELETE', '/v1/groups/mine').status_int == 409
    assert _ok(client('GET', '/v1/groups/mine'), 200)['group']['members'] == \
        ['p1']


def test_update_keeps_places_and_releases_removed(aio, client):
    plan = _ok(client('POST', '/v1/plans', {
        'plan_name': 'u', 'stack_id': 'su',
        'resources': servers(['a', 'b', 'c'], flavor='m1.large',
                             groups=['spread']),
        'groups': {'spread': {'type': 'diversity', 'level': 'host'}}}))[
        'plan']
    before = locations(plan)
    booked = used(aio)
    gone_host = before['c']

    updated = _ok(client('PUT', '/v1/plans/su', {
        'action': 'update',
        'resources': dict(servers(['a', 'b'], flavor='m1.large',
                                  groups=['spread']),
                          **servers(['d', 'e'], flavor='m1.large',
                                    groups=['spread']))}))['plan']
    after = locations(updated)
    assert set(after) == {'a', 'b', 'd', 'e'}
    assert (after['a'], after['b']) == (before['a'], before['b'])
    rules.assert_diversity(updated['placements'], ['a', 'b', 'd', 'e'],
                           'host')
    assert {r['orchestration_id'] for r in rows(aio)} == {'a', 'b', 'd', 'e'}
    rules.assert_capacity(rows(aio), inventory(aio))
    # c's 4 vCPUs left its host; d and e booked theirs.
    now = used(aio)
    expected = dict(booked)
    expected[gone_host] -= 4
    for key in ('d', 'e'):
        expected[after[key]] = expected.get(after[key], 0) + 4
    assert now == {h: v for h, v in expected.items() if v}


def test_migrate_moves_one_member_off_excluded_hosts(aio, client):
    plan = _ok(client('POST', '/v1/plans', {
        'plan_name': 'm', 'stack_id': 'sm',
        'resources': servers(['a', 'b'], flavor='m1.large',
                             groups=['spread']),
        'groups': {'spread': {'type': 'diversity', 'level': 'host'}}}))[
        'plan']
    before = locations(plan)
    booked = used(aio)
    excluded = sorted({before['a'], 'r03h01', 'r03h02'} - {before['b']})
    moved = _ok(client('PUT', '/v1/plans/sm', {
        'action': 'migrate', 'resources': ['a'],
        'excluded_hosts': excluded}))['plan']
    after = locations(moved)
    assert after['a'] not in excluded and after['a'] != before['a']
    assert after['b'] == before['b']
    rules.assert_diversity(moved['placements'], ['a', 'b'], 'host')
    # a's 4 vCPUs moved with it.
    now = used(aio)
    assert now.get(before['a'], 0) == booked[before['a']] - 4
    assert now[after['a']] == booked.get(after['a'], 0) + 4


def test_reserve_and_replan_keep_the_rules(aio, client):
    plan = _ok(client('POST', '/v1/plans', {
        'plan_name': 'r', 'stack_id': 'sr',
        'resources': servers(['a', 'b'], groups=['spread']),
        'groups': {'spread': {'type': 'diversity', 'level': 'host'}}}))[
        'plan']
    where = locations(plan)
    got = _ok(client('POST', '/v1/placements/a', {
        'resource_id': 'uuid-a', 'locations': [where['a'], where['b']]}))[
        'placement']
    assert (got['location'], got['reserved'], got['resource_id']) == \
        (where['a'], True, 'uuid-a')
    # Nova left only b's host and one other: b's host is not allowed for a.
    other = 'r04h05' if 'r04h05' not in where.values() else 'r04h04'
    got = _ok(client('POST', '/v1/placements/b', {
        'resource_id': 'uuid-b', 'locations': [where['a'], other],
        'action': 'replan'}))['placement']
    assert got['location'] == other
    current = {r['orchestration_id']: r for r in rows(aio)}
    rules.assert_diversity(current, ['a', 'b'], 'host')


def test_engine_silence_is_a_quick_503(tmp_path):
    """No engine on the topic: every engine-bound request answers 503
    within [api] engine_timeout, and nothing is written."""
    from valet import allinone
    conf = fixtures.make_conf('sqlite:///%s' % (tmp_path / 'v.sqlite'))
    conf.set_override('engine_timeout', 1, group='api')
    with allinone.AllInOne(conf) as aio:
        aio.engine.stop()
        aio.engine = None
        client = fixtures.Client(aio.app)
        started = time.monotonic()
        resp = client('GET', '/v1/status')
        assert time.monotonic() - started < 5
        assert resp.status_int == 503, resp.text
        body = resp.json
        assert body['error']['type'] == 'engine_unavailable'
        assert 'did not answer' in body['explanation']
        assert 'ping' in body['explanation']
        assert resp.headers['Retry-After']
        resp = client('POST', '/v1/plans', {
            'plan_name': 'x', 'stack_id': 'sx',
            'resources': servers(['a'])})
        assert resp.status_int == 503, resp.text
        assert rows(aio) == []
        # Reads that need no engine still work.
        assert client('GET', '/v1/plans').status_int == 200


def test_delete_placement_releases_its_capacity(aio, client):
    plan = _ok(client('POST', '/v1/plans', {
        'plan_name': 'd', 'stack_id': 'sd',
        'resources': servers(['a', 'b'], flavor='m1.large')}))['plan']
    where = locations(plan)
    booked = used(aio)
    resp = client('DELETE', '/v1/placements/a')
    assert resp.status_int == 204, resp.text
    now = used(aio)
    assert now.get(where['a'], 0) == booked[where['a']] - 4
    assert {r['orchestration_id'] for r in rows(aio)} == {'b'}
    shown = _ok(client('GET', '/v1/plans/sd'), 200)['plan']
    assert set(shown['placements']) == {'b'}
    assert client('DELETE', '/v1/placements/a').status_int == 404
    # Deleting the plan then releases the rest: nothing stays booked.
    assert client('DELETE', '/v1/plans/sd').status_int == 204
    assert used(aio) == {}
