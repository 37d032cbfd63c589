"""Fuzzing from doc/api/openapi.yaml (schemathesis): every documented
operation gets valid and invalid requests (bodies, query strings, path
ids, the microversion header).  Nothing may answer a 5xx, and a rejected
request (4xx) must leave the database exactly as it was: no row of any
table, no host's or pool's usage or generation changed.

Bounded and deterministic: derandomized Hypothesis, no example database, a
fixed number of examples per operation (about 30 s on two cores).
"""
import json
import os

import hypothesis
from hypothesis import strategies as st
import pytest
import schemathesis
from schemathesis import GenerationMode
import sqlalchemy as sa

from valet import allinone
from valet import context as valet_context
from valet.db import inventory as db_inventory
from valet.db import models
from valet.tests.functional import fixtures

DOC_PATH = os.path.join(fixtures.REPO, 'doc', 'api', 'openapi.yaml')
EXAMPLES = 12          # per operation and per generation mode
HEADERS = {'X-Project-Id': 'admin', 'X-Roles': 'admin'}

SCHEMA = schemathesis.openapi.from_path(DOC_PATH)
OPERATIONS = [result.ok() for result in SCHEMA.get_all_operations()]

# Existing resources, so that valid requests also reach the engine and
# the database writes instead of stopping at a 404.
EXISTING = {'group_id': 'fuzz-group', 'member_id': 'p1',
            'plan_id': 'fuzz-stack', 'placement_id': 'web-1'}


@pytest.fixture(scope='module')
def running(tmp_path_factory):
    tmp = tmp_path_factory.mktemp('fuzz')
    conf = fixtures.make_conf('sqlite:///%s' % (tmp / 'valet.sqlite'))
    with allinone.AllInOne(conf) as aio:
        yield aio


@pytest.fixture
def aio(running):
    """The module's all-in-one with the EXISTING resources (re)made: an
    earlier operation's valid requests may have changed them."""
    client = fixtures.Client(running.app)
    client('DELETE', '/v1/plans/fuzz-stack')
    client('POST', '/v1/groups', {'name': 'fuzz-group', 'type': 'diversity',
                                  'level': 'host'})
    assert client('PUT', '/v1/groups/fuzz-group/members', {
        'members': ['p1']}).status_int == 201
    resp = client('POST', '/v1/plans', {
        'plan_name': 'fuzz', 'stack_id': 'fuzz-stack', 'resources': {
            'web-1': {'type': 'OS::Nova::Server',
                      'properties': {'flavor': 'm1.small'}}}})
    assert resp.status_int == 201, resp.text
    return running


def snapshot(aio):
    """Every row count, and every host's and pool's usage/generation."""
    counts = {}
    with aio.db.reader(valet_context.get_admin_context()) as session:
        for table in models.Base.metadata.sorted_tables:
            counts[table.name] = session.scalar(
                sa.select(sa.func.count()).select_from(table))
    state = db_inventory.load_state(aio.db,
                                    valet_context.get_admin_context())
    return counts, state


def _label(operation):
    return '%s %s' % (operation.method.upper(), operation.path)


def _keeps_fixtures(operation):
    # Deleting the shared fixtures would starve the operations after it.
    return operation.method != 'delete'


def _negatable(operation):
    """Whether invalid requests exist: a body or query parameters (any
    string is a valid path id or microversion header)."""
    raw = operation.definition.raw
    return 'requestBody' in raw or len(raw.get('parameters', ())) > 1


CASES = [pytest.param(op, GenerationMode.POSITIVE,
                      id='%s valid' % _label(op)) for op in OPERATIONS]
CASES += [pytest.param(op, GenerationMode.NEGATIVE,
                       id='%s invalid' % _label(op))
          for op in OPERATIONS if _negatable(op)]


@pytest.mark.parametrize('operation, mode', CASES)
def test_no_server_error_and_no_half_writes(aio, operation, mode):
    strategies = [operation.as_strategy(generation_mode=mode)]
    if _keeps_fixtures(operation) and '{' in operation.path:
        strategies.append(operation.as_strategy(
            generation_mode=mode, path_parameters={
                k: v for k, v in EXISTING.items()
                if '{%s}' % k in operation.path}))

    @hypothesis.settings(max_examples=EXAMPLES, derandomize=True,
                         database=None, deadline=None,
                         suppress_health_check=list(hypothesis.HealthCheck),
                         phases=[hypothesis.Phase.explicit,
                                 hypothesis.Phase.generate])
    @hypothesis.given(case=st.one_of(strategies))
    def run(case):
        before = snapshot(aio)
        headers = dict(HEADERS, **(case.headers or {}))
        response = case.call(headers=headers, app=aio.app)
        status = response.status_code
        assert status < 500, '%s -> %s %s' % (
            case.as_curl_command(), status, response.text)
        if status >= 400:
            assert snapshot(aio) == before, (
                'rejected %s (%s) changed the database'
                % (case.as_curl_command(), status))

    run()


def _nested(depth):
    value = 'bottom'
    for _ in range(depth):
        value = {'x': [value]}
    return value


HOSTILE_BODIES = {
    # Deeper than any JSON parser recursion: must be a 400, not a crash.
    'deep arrays': b'[' * 200000 + b']' * 200000,
    'deep objects': b'{"a":' * 100000 + b'1' + b'}' * 100000,
    'unclosed deep': b'[' * 200000,
    # Deep, but parseable: the schema and the engine see it.
    'deep metadata': None,
    # Larger than [api] max_request_body_size (1 MiB by default).
    'huge body': b'{"plan_name": "' + b'x' * (3 * 2 ** 20) + b'"}',
    'huge resources': None,
    'not utf-8': b'{"plan_name": "\xff\xfe"}',
    'nul bytes': b'{"plan_name": "a\x00b", "stack_id": "\x00",'
                 b' "resources": {}}',
}


def _body(name):
    if name == 'deep metadata':
        return json.dumps({'plan_name': 'deep', 'stack_id': 'deep',
                           'resources': {'a': {
                               'type': 'OS::Nova::Server', 'properties': {
                                   'flavor': 'm1.small',
                                   'metadata': _nested(300)}}}}).encode()
    if name == 'huge resources':
        return json.dumps({'plan_name': 'many', 'stack_id': 'many',
                           'resources': {'r%d' % i: {'type': 'OS::Heat::None'}
                                         for i in range(5000)}}).encode()
    return HOSTILE_BODIES[name]


@pytest.mark.parametrize('method, path', [
    ('POST', '/v1/plans'), ('PUT', '/v1/plans/fuzz-stack'),
    ('POST', '/v1/groups')])
@pytest.mark.parametrize('name', sorted(HOSTILE_BODIES))
def test_hostile_bodies(aio, method, path, name):
    """Huge bodies, deep nesting, bad encodings: a 4xx (413 for what is
    over the size limit), never a 5xx, and nothing written when refused."""
    client = fixtures.Client(aio.app)
    before = snapshot(aio)
    resp = client(method, path, raw=_body(name))
    assert resp.status_int < 500, (name, resp.status_int, resp.text[:500])
    if name == 'huge body':
        assert resp.status_int == 413, resp.text[:500]
    if resp.status_int >= 400:
        assert resp.json['code'] == resp.status_int
        assert snapshot(aio) == before
    assert client('GET', '/v1/status').status_int == 200
