"""OpenStack-API-Version: parsing, negotiation, headers on every answer."""
import pytest

from valet.api import microversion
from valet.tests.unit.api.helpers import assert_error

HEADER = 'OpenStack-API-Version'


@pytest.mark.parametrize('value, expected', [
    (None, '1.0'),
    ('placement-optimizer 1.0', '1.0'),
    ('placement-optimizer 1.1', '1.1'),
    ('placement-optimizer latest', str(microversion.MAX_VERSION)),
    ('compute 2.90, placement-optimizer 1.1', '1.1'),
    ('PLACEMENT-OPTIMIZER 1.1', '1.1'),
    ('compute 2.1', '1.0'),               # not ours: the default
])
def test_negotiation(value, expected):
    environ = {'HTTP_OPENSTACK_API_VERSION': value} if value else {}
    assert str(microversion.from_environ(environ)) == expected


def test_version_compare():
    v = microversion.Version.parse('1.10')
    assert v > microversion.Version.parse('1.9')
    assert v.matches('1.1') and not v.matches('1.0', '1.9')
    for bad in ('1', '1.', 'a.b', '01.1', '1.01', ''):
        with pytest.raises(ValueError):
            microversion.Version.parse(bad)


def test_every_response_carries_the_version(client):
    for path in ('/', '/v1', '/v1/groups', '/v1/nope'):
        resp = client.get(path)
        assert resp.headers[HEADER] == 'placement-optimizer 1.0', path
        assert HEADER in resp.headers['Vary']
    resp = client.get('/v1/plans/nope',
                      headers={HEADER: 'placement-optimizer 1.1'})
    assert resp.status_int == 404
    assert resp.headers[HEADER] == 'placement-optimizer 1.1'


def test_unsupported_version_is_406(client, engine):
    resp = client.get('/v1/status',
                      headers={HEADER: 'placement-optimizer 1.99'})
    body = assert_error(resp, 406, 'invalid_version', 'maximum is 1.1')
    assert body['title'] == 'Not Acceptable'
    assert resp.headers[HEADER] == 'placement-optimizer 1.0'
    assert resp.headers['x-openstack-request-id']
    assert engine.calls == []
    assert_error(client.get('/', headers={HEADER: 'placement-optimizer 0.9'}),
                 406, 'invalid_version')


def test_malformed_version_is_400(client):
    assert_error(client.get('/v1', headers={
        HEADER: 'placement-optimizer one'}), 400, 'invalid_version',
        'placement-optimizer <major>.<minor>')


def test_root_shape_per_version(client):
    # 1.0: exactly DESIGN §4.
    assert set(client.get('/').json['versions'][0]) == \
        {'status', 'id', 'links'}
    version = client.get('/', headers={
        HEADER: 'placement-optimizer 1.1'}).json['versions'][0]
    assert version['min_version'] == '1.0'
    assert version['max_version'] == str(microversion.MAX_VERSION)
