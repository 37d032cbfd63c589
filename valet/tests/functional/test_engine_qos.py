"""After a plan with pipes is decided, the engine hands the reservations to
the QoS driver; deleting the plan releases them. Real engine, sqlite, the
http driver against a controller on 127.0.0.1."""
import pytest

from valet import allinone
from valet.tests.functional import fixtures
from valet.tests.functional.test_plans import create, server
from valet.tests.unit.qos.test_drivers import controller  # noqa: F401


@pytest.fixture
def qos_client(tmp_path, controller):  # noqa: F811
    conf = fixtures.make_conf('sqlite:///%s' % (tmp_path / 'v.sqlite'))
    conf.set_override('driver', 'http', group='qos')
    conf.set_override('controller_url', controller.url, group='qos')
    with allinone.AllInOne(conf) as aio:
        yield fixtures.Client(aio.app), controller


def pipe(source, target, mbps):
    return {'name': '%s-%s' % (source, target), 'type': 'OS::Valet::Pipe',
            'properties': {'source': source, 'target': target,
                           'bandwidth_mbps': mbps}}


def test_pipes_are_reserved_with_their_locations_then_released(qos_client):
    client, ctl = qos_client
    resp = create(client, 'q', {'web': server('web'), 'db': server('db'),
                                'p': pipe('web', 'db', 300)})
    assert resp.status_int == 201, resp.text
    plan = resp.json['plan']
    path = '/qos/reservations/%s' % plan['id']
    body = ctl.reserved[path]
    assert body['plan_id'] == plan['id']
    (reserved,) = body['pipes']
    assert (reserved['source'], reserved['target'],
            reserved['bandwidth_mbps']) == ('web', 'db', 300)
    assert reserved['source_location'] == plan['placements']['web']['location']
    assert reserved['target_location'] == plan['placements']['db']['location']

    assert client('DELETE', '/v1/plans/q').status_int == 204
    assert path not in ctl.reserved
    assert ('DELETE', path, None, None) in ctl.requests


def test_plan_without_pipes_reserves_nothing(qos_client):
    client, ctl = qos_client
    assert create(client, 'n', {'a': server('a')}).status_int == 201
    assert ctl.requests == []


def test_a_failing_controller_does_not_undo_the_placement(qos_client):
    client, ctl = qos_client
    ctl.fail = True
    resp = create(client, 'f', {'web': server('web'), 'db': server('db'),
                                'p': pipe('web', 'db', 100)})
    assert resp.status_int == 201, resp.text
    assert [r[0] for r in ctl.requests] == ['PUT']
    assert client('GET', '/v1/plans/f').status_int == 200
