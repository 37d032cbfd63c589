"""/v1/placements: reads from a real sqlite database, reserve/replan and
delete through a fake engine client that records its calls."""
import pytest

from valet import context as valet_context
from valet.db import plans as db_plans
from valet import exception
from valet.tests.unit.api.helpers import assert_error
from valet.tests.unit.api.helpers import MEMBER
from valet.tests.unit.api.helpers import OTHER

V11 = {'OpenStack-API-Version': 'placement-optimizer 1.1'}


def _store(db, project_id, stack_id, members):
    return db_plans.create_plan(
        db, valet_context.get_admin_context(),
        {'name': stack_id, 'stack_id': stack_id, 'project_id': project_id},
        [{'orchestration_id': oid, 'name': oid, 'kind': 'server',
          'location': host, 'rack': host[:3], 'zone': 'nova',
          'metadata': meta} for oid, host, meta in members])


@pytest.fixture
def stored(db):
    _store(db, 'p1', 'stack-1', [('web-1', 'r01h01', {'tier': 'web'}),
                                 ('web-2', 'r01h02', {'tier': 'web'}),
                                 ('db-1', 'r02h01', {'tier': 'db'})])
    _store(db, 'p2', 'stack-2', [('app-1', 'r02h02', {'tier': 'app'})])


def _oids(resp):
    assert resp.status_int == 200, resp.text
    return sorted(p['orchestration_id'] for p in resp.json['placements'])


def test_list_shape_and_visibility(client, stored):
    resp = client.get('/v1/placements')
    assert _oids(resp) == ['app-1', 'db-1', 'web-1', 'web-2']
    for p in resp.json['placements']:
        assert {'id', 'name', 'orchestration_id', 'resource_id', 'location',
                'reserved', 'plan_id', 'metadata'} <= set(p)
        assert p['reserved'] is False
    # Other projects' placements are invisible to a project.
    assert _oids(client.get('/v1/placements', **MEMBER)) == \
        ['db-1', 'web-1', 'web-2']
    assert _oids(client.get('/v1/placements?project_id=p2', **MEMBER)) == []


@pytest.mark.parametrize('query, expected', [
    ('?location=r01h01', ['web-1']),
    ('?rack=r02', ['app-1', 'db-1']),
    ('?tier=web', ['web-1', 'web-2']),            # metadata
    ('?tier=web&location=r01h02', ['web-2']),
    ('?stack_id=stack-2', ['app-1']),
    ('?reserved=false&tier=db', ['db-1']),
    ('?reserved=true', []),
    ('?tier=nope', []),
])
def test_list_filters(client, stored, query, expected):
    assert _oids(client.get('/v1/placements' + query)) == expected
    assert _oids(client.get('/v1/placements' + query, headers=V11)) == \
        expected


def test_list_bad_filter_value(client, stored):
    assert_error(client.get('/v1/placements?reserved=maybe'), 400,
                 'invalid', 'reserved=maybe')


def test_list_paging_in_1_1(client, stored):
    resp = client.get('/v1/placements?limit=3', headers=V11)
    page = resp.json['placements']
    assert len(page) == 3
    href = resp.json['placements_links'][0]['href']
    rest = client.get(href.replace('http://localhost', ''), headers=V11)
    assert len(rest.json['placements']) == 1
    assert 'placements_links' not in rest.json
    assert {p['id'] for p in page}.isdisjoint(
        p['id'] for p in rest.json['placements'])
    # In 1.0, limit is only a metadata key like any other.
    assert client.get('/v1/placements?limit=3').json == {'placements': []}
    assert_error(client.get('/v1/placements?marker=nope', headers=V11), 400,
                 'invalid', 'marker')


def test_show_by_id_and_orchestration_id(client, stored):
    [web] = client.get('/v1/placements?location=r01h01').json['placements']
    for ref in (web['id'], 'web-1'):
        resp = client.get('/v1/placements/%s' % ref, **MEMBER)
        assert resp.status_int == 200, resp.text
        assert resp.json['placement'] == web
    assert_error(client.get('/v1/placements/app-1', **MEMBER), 403,
                 'forbidden', 'valet:placements:show')
    assert_error(client.get('/v1/placements/nope'), 404, 'not_found', 'nope')


def test_reserve(client, stored, engine):
    resp = client.post('/v1/placements/web-1', body={
        'resource_id': 'nova-1', 'locations': ['r01h01', 'r01h02']},
        **MEMBER)
    assert resp.status_int == 201, resp.text
    assert resp.json['placement']['reserved'] is True
    [(method, context, kwargs)] = engine.calls
    assert method == 'reserve'
    assert context.project_id == 'p1'
    assert kwargs == {'candidate_hosts': ['r01h01', 'r01h02'],
                      'orchestration_id': 'web-1', 'resource_id': None,
                      'instance_uuid': 'nova-1', 'action': 'reserve'}


def test_replan(client, stored, engine):
    resp = client.post('/v1/placements/web-2', body={
        'locations': ['r02h02'], 'action': 'replan'})
    assert resp.status_int == 201, resp.text
    assert engine.calls[0][2]['action'] == 'replan'
    assert resp.json['placement']['location'] == 'r02h02'


@pytest.mark.parametrize('body, message', [
    ({}, "locations: 'locations' is a required property"),
    ({'locations': []}, 'locations: [] should be non-empty'),
    ({'locations': 'r01h01'}, "locations: 'r01h01' is not of type"),
    ({'locations': ['r01h01'], 'action': 'steal'},
     "action: 'steal' is not one of ['reserve', 'replan']"),
    ({'locations': ['r01h01'], 'resource_id': ''}, 'resource_id: '),
    ({'locations': ['r01h01'], 'x': 1}, 'x: Additional properties'),
])
def test_reserve_schema(client, stored, engine, body, message):
    err = assert_error(client.post('/v1/placements/web-1', body=body), 400,
                       'invalid')
    assert err['error']['message'].startswith(message), err
    assert engine.calls == []


def test_reserve_policy_and_errors(client, stored, engine):
    body = {'locations': ['r01h01']}
    assert_error(client.post('/v1/placements/web-1', body=body, **OTHER),
                 403, 'forbidden', 'valet:placements:update')
    assert_error(client.post('/v1/placements/nope', body=body), 404,
                 'not_found')
    assert engine.calls == []
    reason = {'code': 'no_candidate', 'member': 'web-1',
              'eliminated': {'candidates': 5}, 'hosts_considered': 1}
    engine.failures['reserve'] = exception.PlacementFailed(
        detail='no candidate host fits web-1', reason=reason)
    err = assert_error(client.post('/v1/placements/web-1', body=body), 409,
                       'placement_failed')
    assert err['reason'] == reason


def test_delete(client, stored, engine):
    web = client.get('/v1/placements/web-1').json['placement']
    assert_error(client.delete('/v1/placements/web-1', **OTHER), 403,
                 'forbidden')
    assert engine.calls == []
    resp = client.delete('/v1/placements/web-1', **MEMBER)
    assert resp.status_int == 204, resp.text
    [(method, _, kwargs)] = engine.calls
    assert (method, kwargs) == ('delete_placement',
                                {'placement_id': web['id']})
    assert_error(client.delete('/v1/placements/nope'), 404, 'not_found')


def test_405(client):
    resp = client.put('/v1/placements/web-1', body={})
    assert_error(resp, 405, 'method_not_allowed')
    assert resp.headers['Allow'] == 'GET, POST, DELETE'
    assert client.request('POST', '/v1/placements').headers['Allow'] == 'GET'

