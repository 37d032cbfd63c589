"""GET / HEAD /v1/status."""
from valet import exception
from valet.tests.unit.api.helpers import assert_error
from valet.tests.unit.api.helpers import FakeEngineAPI
from valet.tests.unit.api.helpers import MEMBER


def test_status(client, engine):
    resp = client.get('/v1/status', **MEMBER)
    assert resp.status_int == 200
    assert resp.json == {'status': {'ostro': FakeEngineAPI.PING,
                                    'database': {'status': 'ok'}}}
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
