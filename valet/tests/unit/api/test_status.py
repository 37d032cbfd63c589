"""GET / HEAD /v1/status."""
from valet import exception
from valet.tests.unit.api.helpers import assert_error
from valet.tests.unit.api.helpers import FakeEngineAPI
from valet.tests.unit.api.helpers import MEMBER


def test_status(client, engine):
    resp = client.get('/v1/status', **MEMBER)
    assert resp.status_int == 200
    status = resp.json['status']
    # The Valet 1.0 members, unchanged; the model summary is added and the
    # engines list is for admins only (no engine wrote a heartbeat here).
    assert status['ostro'] == FakeEngineAPI.PING
    assert status['database'] == {'status': 'ok'}
    assert status['model'] == {'engines_alive': 0, 'engines_stale': 0,
                               'hosts': None, 'plans': 0, 'generation': 0,
                               'last_sync_at': None}
    assert 'engines' not in status
    method, context, _ = engine.calls[0]
    assert method == 'ping'
    assert context.project_id == 'p1'
    assert context.roles == ['member']
    assert not context.is_admin


def test_status_head(client, engine):
    resp = client.request('HEAD', '/v1/status')
    assert resp.status_int == 204
    assert resp.body == b''
    assert [c[0] for c in engine.calls] == ['ping']


def test_engine_unavailable(client, engine):
    engine.failures['ping'] = exception.EngineUnavailable(
        detail='no answer to ping within the timeout (60)')
    body = assert_error(client.get('/v1/status'), 503, 'engine_unavailable',
                        'no answer to ping')
    assert body['title'] == 'Service Unavailable'
    assert 'reason' not in body


def test_engine_unavailable_head(client, engine):
    engine.failures['ping'] = exception.EngineUnavailable(detail='down')
    resp = client.request('HEAD', '/v1/status')
    assert resp.status_int == 503
    assert resp.body == b''


def test_database_unavailable(conf, engine, tmp_path):
    from valet.api import deploy
    from valet.db import api as db_api
    from valet.tests.unit.api.helpers import Client
    missing = tmp_path / 'no' / 'such' / 'dir' / 'valet.sqlite'
    db = db_api.Database('sqlite:///%s' % missing, max_retries=0)
    client = Client(deploy.make_app(conf, engine, db))
    assert_error(client.get('/v1/status'), 503, 'database_unavailable')


def test_engines_are_stale_after_three_of_their_own_intervals():
    import datetime
    from valet.api.handlers import status
    now = datetime.datetime(2026, 1, 1, 12, 0, 0)

    def row(engine_id, age, metrics):
        at = now - datetime.timedelta(seconds=age)
        return {'engine_id': engine_id, 'host': 'h', 'version': '1',
                'started_at': at, 'heartbeat_at': at, 'generation': 2,
                'hosts': 5, 'plans': 1, 'last_sync_at': None,
                'metrics': metrics}
    views = status.engine_views([
        row('fresh', 29, {}),                             # 3 x 10 s (API)
        row('late', 31, {}),
        row('slow', 500, {'heartbeat_interval': 200}),    # its own 3 x 200
    ], interval=10, now=now)
    assert [(v['engine_id'], v['alive']) for v in views] == [
        ('fresh', True), ('late', False), ('slow', True)]
    assert views[0]['heartbeat_at'] == '2026-01-01T11:59:31Z'
    model = status.model_summary(views, plans=4)
    assert model == {'engines_alive': 2, 'engines_stale': 1, 'hosts': 5,
                     'plans': 4, 'generation': 4, 'last_sync_at': None}


def test_engine_failure_wins_over_database_failure(conf, engine, tmp_path):
    # The ping and the database read run at once; the answer is the one
    # they gave when they ran one after the other.
    from valet.api import deploy
    from valet.db import api as db_api
    from valet.tests.unit.api.helpers import Client
    missing = tmp_path / 'no' / 'such' / 'dir' / 'valet.sqlite'
    db = db_api.Database('sqlite:///%s' % missing, max_retries=0)
    client = Client(deploy.make_app(conf, engine, db))
    engine.failures['ping'] = exception.EngineUnavailable(detail='down')
    assert_error(client.get('/v1/status'), 503, 'engine_unavailable',
                 'down')
    assert client.request('HEAD', '/v1/status').status_int == 503
