"""Project isolation and credential hygiene (issue #8), complementing
test_api_auth.py (tokens, policies, plans by stack id):

* a project can neither read nor change another project's plans and
  placements by any handle (plan uuid, placement uuid, resource id) nor
  through list filters;
* an ad-hoc server (the Nova filter, no Heat) is checked against the
  instance owner's project, not against the service project the filter
  runs as;
* a Keystone token never reaches the logs of the API or the engine, and
  does not travel on the RPC bus.
"""
import logging
import uuid

from keystonemiddleware import auth_token
from keystonemiddleware import fixture as ksm_fixture
import pytest
import webob

from valet import allinone
from valet import context as valet_context
from valet.engine import rpcapi
from valet import exception
from valet.plugins import client as plugin_client
from valet.plugins.nova import decide
from valet.plugins.nova import request as nova_request
from valet.rpc import serializer
from valet.tests.functional import fixtures
from valet.tests.unit.plugins import fakes

PLAN = {'plan_name': 'app', 'stack_id': 'stack-a', 'resources': {
    'a': {'type': 'OS::Nova::Server', 'properties': {'flavor': 'm1.small'}}}}


@pytest.fixture
def aio(tmp_path):
    conf = fixtures.make_conf('sqlite:///%s' % (tmp_path / 'valet.sqlite'))
    with allinone.AllInOne(conf) as aio:
        yield aio


def test_no_handle_reaches_another_projects_plan(aio):
    alice = fixtures.Client(aio.app, 'project-a', 'member')
    bob = alice.as_project('project-b')
    resp = alice('POST', '/v1/plans', PLAN)
    assert resp.status_int == 201, resp.text
    plan_id = resp.json['plan']['id']
    placement = alice('GET', '/v1/placements/a').json['placement']
    assert alice('POST', '/v1/placements/a', {
        'resource_id': 'vm-1', 'locations': [placement['location']],
        'action': 'reserve'}).status_int == 201

    for method, path, body in (
            ('GET', '/v1/plans/%s' % plan_id, None),
            ('PUT', '/v1/plans/%s' % plan_id,
             {'action': 'update', 'resources': PLAN['resources']}),
            ('DELETE', '/v1/plans/%s' % plan_id, None),
            ('GET', '/v1/placements/%s' % placement['id'], None),
            ('GET', '/v1/placements/vm-1', None),
            ('POST', '/v1/placements/%s' % placement['id'],
             {'resource_id': 'vm-2', 'locations': ['r01h01'],
              'action': 'replan'}),
            ('DELETE', '/v1/placements/%s' % placement['id'], None),
            ('DELETE', '/v1/placements/vm-1', None)):
        resp = bob(method, path, body)
        assert resp.status_int in (403, 404), (method, path, resp.text)
        assert 'r0' not in resp.text, resp.text      # no location leaks

    # Filters cannot widen a listing to another project.
    for path in ('/v1/placements?project_id=project-a',
                 '/v1/placements?plan_id=%s' % plan_id,
                 '/v1/placements?resource_id=vm-1',
                 '/v1/placements?orchestration_id=a'):
        resp = bob('GET', path)
        assert resp.status_int in (200, 403), (path, resp.text)
        if resp.status_int == 200:
            assert resp.json == {'placements': []}, (path, resp.json)
    resp = bob('GET', '/v1/plans?project_id=project-a')
    assert resp.status_int in (200, 400, 403)
    if resp.status_int == 200:
        assert resp.json == {'plans': []}

    # Nothing changed: Alice's plan and reservation are intact.
    resp = alice('GET', '/v1/placements/a')
    assert resp.json['placement']['reserved'] is True
    assert resp.json['placement']['location'] == placement['location']
    assert alice('GET', '/v1/plans/stack-a').status_int == 200


def test_ad_hoc_servers_are_checked_against_the_instance_owner(aio):
    admin = fixtures.Client(aio.app)
    assert admin('POST', '/v1/groups', {'name': 'a-only', 'type': 'diversity',
                                        'level': 'host'}).status_int == 201
    assert admin('PUT', '/v1/groups/a-only/members',
                 {'members': ['tenant-a']}).status_int == 201
    engine = rpcapi.EngineAPI(aio.conf, aio.transport, timeout=30)
    # nova-scheduler calls the filter with its own (service, admin) context.
    service_ctx = valet_context.RequestContext(
        project_id='service', user_id='nova', roles=['admin', 'service'],
        is_admin=True)

    def boot(uuid_, owner):
        spec = fakes.request_spec(uuid_, {'valet': ['{"groups": ["a-only"]}']},
                                  project_id=owner)
        req = nova_request.from_spec(spec)
        ctx = plugin_client.request_context(service_ctx,
                                            project_id=req.project_id)
        return decide.placement_for(engine, ctx, req, ['r01h01', 'r01h02'])

    with pytest.raises(exception.Invalid) as refused:
        boot('vm-b', 'tenant-b')
    assert 'not a member' in str(refused.value)
    placement = boot('vm-a', 'tenant-a')
    assert placement['project_id'] == 'tenant-a'
    # The placement is the owner's, not the service's.
    tenant_a = fixtures.Client(aio.app, 'tenant-a', 'member')
    service = fixtures.Client(aio.app, 'service', 'member')
    assert tenant_a('GET', '/v1/placements/vm-a').status_int == 200
    assert service('GET', '/v1/placements/vm-a').status_int in (403, 404)


def test_the_token_does_not_travel_on_the_bus():
    ctx = valet_context.RequestContext(project_id='p', auth_token='s3cr3t',
                                       roles=['member'])
    sent = serializer.RequestContextSerializer().serialize_context(ctx)
    assert 's3cr3t' not in repr(sent)
    back = serializer.RequestContextSerializer().deserialize_context(sent)
    assert back.project_id == 'p' and back.roles == ['member']


@pytest.fixture
def keystone():
    fixture = ksm_fixture.AuthTokenFixture()
    fixture.setUp()
    yield fixture
    fixture.cleanUp()


def test_keystone_tokens_never_reach_the_logs(keystone, tmp_path, caplog):
    conf = fixtures.make_conf('sqlite:///%s' % (tmp_path / 'valet.sqlite'))
    conf.set_override('auth_strategy', 'keystone', group='api')
    for group, opts in auth_token.list_opts():
        conf.register_opts(opts, group=group)
    conf.set_override('www_authenticate_uri', 'http://keystone.test/v3',
                      group='keystone_authtoken')
    good = 'tok-%s' % uuid.uuid4().hex
    bad = 'bad-%s' % uuid.uuid4().hex
    keystone.add_token_data(
        token_id=good, user_id='u', project_id='project-a',
        role_list=['member'], user_name='user', project_name='project-a',
        user_domain_id='default', project_domain_id='default')
    caplog.set_level(logging.DEBUG)
    with allinone.AllInOne(conf) as aio:
        def call(method, path, token, body=None):
            req = webob.Request.blank(path, method=method,
                                      headers={'X-Auth-Token': token})
            if body is not None:
                req.json_body = body
            return req.get_response(aio.app)

        assert call('POST', '/v1/plans', good, PLAN).status_int == 201
        bad_plan = dict(PLAN, resources={'a': {
            'type': 'OS::Nova::Server', 'properties': {'flavor': 'nope'}}})
        assert call('POST', '/v1/plans', good,
                    dict(bad_plan, stack_id='s2')).status_int == 400
        assert call('GET', '/v1/placements/a', good).status_int == 200
        assert call('GET', '/v1/plans', bad).status_int == 401
        assert call('DELETE', '/v1/plans/stack-a', good).status_int == 204
    text = caplog.text + ''.join(str(r.__dict__) for r in caplog.records)
    assert 'POST' in text or 'create_plan' in text or caplog.records, \
        'nothing was logged: the check would prove nothing'
    assert good not in text
    assert bad not in text
