"""Keystone tokens and policies on the real all-in-one app
(``[api] auth_strategy = keystone``, keystonemiddleware's AuthTokenFixture
standing in for Keystone)."""
import uuid

from keystonemiddleware import auth_token
from keystonemiddleware import fixture as ksm_fixture
import pytest
import webob

from valet import allinone
from valet.tests.functional import fixtures


@pytest.fixture(scope='module')
def keystone():
    fixture = ksm_fixture.AuthTokenFixture()
    fixture.setUp()
    yield fixture
    fixture.cleanUp()


@pytest.fixture(scope='module')
def app(keystone, tmp_path_factory):
    tmp = tmp_path_factory.mktemp('auth')
    conf = fixtures.make_conf('sqlite:///%s' % (tmp / 'valet.sqlite'))
    conf.set_override('auth_strategy', 'keystone', group='api')
    for group, opts in auth_token.list_opts():
        conf.register_opts(opts, group=group)
    conf.set_override('www_authenticate_uri', 'http://keystone.test/v3',
                      group='keystone_authtoken')
    with allinone.AllInOne(conf) as aio:
        yield aio.app


def token(keystone, project, roles):
    token_id = uuid.uuid4().hex
    keystone.add_token_data(
        token_id=token_id, user_id='user-' + project, project_id=project,
        role_list=list(roles), user_name='user', project_name=project,
        user_domain_id='default', project_domain_id='default')
    return token_id


def call(app, method, path, tok=None, body=None, headers=None):
    req = webob.Request.blank(path, method=method, headers=headers or {})
    if tok:
        req.headers['X-Auth-Token'] = tok
    if body is not None:
        req.json_body = body
    return req.get_response(app)


PLAN = {'plan_name': 'app', 'stack_id': 'stack-a', 'resources': {
    'a': {'type': 'OS::Nova::Server', 'properties': {'flavor': 'm1.small'}}}}


@pytest.mark.parametrize('method, path', [
    ('GET', '/v1'), ('GET', '/v1/status'), ('GET', '/v1/groups'),
    ('POST', '/v1/groups'), ('GET', '/v1/plans'), ('POST', '/v1/plans'),
    ('PUT', '/v1/plans/x'), ('GET', '/v1/placements'),
    ('DELETE', '/v1/placements/x'), ('PUT', '/v1/groups/g/members')])
def test_401_without_token(app, method, path):
    resp = call(app, method, path, headers={'X-Project-Id': 'admin',
                                            'X-Roles': 'admin'})
    assert resp.status_int == 401, resp.text
    assert resp.headers['WWW-Authenticate'].startswith('Keystone uri=')


def test_version_discovery_needs_no_token(app):
    resp = call(app, 'GET', '/')
    assert resp.status_int == 200
    assert resp.json['versions'][0]['id'] == 'v1.0'


def test_projects_and_admins(app, keystone):
    admin = token(keystone, 'admin-project', ['admin'])
    alice = token(keystone, 'project-a', ['member'])
    bob = token(keystone, 'project-b', ['member'])

    # Only an administrator manages groups.
    group = {'name': 'g1', 'type': 'diversity', 'level': 'host'}
    assert call(app, 'POST', '/v1/groups', alice, group).status_int == 403
    assert call(app, 'POST', '/v1/groups', admin, group).status_int == 201
    for method, path, body in (
            ('PUT', '/v1/groups/g1', {'description': 'x'}),
            ('PUT', '/v1/groups/g1/members', {'members': ['project-b']}),
            ('DELETE', '/v1/groups/g1', None)):
        assert call(app, method, path, alice, body).status_int == 403
    assert call(app, 'GET', '/v1/groups/g1', alice).status_int == 200

    # Alice's plan is hers: Bob may neither see, change nor delete it.
    resp = call(app, 'POST', '/v1/plans', alice, PLAN)
    assert resp.status_int == 201, resp.text
    assert resp.json['plan']['project_id'] == 'project-a'
    for method, path, body in (
            ('GET', '/v1/plans/stack-a', None),
            ('PUT', '/v1/plans/stack-a', {'action': 'migrate',
                                          'resources': ['a']}),
            ('PUT', '/v1/plans/stack-a', {'action': 'update',
                                          'resources': PLAN['resources']}),
            ('DELETE', '/v1/plans/stack-a', None),
            ('GET', '/v1/placements/a', None),
            ('POST', '/v1/placements/a', {'locations': ['r01h01']}),
            ('DELETE', '/v1/placements/a', None)):
        resp = call(app, method, path, bob, body)
        assert resp.status_int == 403, (method, path, resp.text)
        assert resp.json['error']['type'] == 'forbidden'
    assert call(app, 'GET', '/v1/plans', bob).json == {'plans': []}
    assert call(app, 'GET', '/v1/placements', bob).json == \
        {'placements': []}
    assert len(call(app, 'GET', '/v1/placements', alice).json[
        'placements']) == 1
    # The administrator sees it; Alice deletes it.
    assert call(app, 'GET', '/v1/plans/stack-a', admin).status_int == 200
    assert call(app, 'DELETE', '/v1/plans/stack-a', alice).status_int == 204

    # A group with members is usable only by them.
    assert call(app, 'PUT', '/v1/groups/g1/members', admin,
                {'members': ['project-b']}).status_int == 201
    grouped = {'plan_name': 'g', 'stack_id': 'stack-g', 'resources': {
        'a': {'type': 'OS::Nova::Server', 'properties': {
            'flavor': 'm1.small', 'metadata': {'valet': {'groups': ['g1']}}}}}}
    resp = call(app, 'POST', '/v1/plans', alice, grouped)
    assert resp.status_int == 400
    assert 'not a member' in resp.json['error']['message']
    assert call(app, 'POST', '/v1/plans', bob, grouped).status_int == 201
