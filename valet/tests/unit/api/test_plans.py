"""/v1/plans: reads from a real sqlite database, decisions from a fake
engine client that records its calls."""
import pytest

from valet import context as valet_context
from valet.db import plans as db_plans
from valet import exception
from valet.tests.unit.api.helpers import assert_error
from valet.tests.unit.api.helpers import MEMBER
from valet.tests.unit.api.helpers import OTHER

RESOURCES = {
    'web-1': {'name': 'web-1', 'type': 'OS::Nova::Server',
              'properties': {'flavor': 'm1.small', 'image': 'cirros',
                             'metadata': {'valet': {'groups': ['web']}}}},
    'db-vol': {'name': 'db-vol', 'type': 'OS::Cinder::Volume',
               'properties': {'size': 100}},
}
REQUEST = {'plan_name': 'app', 'stack_id': 'stack-1', 'resources': RESOURCES}


def _store_plan(db, project_id, stack_id, name='app'):
    """A plan as the engine would have stored it."""
    ctx = valet_context.get_admin_context()
    return db_plans.create_plan(
        db, ctx,
        {'name': name, 'stack_id': stack_id, 'project_id': project_id},
        [{'orchestration_id': 'web-1', 'name': 'web-1', 'kind': 'server',
          'location': 'r01h01', 'rack': 'r01', 'zone': 'nova'},
         {'orchestration_id': 'db-vol', 'name': 'db-vol', 'kind': 'volume',
          'location': 'cinder@lvm#r01', 'zone': 'nova'}])


# -- create ------------------------------------------------------------

def test_create(client, engine):
    body = dict(REQUEST, locations=['r01h01', 'r01h02'],
                groups={'web': {'type': 'diversity', 'level': 'host'}})
    resp = client.post('/v1/plans', body=body, **MEMBER)
    assert resp.status_int == 201, resp.text
    plan = resp.json['plan']
    assert plan['id'] == 'plan-uuid-1'
    assert plan['name'] == 'app'
    assert plan['stack_id'] == 'stack-1'
    assert plan['project_id'] == 'p1'
    assert plan['placements']['web-1']['name'] == 'web-1'
    assert plan['placements']['web-1']['location'] == 'r01h01'
    assert plan['placements']['web-1']['rack'] == 'r01'
    assert resp.headers['Location'] == 'http://localhost/v1/plans/plan-uuid-1'

    [(method, context, kwargs)] = engine.calls
    assert method == 'create_plan'
    assert context.project_id == 'p1'
    assert context.request_id == resp.headers['x-openstack-request-id']
    assert kwargs == {'plan_name': 'app', 'stack_id': 'stack-1',
                      'resources': RESOURCES, 'groups': body['groups'],
                      'locations': ['r01h01', 'r01h02'], 'dry_run': False}


def test_create_dry_run(client, engine):
    resp = client.post('/v1/plans', body=dict(REQUEST, dry_run=True))
    assert resp.status_int == 201
    assert 'Location' not in resp.headers
    assert engine.calls[0][2]['dry_run'] is True


@pytest.mark.parametrize('change, message', [
    ({'resources': {'web-1': {'properties': {}}}},
     "resources.web-1.type: 'type' is a required property"),
    ({'resources': {'web-1': {'type': 'OS::Nova::Server'}}},
     "resources.web-1.properties: 'properties' is a required property"),
    ({'resources': {'web-1': {'type': 'OS::Nova::Server',
                              'properties': 'big'}}},
     "resources.web-1.properties: 'big' is not of type 'object'"),
    ({'resources': {}}, 'resources: {} should be non-empty'),
    ({'resources': ['web-1']}, "resources: ['web-1'] is not of type"),
    ({'plan_name': ''}, "plan_name: '' should be non-empty"),
    ({'stack_id': 's' * 256}, 'stack_id: '),
    ({'stack_id': None}, "stack_id: None is not of type 'string'"),
    ({'locations': 'r01h01'}, "locations: 'r01h01' is not of type 'array'"),
    ({'dry_run': 'yes'}, "dry_run: 'yes' is not of type 'boolean'"),
    ({'groups': {'web': {'type': 'diversity', 'level': 'shelf'}}},
     "groups.web.level: 'shelf' is not one of ['host', 'rack', 'zone']"),
    ({'groups': {'web': {'type': 'diversity'}}},
     "groups.web.level: 'level' is a required property"),
    ({'groups': [{'name': 'web'}]}, "groups: [{'name': 'web'}] is not of"),
    ({'groups': {'bad name': {'type': 'affinity', 'level': 'host'}}},
     'groups: '),
    ({'flavor': 'x'}, "flavor: Additional properties are not allowed"),
])
def test_create_schema(client, engine, change, message):
    body = dict(REQUEST, **change)
    err = assert_error(client.post('/v1/plans', body=body), 400, 'invalid')
    assert err['error']['message'].startswith(message), \
        err['error']['message']
    assert engine.calls == []


def test_create_missing_field(client):
    body = {k: v for k, v in REQUEST.items() if k != 'stack_id'}
    assert_error(client.post('/v1/plans', body=body), 400, 'invalid',
                 "stack_id: 'stack_id' is a required property")


def test_create_malformed_json(client, engine):
    resp = client.post('/v1/plans', raw=b'{"plan_name": "app", }',
                       headers={'Content-Type': 'application/json'})
    assert_error(resp, 400, 'invalid', 'Malformed JSON')
    assert engine.calls == []


def test_create_placement_failed(client, engine):
    reason = {'code': 'diversity_unsatisfiable', 'group': 'web',
              'level': 'rack', 'member': 'web-4',
              'eliminated': {'capacity': 180, 'diversity': 20},
              'hosts_considered': 200}
    engine.failures['create_plan'] = exception.PlacementFailed(
        detail='group web cannot spread web-4', reason=reason)
    body = assert_error(client.post('/v1/plans', body=REQUEST), 409,
                        'placement_failed', 'group web cannot spread web-4')
    assert body['title'] == 'Conflict'
    assert body['reason'] == reason
    assert body['error']['reason'] == reason


def test_create_engine_unavailable(client, engine):
    engine.failures['create_plan'] = exception.EngineUnavailable(
        detail='no answer to create_plan within the timeout (60)')
    body = assert_error(client.post('/v1/plans', body=REQUEST), 503,
                        'engine_unavailable', 'create_plan')
    assert 'reason' not in body


def test_create_plan_exists(client, engine):
    engine.failures['create_plan'] = exception.PlanExists(stack_id='stack-1')
    assert_error(client.post('/v1/plans', body=REQUEST), 409, 'conflict',
                 'stack-1')


# -- list / show -------------------------------------------------------

def test_list(client, db):
    _store_plan(db, 'p1', 'stack-1')
    _store_plan(db, 'p2', 'stack-2')
    resp = client.get('/v1/plans')      # admin
    assert resp.status_int == 200
    assert sorted(p['stack_id'] for p in resp.json['plans']) == \
        ['stack-1', 'stack-2']
    resp = client.get('/v1/plans', **MEMBER)
    assert [p['stack_id'] for p in resp.json['plans']] == ['stack-1']
    resp = client.get('/v1/plans', project='p3', roles='member')
    assert resp.json == {'plans': []}


def test_show(client, db):
    stored = _store_plan(db, 'p1', 'stack-1')
    for key in (stored['id'], 'stack-1'):
        resp = client.get('/v1/plans/%s' % key, **MEMBER)
        assert resp.status_int == 200, resp.text
        plan = resp.json['plan']
        assert plan['id'] == stored['id']
        assert plan['stack_id'] == 'stack-1'
        assert plan['placements']['web-1']['location'] == 'r01h01'
        assert plan['placements']['web-1']['rack'] == 'r01'
        assert plan['placements']['db-vol'] == dict(
            stored['placements']['db-vol'])


def test_show_other_project(client, db):
    _store_plan(db, 'p1', 'stack-1')
    assert_error(client.get('/v1/plans/stack-1', **OTHER), 403,
                 'forbidden', 'valet:plans:show')
    assert client.get('/v1/plans/stack-1').status_int == 200   # admin


def test_show_missing(client):
    assert_error(client.get('/v1/plans/nope'), 404, 'not_found', 'nope')


# -- delete ------------------------------------------------------------

def test_delete(client, db, engine):
    stored = _store_plan(db, 'p1', 'stack-1')
    resp = client.delete('/v1/plans/%s' % stored['id'], **MEMBER)
    assert resp.status_int == 204
    assert resp.body == b''
    [(method, context, kwargs)] = engine.calls
    assert method == 'delete_plan'
    assert kwargs == {'stack_id': 'stack-1'}
    assert context.project_id == 'p1'


def test_delete_missing(client, engine):
    assert_error(client.delete('/v1/plans/nope'), 404, 'not_found')
    assert engine.calls == []


def test_delete_other_project(client, db, engine):
    _store_plan(db, 'p1', 'stack-1')
    assert_error(client.delete('/v1/plans/stack-1', **OTHER), 403,
                 'forbidden')
    assert engine.calls == []


def test_delete_engine_unavailable(client, db, engine):
    _store_plan(db, 'p1', 'stack-1')
    engine.failures['delete_plan'] = exception.EngineUnavailable(
        detail='down')
    assert_error(client.delete('/v1/plans/stack-1'), 503,
                 'engine_unavailable')


# -- update / migrate (PUT) ----------------------------------------------

NEW_RESOURCES = dict(RESOURCES, **{
    'web-2': {'name': 'web-2', 'type': 'OS::Nova::Server',
              'properties': {'flavor': 'm1.small'}}})


def test_update(client, db, engine):
    _store_plan(db, 'p1', 'stack-1')
    body = {'action': 'update', 'resources': NEW_RESOURCES,
            'original_resources': RESOURCES}
    resp = client.put('/v1/plans/stack-1', body=body, **MEMBER)
    assert resp.status_int == 201, resp.text
    assert sorted(resp.json['plan']['placements']) == \
        ['db-vol', 'web-1', 'web-2']
    [(method, context, kwargs)] = engine.calls
    assert method == 'update_plan'
    assert context.project_id == 'p1'
    assert kwargs == {'stack_id': 'stack-1', 'resources': NEW_RESOURCES,
                      'original_resources': RESOURCES}


def test_update_by_plan_id_without_original(client, db, engine):
    stored = _store_plan(db, 'p1', 'stack-1')
    body = {'action': 'update', 'resources': RESOURCES, 'timeout': '60',
            'plan_name': 'app', 'stack_id': 'stack-1'}   # Valet 1.0 extras
    resp = client.put('/v1/plans/%s' % stored['id'], body=body)
    assert resp.status_int == 201, resp.text
    assert engine.calls[0][2]['stack_id'] == 'stack-1'
    assert engine.calls[0][2]['original_resources'] is None


def test_migrate(client, db, engine):
    _store_plan(db, 'p1', 'stack-1')
    body = {'action': 'migrate', 'resources': ['web-1'],
            'excluded_hosts': ['r01h01']}
    resp = client.put('/v1/plans/stack-1', body=body, **MEMBER)
    assert resp.status_int == 201, resp.text
    assert resp.json['plan']['placements']['web-1']['location'] == 'r02h01'
    [(method, _, kwargs)] = engine.calls
    assert method == 'migrate'
    assert kwargs == {'stack_id': 'stack-1', 'orchestration_id': 'web-1',
                      'excluded_hosts': ['r01h01']}


def test_migrate_by_nova_uuid(client, db, engine):
    from valet import context as valet_context
    from valet.db import placements as db_placements
    _store_plan(db, 'p1', 'stack-1')
    db_placements.update_placement(db, valet_context.get_admin_context(),
                                   'web-1', {'resource_id': 'nova-uuid-1'})
    resp = client.put('/v1/plans/stack-1', body={
        'action': 'migrate', 'resources': ['nova-uuid-1']})
    assert resp.status_int == 201, resp.text
    assert engine.calls[0][2] == {'stack_id': 'stack-1',
                                  'orchestration_id': 'web-1',
                                  'excluded_hosts': []}


def test_migrate_unknown_member(client, db, engine):
    _store_plan(db, 'p1', 'stack-1')
    assert_error(client.put('/v1/plans/stack-1', body={
        'action': 'migrate', 'resources': ['nope']}), 404, 'not_found',
        'nope')
    assert engine.calls == []


@pytest.mark.parametrize('body, message', [
    ({}, "action: 'action' is a required property"),
    ({'action': 'resize'}, "action: 'resize' is not one of"),
    ({'action': 'update'}, "resources: 'resources' is a required"),
    ({'action': 'update', 'resources': {}}, 'resources: {} should be'),
    ({'action': 'update', 'resources': RESOURCES, 'excluded_hosts': []},
     'excluded_hosts: Additional properties'),
    ({'action': 'migrate', 'resources': ['a', 'b']},
     "resources: ['a', 'b'] is too long"),
    ({'action': 'migrate', 'resources': []}, 'resources: [] should be'),
    ({'action': 'migrate', 'resources': 'web-1'},
     "resources: 'web-1' is not of type 'array'"),
    ({'action': 'migrate', 'resources': ['web-1'], 'excluded_hosts': 'h'},
     "excluded_hosts: 'h' is not of type 'array'"),
    ({'action': 'migrate', 'resources': ['web-1'],
      'original_resources': {}}, 'original_resources: Additional'),
])
def test_put_schema(client, db, engine, body, message):
    _store_plan(db, 'p1', 'stack-1')
    err = assert_error(client.put('/v1/plans/stack-1', body=body), 400,
                       'invalid')
    assert err['error']['message'].startswith(message), \
        err['error']['message']
    assert engine.calls == []


def test_put_other_project_and_missing(client, db, engine):
    _store_plan(db, 'p1', 'stack-1')
    for action, rule, body in (
            ('update', 'valet:plans:update', {'resources': RESOURCES}),
            ('migrate', 'valet:plans:migrate', {'resources': ['web-1']})):
        assert_error(client.put('/v1/plans/stack-1', body=dict(
            body, action=action), **OTHER), 403, 'forbidden', rule)
        assert_error(client.put('/v1/plans/nope', body=dict(
            body, action=action)), 404, 'not_found')
    assert engine.calls == []


def test_put_maps_engine_errors(client, db, engine):
    _store_plan(db, 'p1', 'stack-1')
    reason = {'code': 'capacity', 'member': 'web-2',
              'eliminated': {'capacity': 4}, 'hosts_considered': 4}
    engine.failures['update_plan'] = exception.PlacementFailed(
        detail='no host for web-2', reason=reason)
    body = assert_error(client.put('/v1/plans/stack-1', body={
        'action': 'update', 'resources': NEW_RESOURCES}), 409,
        'placement_failed', 'web-2')
    assert body['reason'] == reason
    engine.failures['migrate'] = exception.EngineUnavailable(detail='down')
    resp = client.put('/v1/plans/stack-1', body={
        'action': 'migrate', 'resources': ['web-1']})
    assert_error(resp, 503, 'engine_unavailable', 'down')
    assert resp.headers['Retry-After']


# -- microversion 1.1: filters and paging -------------------------------

V11 = {'OpenStack-API-Version': 'placement-optimizer 1.1'}


def test_list_paging_and_filters_in_1_1(client, db):
    for i in range(5):
        _store_plan(db, 'p1' if i % 2 == 0 else 'p2', 'stack-%d' % i,
                    name='app-%d' % (i % 2))
    resp = client.get('/v1/plans?limit=2', headers=V11)
    assert resp.status_int == 200, resp.text
    first = [p['stack_id'] for p in resp.json['plans']]
    assert first == ['stack-0', 'stack-1']
    href = resp.json['plans_links'][0]['href']
    resp = client.get(href.replace('http://localhost', ''), headers=V11)
    assert [p['stack_id'] for p in resp.json['plans']] == \
        ['stack-2', 'stack-3']
    resp = client.get('/v1/plans?project_id=p2', headers=V11)
    assert [p['stack_id'] for p in resp.json['plans']] == \
        ['stack-1', 'stack-3']
    resp = client.get('/v1/plans?name=app-0&stack_id=stack-2', headers=V11)
    assert [p['stack_id'] for p in resp.json['plans']] == ['stack-2']
    # A project lists its own plans only, and may not ask for others'.
    resp = client.get('/v1/plans?project_id=p1', headers=V11, **MEMBER)
    assert len(resp.json['plans']) == 3
    assert_error(client.get('/v1/plans?project_id=p2', headers=V11,
                            **MEMBER), 403, 'forbidden')
    assert_error(client.get('/v1/plans?limit=-1', headers=V11), 400,
                 'invalid', 'limit')
    # 1.0 ignores the query string.
    assert len(client.get('/v1/plans?limit=1').json['plans']) == 5
