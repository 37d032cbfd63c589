"""Fuzzing the engine's RPC endpoints over a real RabbitMQ (DESIGN §3).

A real valet-engine (EngineService, in this process) serves a fresh topic
on 127.0.0.1:5672 with a MariaDB database.  Hypothesis sends it malformed
and hostile payloads for every method: wrong types, unknown and missing
arguments, hostile plan resources, plus huge bodies, deep nesting, unknown
methods and versions, and garbage request contexts.

Every call must come back in time (no hang) as an answer or as a
``valet.exception`` class with its 4xx code (never the engine's internal
error, code 500); the engine must keep answering pings; and the database
must stay consistent (no half-written plan, usage = placements).

Bounded and deterministic: derandomized Hypothesis, no example database,
a fixed number of examples.
"""
import uuid

import hypothesis
from hypothesis import strategies as st
import oslo_messaging as messaging
import pytest
import sqlalchemy as sa

from valet import context as valet_context
from valet.db import api as db_api
from valet.db import migration
from valet.engine import rpcapi
from valet.engine import service as engine_service
from valet import exception
from valet import rpc
from valet.tests import base_services
from valet.tests import cluster
from valet.tests.functional import fixtures

RABBIT_URL = 'rabbit://guest:guest@127.0.0.1:5672/'
TIMEOUT = 30
EXAMPLES = 60

# Every RPC method and its argument names (valet/engine/rpcapi.py).
METHODS = {
    'ping': [],
    'create_plan': ['plan_name', 'stack_id', 'resources', 'groups',
                    'locations', 'dry_run'],
    'update_plan': ['stack_id', 'resources', 'original_resources'],
    'delete_plan': ['stack_id'],
    'migrate': ['stack_id', 'orchestration_id', 'excluded_hosts'],
    'reserve': ['orchestration_id', 'resource_id', 'instance_uuid',
                'candidate_hosts', 'action'],
    'schedule_instance': ['instance_uuid', 'flavor', 'groups', 'az',
                          'candidate_hosts'],
    'schedule_volume': ['volume_id', 'size_gb', 'volume_type', 'az',
                        'orchestration_id', 'candidate_pools', 'server'],
    'group_members': ['group'],
    'invalid_placements': [],
    'explain': ['stack_id'],
    'delete_placement': ['placement_id'],
}
TYPES = ['OS::Nova::Server', 'OS::Cinder::Volume',
         'OS::Cinder::VolumeAttachment', 'OS::Valet::Pipe',
         'OS::Valet::Group', 'OS::Heat::None']
PROPERTIES = ['flavor', 'availability_zone', 'metadata', 'scheduler_hints',
              'size', 'volume_type', 'instance_uuid', 'volume_id', 'source',
              'target', 'bandwidth_mbps', 'name', 'type', 'level', 'members',
              'description']
NAMES = ['fuzz-stack', 'web-1', 'db-vol', 'g1', 'r01h01', 'm1.small',
         'cinder@lvm#r01', 'nova', 'affinity', 'diversity', 'host', 'rack']

scalars = (st.none() | st.booleans()
           | st.integers(min_value=-2 ** 70, max_value=2 ** 70)
           | st.floats(allow_nan=False, allow_infinity=False)
           | st.text(max_size=12) | st.sampled_from(NAMES))
json_values = st.recursive(
    scalars, lambda inner: (st.lists(inner, max_size=4)
                            | st.dictionaries(st.text(max_size=8), inner,
                                              max_size=4)),
    max_leaves=12)
properties = st.dictionaries(st.sampled_from(PROPERTIES) | st.text(max_size=6),
                             json_values, max_size=5)
resource = st.fixed_dictionaries(
    {'type': st.sampled_from(TYPES) | json_values}, optional={
        'name': json_values, 'properties': properties | json_values})
resources = st.dictionaries(st.sampled_from(NAMES) | st.text(max_size=8),
                            resource | json_values, max_size=6)


@st.composite
def rpc_calls(draw):
    method = draw(st.sampled_from(sorted(METHODS)))
    names = METHODS[method] + ['junk']
    kwargs = draw(st.dictionaries(st.sampled_from(names), json_values,
                                  max_size=len(names)))
    if 'resources' in METHODS[method] and draw(st.booleans()):
        kwargs['resources'] = draw(resources)
    return method, kwargs


@pytest.fixture(scope='module')
def engine(tmp_path_factory):
    """(engine service, raw RPC client, database URL)."""
    base_services.require_service('rabbitmq')
    with base_services.temporary_database('mysql') as url:
        conf = fixtures.make_conf(url)
        migration.upgrade(url)
        db = db_api.Database.from_conf(conf)
        server_transport = rpc.get_transport(conf, url=RABBIT_URL)
        service = engine_service.EngineService(
            conf, transport=server_transport, db=db, engine_id='fuzz-engine')
        service.start()
        client_transport = rpc.get_transport(conf, url=RABBIT_URL)
        api = rpcapi.EngineAPI(conf, client_transport, timeout=TIMEOUT)
        try:
            yield service, api.client, url
        finally:
            service.stop()
            client_transport.cleanup()
            server_transport.cleanup()
            db.dispose()


def ctx():
    return valet_context.RequestContext(project_id='fuzz', roles=['member'],
                                        request_id='req-%s' % uuid.uuid4())


def call(client, method, version='1.3', context=None, **kwargs):
    """The answer, or the exception the call raised."""
    cctxt = client.prepare(version=version, timeout=TIMEOUT)
    try:
        return cctxt.call(context or ctx(), method, **kwargs)
    except Exception as e:      # judged by the caller
        return e


def assert_clean(method, kwargs, outcome):
    """An answer, or a Valet error of the caller's making (4xx)."""
    if isinstance(outcome, exception.ValetException):
        assert 400 <= outcome.code < 500, (method, kwargs, outcome.code,
                                           str(outcome)[:2000])
    else:
        assert not isinstance(outcome, Exception), (method, kwargs,
                                                    repr(outcome)[:2000])


def assert_not_stored(url, stack_id):
    """A refused create_plan left nothing: no plan, no placement."""
    if isinstance(stack_id, str):
        sql = sql_of(url)
        assert sql('SELECT id FROM plans WHERE stack_id = :s', s=stack_id) \
            == []


def sql_of(url):
    def sql(text, **params):
        engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
        try:
            with engine.connect() as conn:
                return [tuple(r) for r in conn.execute(sa.text(text), params)]
        finally:
            engine.dispose()
    return sql


def assert_alive_and_consistent(engine):
    _service, client, url = engine
    assert call(client, 'ping')['engine_id'] == 'fuzz-engine'
    assert cluster.problems(sql_of(url)) == []


def test_hypothesis_payloads(engine):
    _service, client, _url = engine

    @hypothesis.settings(max_examples=EXAMPLES, derandomize=True,
                         database=None, deadline=None,
                         suppress_health_check=list(hypothesis.HealthCheck),
                         phases=[hypothesis.Phase.explicit,
                                 hypothesis.Phase.generate])
    @hypothesis.given(rpc_calls())
    def run(method_kwargs):
        method, kwargs = method_kwargs
        outcome = call(client, method, **kwargs)
        assert_clean(method, kwargs, outcome)
        if method == 'create_plan' and isinstance(outcome, Exception):
            assert_not_stored(_url, kwargs.get('stack_id'))

    run()
    assert_alive_and_consistent(engine)


def server(flavor='m1.small', **props):
    return {'type': 'OS::Nova::Server',
            'properties': dict(props, flavor=flavor)}


def nested(depth):
    value = 'bottom'
    for _ in range(depth):
        value = {'x': [value]}
    return value


@pytest.mark.parametrize('name, kwargs', [
    # Deep nesting where the engine reads nested values: metadata, groups.
    ('deep metadata', {'resources': {'a': server(metadata=nested(400))}}),
    ('deep valet metadata', {'resources': {'a': server(
        metadata={'valet': nested(400)})}}),
    ('deep groups', {'resources': {'a': server()}, 'groups': nested(400)}),
    # Huge bodies: a 4 MiB name, 5 000 resources of nonsense, a
    # 2 MiB flavor name, oversized strings for columns of 255 characters.
    ('huge name', {'resources': {'a': server()}, 'plan_name': 'n' * 2 ** 22}),
    ('huge stack id', {'resources': {'a': server()}, 'stack_id': 's' * 5000}),
    ('huge member name', {'resources': {'m' * 5000: server()}}),
    ('huge flavor', {'resources': {'a': server(flavor='f' * 2 ** 21)}}),
    ('many junk resources', {'resources': {
        'r%d' % i: {'type': 'OS::Heat::None'} for i in range(5000)}}),
    ('too many servers', {'resources': {
        's%d' % i: server('m1.xlarge') for i in range(600)}}),
    ('huge group name', {'resources': {
        'g': {'type': 'OS::Valet::Group', 'properties': {
            'name': 'g' * 5000, 'type': 'affinity', 'level': 'host'}},
        'a': server(metadata={'valet': {'groups': ['g' * 5000]}})}}),
])
def test_hostile_plans(engine, name, kwargs):
    _service, client, _url = engine
    kwargs = dict({'plan_name': 'p', 'stack_id': 'hostile-%s' % uuid.uuid4(),
                   'resources': {}}, **kwargs)
    outcome = call(client, 'create_plan', **kwargs)
    assert_clean('create_plan', name, outcome)
    if isinstance(outcome, Exception):
        assert_not_stored(_url, kwargs['stack_id'])
    assert_alive_and_consistent(engine)


def test_unknown_methods_versions_and_contexts(engine):
    _service, client, _url = engine
    # Unknown method, unsupported version: a clear error, not a timeout.
    for outcome in (call(client, 'drop_everything'),
                    call(client, '_action', stack_id='x'),
                    call(client, 'ping', version='9.0')):
        assert isinstance(outcome, messaging.RemoteError), repr(outcome)
        assert outcome.exc_type in ('NoSuchMethod', 'UnsupportedVersion'), \
            outcome.exc_type
    # Garbage contexts (no serializer: the dict goes on the bus as is).
    raw = messaging.get_rpc_client(client.transport, client.target,
                                   timeout=TIMEOUT)
    for context in ({}, {'roles': 5}, {'project_id': ['x'] * 3},
                    {'request_id': {'a': 1}, 'roles': None},
                    {'is_admin': 'yes', 'user_id': 1e300}):
        try:
            outcome = raw.prepare(version='1.0').call(context, 'ping')
        except messaging.MessagingTimeout:
            raise AssertionError('no answer for context %r'
                                 % context) from None
        except Exception as e:
            outcome = e
        if isinstance(outcome, Exception):
            assert isinstance(outcome, (exception.ValetException,
                                        messaging.RemoteError)), repr(outcome)
    assert_alive_and_consistent(engine)
