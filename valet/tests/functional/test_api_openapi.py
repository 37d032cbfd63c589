"""doc/api/openapi.yaml against the app: the same paths and methods as the
route table, the same request schemas as the handlers, and real responses
(real engine, in-process bus, sqlite) valid against the documented ones."""
import copy
import os

import jsonschema
from openapi_spec_validator import validate as validate_spec
import pytest
import yaml

from valet.api import handler
from valet.api.schemas import groups as group_schemas
from valet.api.schemas import placements as placement_schemas
from valet.api.schemas import plans as plan_schemas
from valet.tests.functional import fixtures

DOC_PATH = os.path.join(fixtures.REPO, 'doc', 'api', 'openapi.yaml')
METHODS = ('get', 'put', 'post', 'delete', 'options', 'head', 'patch')


@pytest.fixture(scope='module')
def doc():
    with open(DOC_PATH) as f:
        return yaml.safe_load(f)


def test_document_is_valid_openapi(doc):
    validate_spec(doc)


def test_same_paths_and_methods_as_the_route_table(doc):
    documented = {path: sorted(m.upper() for m in item if m in METHODS)
                  for path, item in doc['paths'].items()}
    routed = {path: sorted(methods)
              for path, methods in handler.ROUTE_DECLARATIONS.items()}
    assert documented == routed


def _without_dialect(schema):
    schema = copy.deepcopy(schema)
    schema.pop('$schema', None)
    return schema


@pytest.mark.parametrize('path, method, schemas', [
    ('/v1/groups', 'post', [group_schemas.CREATE]),
    ('/v1/groups/{group_id}', 'put', [group_schemas.UPDATE]),
    ('/v1/groups/{group_id}/members', 'put', [group_schemas.MEMBERS]),
    ('/v1/plans', 'post', [plan_schemas.CREATE]),
    ('/v1/plans/{plan_id}', 'put', [plan_schemas.UPDATE,
                                    plan_schemas.MIGRATE]),
    ('/v1/placements/{placement_id}', 'post', [placement_schemas.UPDATE]),
])
def test_request_schemas_are_the_handlers(doc, path, method, schemas):
    documented = doc['paths'][path][method]['requestBody']['content'][
        'application/json']['schema']
    wanted = [_without_dialect(s) for s in schemas]
    assert documented == (wanted[0] if len(wanted) == 1
                          else {'oneOf': wanted})


def test_every_operation_with_a_body_documents_it(doc):
    for path, item in doc['paths'].items():
        for method, operation in item.items():
            if method in ('put', 'post'):
                assert 'requestBody' in operation, (path, method)


class Checker:
    """Call the app and validate each answer against the document."""

    def __init__(self, doc, client):
        self.doc = doc
        self.client = client
        self.mapper = handler.make_map(handler.ROUTE_DECLARATIONS)
        self.seen = set()

    def _template(self, path, method):
        for template in self.doc['paths']:
            match = self.mapper.routematch(
                url=path.split('?')[0].rstrip('/') or '/',
                environ={'REQUEST_METHOD': method})
            if match and match[1].routepath == template:
                return template
        raise AssertionError('no documented path for %s' % path)

    def _validate(self, instance, schema):
        root = {'components': self.doc['components']}
        root.update(schema)
        jsonschema.Draft202012Validator(root).validate(instance)

    def __call__(self, method, path, body=None, status=None, **kw):
        resp = self.client(method, path, body, **kw)
        if status is not None:
            assert resp.status_int == status, resp.text
        template = self._template(path, method)
        operation = self.doc['paths'][template][method.lower()]
        documented = operation['responses'].get(str(resp.status_int))
        assert documented is not None, (
            '%s %s answered %s, not documented: %s'
            % (method, path, resp.status_int, resp.text))
        if '$ref' in documented:
            documented = self.doc['components']['responses'][
                documented['$ref'].rsplit('/', 1)[1]]
        content = documented.get('content')
        if content is None:
            assert resp.body == b'', (method, path)
        else:
            assert resp.content_type == 'application/json'
            self._validate(resp.json, content['application/json']['schema'])
        self.seen.add((template, method, resp.status_int))
        return resp


V11 = {'OpenStack-API-Version': 'placement-optimizer 1.1'}


def test_real_responses_match_the_document(doc, client):
    check = Checker(doc, client)
    member = Checker(doc, client.as_project('p1'))
    check('GET', '/', status=200)
    check('GET', '/', status=200, headers=V11)
    check('GET', '/', status=406,
          headers={'OpenStack-API-Version': 'placement-optimizer 9.9'})
    check('GET', '/v1', status=200)
    check('GET', '/v1/status', status=200)
    check('HEAD', '/v1/status', status=204)

    check('GET', '/v1/groups', status=200)
    check('POST', '/v1/groups', {'name': 'spread', 'type': 'diversity',
                                 'level': 'host'}, status=201)
    check('POST', '/v1/groups', {'name': 'spread'}, status=400)
    check('POST', '/v1/groups', {'name': 'spread', 'type': 'diversity',
                                 'level': 'host'}, status=409)
    member('POST', '/v1/groups', {'name': 'x', 'type': 'diversity',
                                  'level': 'host'}, status=403)
    check('GET', '/v1/groups/spread', status=200)
    check('GET', '/v1/groups/nope', status=404)
    check('PUT', '/v1/groups/spread', {'description': 'd'}, status=201)
    check('PUT', '/v1/groups/spread/members', {'members': ['p1']},
          status=201)
    check('GET', '/v1/groups/spread/members/p1', status=204)
    check('GET', '/v1/groups/spread/members/p2', status=404)
    check('DELETE', '/v1/groups/spread', status=409)
    check('DELETE', '/v1/groups/spread/members/p1', status=204)
    check('DELETE', '/v1/groups/spread/members', status=204)
    check('GET', '/v1/groups?limit=1', status=200, headers=V11)

    resources = {n: {'type': 'OS::Nova::Server', 'properties': {
        'flavor': 'm1.small', 'metadata': {'tier': 'web', 'valet': {
            'groups': ['spread']}}}} for n in ('a', 'b')}
    resources['v'] = {'type': 'OS::Cinder::Volume',
                      'properties': {'size': 10}}
    plan = {'plan_name': 'app', 'stack_id': 's1', 'resources': resources}
    member('POST', '/v1/plans', plan, status=201)
    member('POST', '/v1/plans', dict(plan, stack_id='dry', dry_run=True),
           status=201)
    member('POST', '/v1/plans', plan, status=409)
    wide = {'plan_name': 'w', 'stack_id': 'w', 'resources': {
        'n%d' % i: {'type': 'OS::Nova::Server', 'properties': {
            'flavor': 'm1.small', 'metadata': {'valet': {'groups': ['r']}}}}
        for i in range(5)}, 'groups': {'r': {'type': 'diversity',
                                             'level': 'rack'}}}
    resp = member('POST', '/v1/plans', wide, status=409)
    assert resp.json['reason']['code']
    member('GET', '/v1/plans', status=200)
    member('GET', '/v1/plans?limit=1', status=200, headers=V11)
    member('GET', '/v1/plans/s1', status=200)
    Checker(doc, client.as_project('p2'))('GET', '/v1/plans/s1', status=403)
    member('PUT', '/v1/plans/s1', {'action': 'dance'}, status=400)
    member('GET', '/v1/placements', status=200)
    member('GET', '/v1/placements?tier=web', status=200)
    member('GET', '/v1/placements?limit=1', status=200, headers=V11)
    member('GET', '/v1/placements/a', status=200)
    member('GET', '/v1/placements/nope', status=404)
    member('POST', '/v1/placements/a', {'locations': []}, status=400)
    member('DELETE', '/v1/plans/s1', status=204)
    member('DELETE', '/v1/plans/s1', status=404)
    check('DELETE', '/v1/groups/spread', status=204)


def test_engine_action_responses_match_the_document(doc, client):
    """Update, migrate, reserve/replan and placement delete: the answers
    of the real engine actions have the documented shapes."""
    check = Checker(doc, client)
    resources = {n: {'type': 'OS::Nova::Server',
                     'properties': {'flavor': 'm1.small'}} for n in 'ab'}
    check('POST', '/v1/plans', {'plan_name': 'p', 'stack_id': 's',
                                'resources': resources}, status=201)
    check('PUT', '/v1/plans/s', {'action': 'update', 'resources': dict(
        resources, c=resources['a'])}, status=201)
    check('PUT', '/v1/plans/s', {'action': 'migrate', 'resources': ['a'],
                                 'excluded_hosts': ['r01h01']}, status=201)
    where = check('GET', '/v1/placements/b').json['placement']['location']
    check('POST', '/v1/placements/b', {'resource_id': 'uuid-b',
                                       'locations': [where]}, status=201)
    check('POST', '/v1/placements/c', {'locations': ['r04h05'],
                                       'action': 'replan'}, status=201)


def test_placement_delete_response_matches_the_document(doc, client):
    check = Checker(doc, client)
    check('POST', '/v1/plans', {'plan_name': 'p', 'stack_id': 's',
                                'resources': {'a': {
                                    'type': 'OS::Nova::Server',
                                    'properties': {'flavor': 'm1.small'}}}},
          status=201)
    check('DELETE', '/v1/placements/a', status=204)
    check('GET', '/v1/placements/a', status=404)
