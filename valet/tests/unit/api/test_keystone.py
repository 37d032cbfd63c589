"""[api] auth_strategy = keystone, with keystonemiddleware's test fixture."""
import uuid

from keystonemiddleware import auth_token
from keystonemiddleware import fixture as ksm_fixture
import pytest

from valet.api import deploy
from valet.tests.unit.api.helpers import assert_error
from valet.tests.unit.api.helpers import Client


@pytest.fixture
def auth_fixture():
    fixture = ksm_fixture.AuthTokenFixture()
    fixture.setUp()
    yield fixture
    fixture.cleanUp()


@pytest.fixture
def ks_client(conf, engine, db, auth_fixture):
    conf.set_override('auth_strategy', 'keystone', group='api')
    for group, opts in auth_token.list_opts():
        conf.register_opts(opts, group=group)
    conf.set_override('www_authenticate_uri', 'http://keystone.test/v3',
                      group='keystone_authtoken')
    return Client(deploy.make_app(conf, engine, db))


def _token(auth_fixture, project, roles):
    token_id = uuid.uuid4().hex
    auth_fixture.add_token_data(
        token_id=token_id,
        user_id='u-' + project, project_id=project, role_list=roles,
        user_name='user', project_name=project,
        user_domain_id='default', project_domain_id='default')
    return token_id


def test_versions_need_no_token(ks_client):
    resp = ks_client.get('/')
    assert resp.status_int == 200
    assert resp.json['versions'][0]['id'] == 'v1.0'


def test_no_token_is_401(ks_client, engine):
    for path in ('/v1', '/v1/status', '/v1/groups'):
        resp = ks_client.get(path)
        assert resp.status_int == 401, path
        assert resp.headers['x-openstack-request-id']
    assert engine.calls == []


def test_bad_token_is_401(ks_client, auth_fixture):
    resp = ks_client.get('/v1/status', headers={'X-Auth-Token': 'nope'})
    assert resp.status_int == 401
    assert resp.headers['WWW-Authenticate'] == \
        'Keystone uri="http://keystone.test/v3"'


def test_token_identity_reaches_context(ks_client, auth_fixture, engine):
    token = _token(auth_fixture, 'proj-a', ['member', 'reader'])
    resp = ks_client.get('/v1/status', headers={
        'X-Auth-Token': token,
        # Ignored: keystonemiddleware sets these from the token.
        'X-Project-Id': 'admin', 'X-Roles': 'admin'})
    assert resp.status_int == 200, resp.text
    context = engine.calls[0][1]
    assert context.project_id == 'proj-a'
    assert sorted(context.roles) == ['member', 'reader']
    assert not context.is_admin


def test_policy_with_tokens(ks_client, auth_fixture):
    member = _token(auth_fixture, 'proj-a', ['member'])
    admin = _token(auth_fixture, 'proj-admin', ['admin'])
    group = {'name': 'g1', 'type': 'affinity', 'level': 'host'}
    resp = ks_client.post('/v1/groups', body=group,
                          headers={'X-Auth-Token': member})
    assert_error(resp, 403, 'forbidden')
    resp = ks_client.post('/v1/groups', body=group,
                          headers={'X-Auth-Token': admin})
    assert resp.status_int == 201, resp.text
    resp = ks_client.get('/v1/groups', headers={'X-Auth-Token': member})
    assert [g['name'] for g in resp.json['groups']] == ['g1']


def test_root_ignores_identity_headers(ks_client, engine):
    # Not authenticated: nothing a client claims reaches a context.
    resp = ks_client.get('/', headers={'X-Roles': 'admin',
                                       'X-Project-Id': 'admin'})
    assert resp.status_int == 200
