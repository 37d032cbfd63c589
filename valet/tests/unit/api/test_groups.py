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
