"""The engine's RPC path over a real RabbitMQ on 127.0.0.1."""
import threading
import uuid

import pytest

from valet import context as valet_context
from valet.db import api as db_api
from valet.db import migration
from valet.engine import rpcapi
from valet.engine import service as engine_service
from valet import exception
from valet import rpc
from valet.tests import base_services
from valet.tests.functional import fixtures
from valet.tests.functional.test_plans import group, server, three_tier
from valet.tests import rules

RABBIT_URL = 'rabbit://guest:guest@127.0.0.1:5672/'


@pytest.fixture
def engine_over_rabbit(tmp_path):
    base_services.require_service('rabbitmq')
    url = 'sqlite:///%s' % (tmp_path / 'valet.sqlite')
    conf = fixtures.make_conf(url)
    migration.upgrade(url)
    db = db_api.Database.from_conf(conf)
    server_transport = rpc.get_transport(conf, url=RABBIT_URL)
    engine = engine_service.EngineService(conf, transport=server_transport,
                                          db=db, engine_id='rabbit-engine')
    engine.start()
    client_transport = rpc.get_transport(conf, url=RABBIT_URL)
    api = rpcapi.EngineAPI(conf, client_transport, timeout=30)
    api.manager = engine.manager     # for the tests that hold its lock
    try:
        yield api
    finally:
        engine.stop()
        client_transport.cleanup()
        server_transport.cleanup()
        db.dispose()


def ctx():
    return valet_context.RequestContext(project_id='p1', roles=['member'],
                                        request_id='req-%s' % uuid.uuid4())


def test_ping_over_rabbitmq(engine_over_rabbit):
    answer = engine_over_rabbit.ping(ctx())
    assert answer['engine_id'] == 'rabbit-engine'
    assert answer['hosts'] > 0


def test_create_and_delete_plan_over_rabbitmq(engine_over_rabbit):
    plan = engine_over_rabbit.create_plan(ctx(), 'tt', 'stack-r', three_tier())
    p = plan['placements']
    rules.assert_diversity(p, ['web-1', 'web-2', 'web-3'], 'host')
    rules.assert_diversity(p, ['db-1', 'db-2'], 'rack')
    rules.assert_affinity(p, ['app-1', 'app-2'], 'rack')
    assert engine_over_rabbit.delete_plan(ctx(), 'stack-r') is None
    with pytest.raises(exception.PlanNotFound):
        engine_over_rabbit.delete_plan(ctx(), 'stack-r')


def test_errors_keep_class_and_reason_across_the_bus(engine_over_rabbit):
    with pytest.raises(exception.Invalid) as bad:
        engine_over_rabbit.create_plan(ctx(), 'x', 'bad',
                                       {'a': server('a', flavor='m1.nope')})
    assert bad.value.code == 400
    assert 'flavor' in str(bad.value)

    res = {'g': group('wide', 'diversity', 'host')}
    for i in range(500):
        res['s%d' % i] = server('s%d' % i, 'm1.tiny', ['wide'])
    with pytest.raises(exception.PlacementFailed) as failed:
        engine_over_rabbit.create_plan(ctx(), 'x', 'wide', res)
    assert failed.value.code == 409
    assert failed.value.reason['group'] == 'wide'
    assert failed.value.reason['hosts_considered'] > 0


def test_timeout_becomes_engine_unavailable(tmp_path):
    base_services.require_service('rabbitmq')
    conf = fixtures.make_conf('sqlite://')
    transport = rpc.get_transport(conf, url=RABBIT_URL)
    try:
        api = rpcapi.EngineAPI(conf, transport, timeout=1)
        with pytest.raises(exception.EngineUnavailable) as err:
            api.ping(ctx())   # nobody listens on this fresh topic
        assert err.value.code == 503
    finally:
        transport.cleanup()


def test_ping_is_answered_while_a_decision_waits(engine_over_rabbit):
    """The query lane (rpcapi 1.4): with the engine's one decision worker
    ([engine] rpc_workers = 1) stuck in a plan, a ping still answers."""
    api = engine_over_rabbit
    manager = api.manager
    assert api.client.can_send_version(rpcapi.QUERY_LANE_VERSION)
    result = {}
    with manager._lock:          # the decision cannot go on
        plan = threading.Thread(target=lambda: result.update(
            plan=api.create_plan(ctx(), 'tt', 'stack-lane', three_tier())))
        plan.start()
        # The plan is taken by the engine's only worker and waits.
        answer = api.ping(ctx())
        assert answer['engine_id'] == 'rabbit-engine'
        assert plan.is_alive(), 'the plan should still be waiting'
    plan.join(30)
    assert not plan.is_alive()
    rules.assert_diversity(result['plan']['placements'],
                           ['web-1', 'web-2', 'web-3'], 'host')
