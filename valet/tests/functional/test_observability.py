"""Observability end to end (real API app, real engine, in-process bus,
sqlite): one log line per decision, GET /v1/status with the engines'
heartbeats, GET /metrics parsed back with prometheus_client's parser."""
import datetime
import logging
import time
import uuid

from prometheus_client import parser
import pytest

from valet import allinone
from valet import context as valet_context
from valet.db import engines as db_engines
from valet.engine import heartbeat
from valet import exception
from valet.tests.functional import fixtures

LOGGER = 'valet.engine.telemetry'


def _server(**metadata):
    props = {'flavor': 'm1.small'}
    if metadata:
        props['metadata'] = metadata
    return {'type': 'OS::Nova::Server', 'properties': props}


def _plan(stack, names='ab'):
    return {'plan_name': stack, 'stack_id': stack,
            'resources': {n: _server() for n in names}}


# 5 servers in 4 racks: diversity at rack level cannot hold.
IMPOSSIBLE = {'plan_name': 'w', 'stack_id': 'w', 'resources': {
    'n%d' % i: _server(valet={'groups': ['r']}) for i in range(5)},
    'groups': {'r': {'type': 'diversity', 'level': 'rack'}}}


def _samples(text):
    """{(name, frozenset(labels)): value} of an exposition text."""
    found = {}
    for family in parser.text_string_to_metric_families(text):
        for sample in family.samples:
            found[sample.name, frozenset(sample.labels.items())] = \
                sample.value
    return found


def _value(samples, name, **labels):
    return samples.get((name, frozenset(labels.items())))


@pytest.fixture
def running(tmp_path):
    conf = fixtures.make_conf('sqlite:///%s' % (tmp_path / 'valet.sqlite'))
    conf.set_override('engine_id', 'e1', group='engine')
    # No periodic beat during a test: every write here is on purpose.
    conf.set_override('heartbeat_interval', 300, group='engine')
    with allinone.AllInOne(conf) as aio:
        yield aio


@pytest.fixture
def decision_log():
    """The records of the decision logger, whatever an earlier test did to
    logging (oslo.log's setup in an in-process command disables or
    re-levels existing loggers, so the root handler of caplog may see
    nothing)."""
    records = []
    handler = logging.Handler(logging.INFO)
    handler.emit = records.append
    logger = logging.getLogger(LOGGER)
    saved = (logger.level, logger.disabled, logger.propagate)
    logger.setLevel(logging.INFO)
    logger.disabled = False
    logger.propagate = False       # the records are collected here only
    logger.addHandler(handler)
    try:
        yield records
    finally:
        logger.removeHandler(handler)
        logger.level, logger.disabled, logger.propagate = saved


def test_one_log_line_per_decision(running, caplog, decision_log):
    manager = running.engine.manager
    ctx = valet_context.RequestContext(project_id='p1', roles=['member'],
                                       request_id='req-%s' % uuid.uuid4(),
                                       overwrite=False)
    caplog.set_level(logging.INFO)
    plan = _plan('s1')
    manager.create_plan(ctx, 's1', 's1', plan['resources'])
    manager.create_plan(ctx, 's1', 's1', plan['resources'])   # a retry
    with pytest.raises(exception.PlacementFailed):
        manager.create_plan(ctx, 'w', 'w', IMPOSSIBLE['resources'],
                            groups=IMPOSSIBLE['groups'])
    lines = [r.getMessage() for r in decision_log
             if r.levelno == logging.INFO]
    assert len(lines) == 3
    assert all(line.startswith('decision=create_plan request_id=%s '
                               % ctx.request_id) for line in lines)
    assert 'stack_id=s1 outcome=ok attempts=1 conflicts=0 members=2 ' \
           'hosts_considered=19' in lines[0]
    assert 'stack_id=s1 outcome=replayed attempts=0' in lines[1]
    assert 'stack_id=w outcome=failed code=diversity_unsatisfiable' \
        in lines[2]
    assert 'reason=r,rack,' in lines[2]
    # The engine logs nothing else at INFO about these decisions.
    others = [r.getMessage() for r in caplog.records
              if r.levelno == logging.INFO
              and r.name.startswith('valet.engine')
              and r.name != LOGGER]
    assert not [m for m in others if 's1' in m or ' w:' in m]


def test_metrics_count_what_happened(running):
    admin = fixtures.Client(running.app)
    member = admin.as_project('p1')
    assert member('POST', '/v1/plans', _plan('s1')).status_int == 201
    assert member('POST', '/v1/plans', _plan('s2', 'cd')).status_int == 201
    resp = member('POST', '/v1/plans', IMPOSSIBLE)
    assert resp.status_int == 409, resp.text
    assert member('GET', '/metrics').status_int == 403
    running.engine.heartbeat.beat()

    resp = admin('GET', '/metrics')
    assert resp.status_int == 200
    assert resp.content_type == 'text/plain'
    found = _samples(resp.text)
    assert _value(found, 'valet_decisions_total', engine_id='e1',
                  action='create_plan', outcome='ok') == 2
    assert _value(found, 'valet_decisions_total', engine_id='e1',
                  action='create_plan', outcome='failed') == 1
    assert _value(found, 'valet_placement_failures_total', engine_id='e1',
                  code='diversity_unsatisfiable') == 1
    assert _value(found, 'valet_decision_duration_seconds_count',
                  engine_id='e1', action='create_plan') == 3
    assert _value(found, 'valet_decision_duration_seconds_bucket',
                  engine_id='e1', action='create_plan', le='+Inf') == 3
    assert _value(found, 'valet_generation_conflicts_total',
                  engine_id='e1') == 0
    assert _value(found, 'valet_engine_up', engine_id='e1') == 1
    assert _value(found, 'valet_engine_hosts', engine_id='e1') == 19
    assert _value(found, 'valet_engine_generation_total',
                  engine_id='e1') == 2
    assert _value(found, 'valet_plans') == 2
    worker = {labels for name, labels in found
              if name == 'valet_api_requests_total'}
    by_status = {dict(labels)['status']: found[
        'valet_api_requests_total', labels] for labels in worker
        if dict(labels)['method'] == 'POST'}
    assert by_status == {'201': 2, '409': 1}


def test_heartbeat_follows_decisions(running):
    # valet-engine follows decisions on MySQL/PostgreSQL only (not on
    # sqlite): a second heartbeat on the same row shows the thread's path.
    beat = heartbeat.Heartbeat(running.engine.manager, running.db, 60)
    beat.start()
    client = fixtures.Client(running.app)
    assert client('POST', '/v1/plans', _plan('s1')).status_int == 201
    ctx = valet_context.get_admin_context()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        (row,) = db_engines.list_engines(running.db, ctx)
        if row['generation'] == 1:
            break
        time.sleep(0.1)
    beat.stop()
    assert row['generation'] == 1 and row['plans'] == 1
    assert row['metrics']['decisions'] == [
        {'action': 'create_plan', 'outcome': 'ok', 'count': 1}]
    assert row['metrics']['heartbeat_interval'] == 60


def test_status_lists_engines_and_flags_stale_ones(running):
    ctx = valet_context.get_admin_context()
    old = (datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
           - datetime.timedelta(minutes=30))
    db_engines.heartbeat(running.db, ctx, {
        'engine_id': 'gone', 'host': 'old-node', 'version': '0.9',
        'started_at': old, 'heartbeat_at': old, 'generation': 7,
        'hosts': 19, 'plans': 0, 'last_sync_at': None, 'metrics': {}})
    admin = fixtures.Client(running.app)
    status = admin('GET', '/v1/status').json['status']
    assert status['ostro']['engine_id'] == 'e1'
    engines = {e['engine_id']: e for e in status['engines']}
    assert engines['e1']['alive'] is True
    assert engines['gone']['alive'] is False
    assert engines['gone']['seconds_since_heartbeat'] >= 1800
    model = status['model']
    assert model['engines_alive'] == 1 and model['engines_stale'] == 1
    assert model['hosts'] == 19 and model['plans'] == 0
    assert model['generation'] == 0        # the stale engine's 7 not counted
    member = admin.as_project('p1', roles='member')
    status = member('GET', '/v1/status').json['status']
    assert 'engines' not in status and status['model'] == model
    found = _samples(admin('GET', '/metrics').text)
    assert _value(found, 'valet_engine_up', engine_id='gone') == 0
    assert _value(found, 'valet_engine_up', engine_id='e1') == 1


def test_public_metrics_need_no_policy(tmp_path):
    conf = fixtures.make_conf('sqlite:///%s' % (tmp_path / 'valet.sqlite'))
    conf.set_override('metrics_public', True, group='api')
    with allinone.AllInOne(conf) as aio:
        member = fixtures.Client(aio.app, project='p1', roles='member')
        resp = member('GET', '/metrics')
        assert resp.status_int == 200
        assert 'valet_engine_up{' in resp.text
        assert member('POST', '/metrics').status_int == 405
