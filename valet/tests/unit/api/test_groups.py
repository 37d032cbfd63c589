"""/v1/groups against a real sqlite database."""
import pytest

from valet.tests.unit.api.helpers import assert_error
from valet.tests.unit.api.helpers import MEMBER

WEB = {'name': 'web-div', 'type': 'diversity', 'level': 'rack',
       'description': 'web tier'}


def test_create(client):
    resp = client.post('/v1/groups', body=WEB)
    assert resp.status_int == 201, resp.text
    group = resp.json
    assert group['id']
    assert {k: group[k] for k in WEB} == WEB
    assert group['members'] == []
    assert resp.headers['Location'] == (
        'http://localhost/v1/groups/%s' % group['id'])


def test_create_without_description(client):
    resp = client.post('/v1/groups', body={'name': 'db.aff', 'type':
                                           'affinity', 'level': 'host'})
    assert resp.status_int == 201
    assert resp.json['description'] is None


def test_create_non_admin_forbidden(client):
    resp = client.post('/v1/groups', body=WEB, **MEMBER)
    assert_error(resp, 403, 'forbidden', 'valet:groups:create')
    assert client.get('/v1/groups').json == {'groups': []}


def test_create_duplicate(client):
    assert client.post('/v1/groups', body=WEB).status_int == 201
    assert_error(client.post('/v1/groups', body=WEB), 409, 'conflict',
                 'web-div')


@pytest.mark.parametrize('body, message', [
    (dict(WEB, level='shelf'),
     "level: 'shelf' is not one of ['host', 'rack', 'zone']"),
    (dict(WEB, type='anti'),
     "type: 'anti' is not one of ['affinity', 'diversity', 'exclusivity']"),
    ({'type': 'affinity', 'level': 'host'},
     "name: 'name' is a required property"),
    (dict(WEB, name='web div'), "name: 'web div' does not match"),
    (dict(WEB, name=''), 'name: '),
    (dict(WEB, name='x' * 256), 'name: '),
    (dict(WEB, description='d' * 256), 'description: '),
    (dict(WEB, members=['p1']),
     ("members: Additional properties are not allowed ('members' was "
      "unexpected)")),
    (['web-div'], "request body: ['web-div'] is not of type 'object'"),
])
def test_create_schema(client, body, message):
    body = assert_error(client.post('/v1/groups', body=body), 400,
                        'invalid')
    assert body['error']['message'].startswith(message), \
        body['error']['message']


def test_create_malformed_json(client):
    resp = client.post('/v1/groups', raw=b'{"name": "g",',
                       headers={'Content-Type': 'application/json'})
    assert_error(resp, 400, 'invalid', 'Malformed JSON')
    resp = client.post('/v1/groups', raw=b'',
                       headers={'Content-Type': 'application/json'})
    assert_error(resp, 400, 'invalid', 'empty')


def test_create_wrong_media_type(client):
    resp = client.post('/v1/groups', raw=b'name=g',
                       headers={'Content-Type': 'text/plain'})
    assert_error(resp, 415, 'unsupported_media_type', 'application/json')


def test_create_without_content_type(client):
    import json
    resp = client.post('/v1/groups', raw=json.dumps(WEB).encode())
    assert resp.status_int == 201


def test_list_and_show(client):
    created = client.post('/v1/groups', body=WEB).json
    client.post('/v1/groups', body={'name': 'db', 'type': 'affinity',
                                    'level': 'zone'})
    resp = client.get('/v1/groups', **MEMBER)
    assert resp.status_int == 200
    assert [g['name'] for g in resp.json['groups']] == ['db', 'web-div']
    for key in (created['id'], 'web-div'):
        resp = client.get('/v1/groups/%s' % key, **MEMBER)
        assert resp.status_int == 200
        assert resp.json == {'group': created}


def test_show_missing(client):
    assert_error(client.get('/v1/groups/nope'), 404, 'not_found', 'nope')


def test_trailing_slash(client):
    assert client.post('/v1/groups/', body=WEB).status_int == 201
    assert client.get('/v1/groups/web-div/').json['group']['name'] == \
        'web-div'


def test_schema_message_is_bounded(client):
    resp = client.post('/v1/groups', body=['x' * 100] * 30)
    body = assert_error(resp, 400, 'invalid')
    message = body['error']['message']
    assert message.startswith("request body: ['xxx")
    assert len(message) < 600 and message.endswith('...')


# -- update, delete, members -------------------------------------------

def _placed(db, group_name, project_id='p1'):
    """A server of ``project_id`` placed in the group, as the engine
    would store it."""
    from valet import context as valet_context
    from valet.db import plans as db_plans
    db_plans.create_plan(
        db, valet_context.get_admin_context(),
        {'name': 'app', 'stack_id': 'stack-%s' % project_id,
         'project_id': project_id},
        [{'orchestration_id': 'web-1', 'name': 'web-1', 'kind': 'server',
          'location': 'r01h01', 'groups': [group_name]}])


def test_update_description(client):
    created = client.post('/v1/groups', body=WEB).json
    resp = client.put('/v1/groups/web-div', body={'description': 'new'})
    assert resp.status_int == 201, resp.text
    assert resp.json == dict(created, description='new')
    assert client.get('/v1/groups/%s' % created['id']).json['group'][
        'description'] == 'new'


@pytest.mark.parametrize('body, message', [
    ({}, "description: 'description' is a required property"),
    ({'description': 'x', 'name': 'other'}, 'name: Additional properties'),
    ({'description': 'x', 'type': 'affinity'}, 'type: Additional'),
    ({'description': 7}, "description: 7 is not of type 'string'"),
])
def test_update_only_description(client, body, message):
    client.post('/v1/groups', body=WEB)
    resp = assert_error(client.put('/v1/groups/web-div', body=body), 400,
                        'invalid')
    assert resp['error']['message'].startswith(message)
    assert client.get('/v1/groups/web-div').json['group']['type'] == \
        'diversity'


def test_update_delete_members_admin_only(client):
    client.post('/v1/groups', body=WEB)
    for method, path, body in (
            ('PUT', '/v1/groups/web-div', {'description': 'x'}),
            ('DELETE', '/v1/groups/web-div', None),
            ('PUT', '/v1/groups/web-div/members', {'members': ['p1']}),
            ('DELETE', '/v1/groups/web-div/members', None),
            ('DELETE', '/v1/groups/web-div/members/p1', None)):
        resp = client.request(method, path, body=body, **MEMBER)
        assert_error(resp, 403, 'forbidden')
    assert client.get('/v1/groups/web-div').json['group'] == dict(
        client.get('/v1/groups/web-div').json['group'], members=[],
        description='web tier')


def test_update_missing(client):
    assert_error(client.put('/v1/groups/nope', body={'description': 'x'}),
                 404, 'not_found', 'nope')


def test_delete(client):
    created = client.post('/v1/groups', body=WEB).json
    resp = client.delete('/v1/groups/%s' % created['id'])
    assert resp.status_int == 204
    assert resp.body == b''
    assert_error(client.get('/v1/groups/web-div'), 404, 'not_found')
    assert_error(client.delete('/v1/groups/web-div'), 404, 'not_found')


def test_delete_refused_with_members_or_placements(client, db):
    client.post('/v1/groups', body=WEB)
    client.put('/v1/groups/web-div/members', body={'members': ['p1']})
    assert_error(client.delete('/v1/groups/web-div'), 409, 'conflict',
                 'members')
    _placed(db, 'web-div')
    assert_error(client.delete('/v1/groups/web-div/members'), 409,
                 'conflict', 'placements')
    assert client.get('/v1/groups/web-div').json['group']['members'] == \
        ['p1']


def test_members_set_union_check_and_remove(client):
    client.post('/v1/groups', body=WEB)
    resp = client.put('/v1/groups/web-div/members',
                      body={'members': ['p2', 'p1']})
    assert resp.status_int == 201, resp.text
    assert resp.json['members'] == ['p1', 'p2']
    assert resp.json['name'] == 'web-div'
    resp = client.put('/v1/groups/web-div/members',
                      body={'members': ['p1', 'p3', 'p3']})
    assert resp.json['members'] == ['p1', 'p2', 'p3']

    resp = client.get('/v1/groups/web-div/members/p2', **MEMBER)
    assert resp.status_int == 204 and resp.body == b''
    assert_error(client.get('/v1/groups/web-div/members/p9'), 404,
                 'not_found', 'p9')
    assert_error(client.get('/v1/groups/nope/members/p1'), 404,
                 'not_found', 'nope')

    assert client.delete('/v1/groups/web-div/members/p2').status_int == 204
    assert client.get('/v1/groups/web-div').json['group']['members'] == \
        ['p1', 'p3']
    assert_error(client.delete('/v1/groups/web-div/members/p2'), 404,
                 'not_found', 'p2')
    assert client.delete('/v1/groups/web-div/members').status_int == 204
    assert client.get('/v1/groups/web-div').json['group']['members'] == []
    assert client.delete('/v1/groups/web-div').status_int == 204


def test_remove_member_with_placements_is_409(client, db):
    client.post('/v1/groups', body=WEB)
    client.put('/v1/groups/web-div/members', body={'members': ['p1', 'p2']})
    _placed(db, 'web-div', 'p1')
    assert_error(client.delete('/v1/groups/web-div/members/p1'), 409,
                 'conflict', 'p1')
    assert client.delete('/v1/groups/web-div/members/p2').status_int == 204


@pytest.mark.parametrize('body, message', [
    ({}, "members: 'members' is a required property"),
    ({'members': []}, 'members: [] should be non-empty'),
    ({'members': 'p1'}, "members: 'p1' is not of type 'array'"),
    ({'members': ['']}, "members.0: '' should be non-empty"),
    ({'members': ['p1'], 'x': 1}, 'x: Additional properties'),
])
def test_members_schema(client, body, message):
    client.post('/v1/groups', body=WEB)
    resp = assert_error(client.put('/v1/groups/web-div/members', body=body),
                        400, 'invalid')
    assert resp['error']['message'].startswith(message), resp
    assert client.get('/v1/groups/web-div').json['group']['members'] == []


# -- microversion 1.1: filters and paging -------------------------------

V11 = {'OpenStack-API-Version': 'placement-optimizer 1.1'}


def test_list_filters_and_paging_in_1_1(client):
    for name, type_, level in (('a', 'affinity', 'host'),
                               ('b', 'diversity', 'host'),
                               ('c', 'diversity', 'rack'),
                               ('d', 'diversity', 'host')):
        client.post('/v1/groups', body={'name': name, 'type': type_,
                                        'level': level})
    client.put('/v1/groups/c/members', body={'members': ['p1']})

    def names(query, **kw):
        resp = client.get('/v1/groups' + query, headers=V11, **kw)
        assert resp.status_int == 200, resp.text
        return [g['name'] for g in resp.json['groups']], resp.json

    assert names('?type=diversity&level=host')[0] == ['b', 'd']
    assert names('?member=p1')[0] == ['c']
    assert names('?name=a')[0] == ['a']
    got, body = names('?limit=2')
    assert got == ['a', 'b']
    [link] = body['groups_links']
    assert link['rel'] == 'next'
    marker = client.get('/v1/groups/b').json['group']['id']
    assert link['href'] == ('http://localhost/v1/groups?limit=2&marker=%s'
                            % marker)
    got, body = names('?limit=2&marker=%s' % marker)
    assert got == ['c', 'd'] and 'groups_links' not in body
    # 1.0 ignores the query string entirely.
    resp = client.get('/v1/groups?type=affinity&limit=1&bogus=1')
    assert len(resp.json['groups']) == 4


@pytest.mark.parametrize('query, message', [
    ('?limit=0', 'limit: '),
    ('?limit=x', 'limit: '),
    ('?type=anti', "type: 'anti' is not one of"),
    ('?bogus=1', 'bogus: Additional properties'),
    ('?marker=nope', 'marker nope: no such item'),
    ('?name=a&name=b', 'name is given more than once'),
])
def test_list_query_errors_in_1_1(client, query, message):
    client.post('/v1/groups', body=WEB)
    body = assert_error(client.get('/v1/groups' + query, headers=V11), 400,
                        'invalid')
    assert message in body['error']['message'], body
