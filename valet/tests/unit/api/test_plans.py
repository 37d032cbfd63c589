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
