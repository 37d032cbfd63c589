"""Faults that a services-mode Valet must survive, done for real on
127.0.0.1 (issue #8): RabbitMQ stopped and started, the database server
stopped and started, ``kill -9`` of an engine in the middle of decisions.

One cluster for the module (valet.tests.cluster): two valet-engine
processes on one topic, one valet-api, PostgreSQL underneath.  After each
fault the database must be consistent (every host's usage equals the sum
of its placements, no capacity exceeded).  Last, the logs of all of it,
at debug level, must hold no password and no token.

RabbitMQ and PostgreSQL are shared by everything on the machine: each
outage lasts a few seconds, and the service is always started again
(finally) and reachable before the test goes on.
"""
import concurrent.futures
import functools
import os
import socket
import subprocess
import time
import uuid

import oslo_messaging as messaging
import pytest
import sqlalchemy as sa

from valet import exception
from valet.tests import base_services
from valet.tests import cluster as valet_cluster

ENGINE_TIMEOUT = 5          # [api] engine_timeout: the bound of a call
RABBIT_OUTAGE = 6           # longest the broker stays stopped
KILL_TIMEOUT = 6            # how long a call to the killed engine waits


SECRETS = {}


@pytest.fixture(scope='module')
def c(tmp_path_factory):
    """The module's cluster, with credentials that must never be logged:
    a RabbitMQ user of its own with a unique password, a password in the
    database URL (PostgreSQL trusts 127.0.0.1 and ignores it), debug on."""
    base_services.require_service('rabbitmq')
    user = 'valet-faults-%s' % uuid.uuid4().hex[:8]
    SECRETS.update(mq='mq-%s' % uuid.uuid4().hex, db='db-%s' % uuid.uuid4().hex,
                   token='tok-%s' % uuid.uuid4().hex)
    # Reconnection attempts at most 2 s apart (oslo.messaging's default
    # backs off to 30 s), so the test waits little after the broker is back.
    options = {('api', 'engine_timeout'): ENGINE_TIMEOUT,
               ('oslo_messaging_rabbit', 'rabbit_interval_max'): 2}
    rabbitmqctl('add_user', user, SECRETS['mq'])
    try:
        rabbitmqctl('set_permissions', '-p', '/', user, '.*', '.*', '.*')
        with base_services.temporary_database('postgresql') as url:
            db_url = sa.engine.make_url(url).set(
                password=SECRETS['db']).render_as_string(hide_password=False)
            with valet_cluster.Cluster(
                    tmp_path_factory.mktemp('faults'), db_url=db_url,
                    transport_url='rabbit://%s:%s@127.0.0.1:5672/'
                    % (user, SECRETS['mq']),
                    options=options, debug=True) as c:
                c.start(engines=2, apis=1)
                yield c
                if os.environ.get('VALET_TEST_SHOW_LOGS'):
                    print(c.logs())
    finally:
        rabbitmqctl('delete_user', user)


def plan(stack_id, servers=1, flavor='m1.small'):
    return {'plan_name': stack_id, 'stack_id': stack_id, 'resources': {
        '%s-%d' % (stack_id, n): {'type': 'OS::Nova::Server',
                                  'properties': {'flavor': flavor}}
        for n in range(servers)}}


def eventually(call, accept, timeout=60):
    end = time.monotonic() + timeout
    while True:
        answer = call()
        if accept(answer) or time.monotonic() > end:
            return answer
        time.sleep(0.5)


def timed(call, *args, **kwargs):
    start = time.monotonic()
    answer = call(*args, **kwargs)
    return answer, time.monotonic() - start


def assert_retriable(name, code, body):
    """A 503 with the usual error body, which says what is missing."""
    assert code == 503, (name, code, body)
    assert body['error']['type'] and body['explanation'], (name, body)


def wait_port(port, timeout=60):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            socket.create_connection(('127.0.0.1', port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError('nothing listens on port %d' % port)


# -- RabbitMQ ----------------------------------------------------------------

def rabbitmqctl(*args):
    subprocess.run(['rabbitmqctl', *args], check=True, capture_output=True,
                   timeout=60)


def test_rabbitmq_stop_and_start(c):
    """Calls in flight and new calls answer in bounded time (done, or a
    retriable 503; never a 500 or a hang); afterwards API and engines
    reconnect by themselves."""
    code, body = c.http('POST', '/v1/plans', plan('mq-before'))
    assert code == 201, body

    pool = concurrent.futures.ThreadPoolExecutor(3)
    try:
        in_flight = pool.submit(timed, c.http, 'POST', '/v1/plans',
                                plan('mq-during'), timeout=60)
        try:
            rabbitmqctl('stop_app')
            stopped = time.monotonic()
            status = pool.submit(timed, c.http, 'GET', '/v1/status',
                                 timeout=60)
            create = pool.submit(timed, c.http, 'POST', '/v1/plans',
                                 plan('mq-outage'), timeout=60)
            concurrent.futures.wait(
                [in_flight, status, create],
                timeout=max(0, RABBIT_OUTAGE - (time.monotonic() - stopped)))
        finally:
            rabbitmqctl('start_app')
        base_services.require_service('rabbitmq')
        answers = {name: f.result(timeout=60) for name, f in (
            ('in_flight', in_flight), ('status', status), ('create', create))}
    finally:
        pool.shutdown(wait=False, cancel_futures=True)

    for name, ((code, body), seconds) in answers.items():
        if code not in (200, 201):
            assert_retriable(name, code, body)
        assert seconds < ENGINE_TIMEOUT + 10, (name, seconds)
    # The calls made while the broker was away saw it.
    assert 503 in (answers['status'][0][0], answers['create'][0][0]), answers

    # Back: the API and both engines reconnect without a restart.
    code, body = eventually(lambda: c.http('GET', '/v1/status'),
                            lambda a: a[0] == 200)
    assert code == 200, body
    for proc in c.engines:
        c.wait_engine(proc, timeout=60)
    code, body = eventually(lambda: c.http('POST', '/v1/plans',
                                           plan('mq-after')),
                            lambda a: a[0] != 503)
    assert code == 201, body
    assert all(p.alive() for p in c.engines + c.apis)

    # A 503'd create either did not happen or happened whole.
    for stack_id in ('mq-during', 'mq-outage'):
        code, body = c.http('GET', '/v1/plans/%s' % stack_id)
        assert code in (200, 404), body
        if code == 200:
            assert len(body['plan']['placements']) == 1
        else:
            code, body = c.http('POST', '/v1/plans', plan(stack_id))
            assert code == 201, body
    assert c.problems() == []


# -- the database server -----------------------------------------------------

def pg_ctl(action):
    version = sorted(os.listdir('/etc/postgresql'))[-1]
    args = ['pg_ctlcluster', '--skip-systemctl-redirect', version, 'main',
            action]
    if action == 'stop':
        args += ['--', '-m', 'fast']     # do not wait for our clients
    subprocess.run(args, check=True, capture_output=True, timeout=60)


def test_database_outage(c):
    """The API answers 503 meanwhile; afterwards API and engines use the
    server again without a restart, and nothing stored is lost."""
    code, body = c.http('POST', '/v1/plans', plan('db-before'))
    assert code == 201, body
    before = body['plan']

    answers = {}
    try:
        pg_ctl('stop')
        for name, args in (
                ('list', ('GET', '/v1/plans')),
                ('show', ('GET', '/v1/plans/db-before')),
                ('create', ('POST', '/v1/plans', plan('db-outage'))),
                ('delete', ('DELETE', '/v1/plans/db-before')),
                ('status', ('GET', '/v1/status'))):
            answers[name] = timed(c.http, *args, timeout=60)
    finally:
        pg_ctl('start')
        wait_port(5432)
    base_services.require_service('postgresql')

    for name, ((code, body), seconds) in answers.items():
        assert_retriable(name, code, body)
        assert seconds < ENGINE_TIMEOUT + 10, (name, seconds)
    assert all(p.alive() for p in c.engines + c.apis)

    # Both engines decide again (each pool reconnects by itself).
    for n, proc in enumerate(c.engines):
        cctxt = c.rpc().client.prepare(server=proc.name, version='1.0')
        answer = eventually(
            functools.partial(_call_or_error, cctxt, 'create_plan',
                              **plan('db-after-%d' % n)),
            lambda a: not isinstance(a, exception.DatabaseUnavailable))
        assert isinstance(answer, dict), answer
    code, body = c.http('GET', '/v1/plans/db-before')
    assert code == 200 and body['plan'] == before
    # What failed during the outage did not happen at all.
    code, body = c.http('GET', '/v1/plans/db-outage')
    assert code == 404, body
    code, body = eventually(lambda: c.http('GET', '/v1/status'),
                            lambda a: a[0] == 200)
    assert code == 200, body
    assert c.problems() == []


def _call_or_error(cctxt, method, **kwargs):
    try:
        return cctxt.call(valet_cluster.Cluster.context(), method, **kwargs)
    except exception.ValetException as e:
        return e


# -- kill -9 of an engine mid-decision ---------------------------------------

CALLS_PER_ENGINE = 3
SERVERS = 3


def waiting_on_locks(c):
    """How many sessions on the cluster's database wait for a lock."""
    return c.sql("SELECT count(*) FROM pg_stat_activity WHERE datname = "
                 ":db AND wait_event_type = 'Lock'",
                 db=sa.engine.make_url(c.db_url).database)[0][0]


def test_kill_9_mid_decision(c):
    """A burst of create_plan calls on both engines; engine-1 is SIGKILLed
    while its commits are in flight.  Deterministic: another connection
    holds a lock on every host row, so both engines' commits block inside
    their transaction until the database shows both waiting; then engine-1
    is killed and the lock released.  Nothing of engine-1's decisions may
    be written, no capacity may leak, and retries with the same request ids
    are answered by engine-2, each booked exactly once."""
    api = c.rpc(timeout=KILL_TIMEOUT)
    victim, survivor = c.engines[0], c.engines[1]
    calls = {}      # stack id -> (engine it is sent to, context)
    for proc in (victim, survivor):
        for _ in range(CALLS_PER_ENGINE):
            calls['kill-%d' % len(calls)] = (proc.name, c.context())
    decided = c.ping(survivor.name)['generation']

    def send(stack_id):
        engine, ctx = calls[stack_id]
        cctxt = api.client.prepare(server=engine, version='1.0',
                                   timeout=KILL_TIMEOUT)
        try:
            return cctxt.call(ctx, 'create_plan',
                              **plan(stack_id, SERVERS, 'm1.medium'))
        except messaging.MessagingTimeout as e:
            return e

    lock = sa.create_engine(c.db_url, poolclass=sa.pool.NullPool)
    holder = lock.connect()
    pool = concurrent.futures.ThreadPoolExecutor(len(calls))
    try:
        tx = holder.begin()
        holder.execute(sa.text('SELECT id FROM hosts FOR UPDATE'))
        futures = {s: pool.submit(send, s) for s in sorted(calls)}
        # Each engine serialises its decisions: one commit each blocks.
        end = time.monotonic() + 30
        while waiting_on_locks(c) < 2:
            assert time.monotonic() < end, 'the engines never blocked'
            time.sleep(0.1)
        c.kill(victim)
        tx.rollback()
        first = {s: f.result(timeout=KILL_TIMEOUT + 30)
                 for s, f in futures.items()}
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
        holder.close()
        lock.dispose()

    lost = sorted(s for s, r in first.items()
                  if isinstance(r, messaging.MessagingTimeout))
    # The victim had its calls in flight (one blocked in the commit, the
    # rest queued behind its decision lock): none of them was answered.
    assert lost == sorted(s for s, (e, _) in calls.items()
                          if e == victim.name), first
    # ... and nothing of them reached the database.
    stored = {r[0] for r in c.sql('SELECT stack_id FROM plans')}
    assert not stored & set(lost)
    assert c.problems() == []

    # Every call retried with its own request id through the topic:
    # the survivor answers the lost ones and replays the others.
    for stack_id, (_, ctx) in sorted(calls.items()):
        request = plan(stack_id, SERVERS, 'm1.medium')
        answer = api.create_plan(ctx, **request)
        assert len(answer['placements']) == SERVERS
        if stack_id not in lost:
            assert answer == first[stack_id]
        assert api.create_plan(ctx, **request) == answer

    # Booked once each: every plan complete, usage = placements.
    rows = dict(c.sql('SELECT p.stack_id, count(*) FROM plans p JOIN '
                      'placements x ON x.plan_id = p.id GROUP BY p.stack_id'))
    assert {s: rows.get(s) for s in calls} == {s: SERVERS for s in calls}
    assert c.problems() == []
    assert c.ping(survivor.name)['generation'] - decided == len(calls)

    # A new request id for an existing stack is a clear error.
    with pytest.raises(exception.PlanExists) as exists:
        api.create_plan(c.context(), **plan('kill-0', SERVERS, 'm1.medium'))
    assert exists.value.code == 409


# -- credentials -------------------------------------------------------------

def test_credentials_never_reach_the_logs(c):
    """After all of the above (outages, reconnections, a killed engine),
    at debug level: no RabbitMQ or database password, no client token."""
    auth = {'X-Auth-Token': SECRETS['token']}
    assert c.http('POST', '/v1/plans', plan('cred'), headers=auth)[0] == 201
    bad = plan('cred-bad', flavor='nope')
    assert c.http('POST', '/v1/plans', bad, headers=auth)[0] == 400
    assert c.http('GET', '/v1/plans/cred-none', headers=auth)[0] == 404
    assert c.http('DELETE', '/v1/plans/cred', headers=auth)[0] == 204
    logs = c.logs()
    # The logs are there, at debug level, and cover the calls above.
    assert 'DEBUG' in logs and 'create_plan' in logs, logs[-3000:]
    for name, secret in SECRETS.items():
        assert secret not in logs, name
