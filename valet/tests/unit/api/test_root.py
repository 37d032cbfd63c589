"""Version discovery, routing, automatic 405/OPTIONS, errors, middleware."""
import io
import re

import webob

from valet.api import handler
from valet.tests.unit.api.helpers import assert_error


def test_versions(client):
    resp = client.get('/')
    assert resp.status_int == 200
    assert resp.content_type == 'application/json'
    assert resp.json == {'versions': [{
        'status': 'CURRENT', 'id': 'v1.0',
        'links': [{'href': 'http://localhost/v1/', 'rel': 'self'}]}]}


def test_versions_use_forwarded_host(client):
    resp = client.get('/', headers={'X-Forwarded-Proto': 'https',
                                    'X-Forwarded-Host': 'valet.example.com'})
    href = resp.json['versions'][0]['links'][0]['href']
    # [oslo_middleware] enable_proxy_headers_parsing is off by default.
    assert href == 'http://localhost/v1/'


def test_versions_behind_proxy(conf, engine, db):
    from valet.api import deploy
    from valet.tests.unit.api.helpers import Client
    client = Client(deploy.make_app(conf, engine, db))
    # Registered by make_app; read on every request.
    conf.set_override('enable_proxy_headers_parsing', True,
                      group='oslo_middleware')
    resp = client.get('/', headers={'X-Forwarded-Proto': 'https',
                                    'X-Forwarded-Host': 'valet.example.com'})
    href = resp.json['versions'][0]['links'][0]['href']
    assert href == 'https://valet.example.com/v1/'


def test_v1(client):
    for path in ('/v1', '/v1/'):
        resp = client.get(path)
        assert resp.status_int == 200
        version = resp.json['versions'][0]
        assert version['id'] == 'v1.0'
        rels = {link['rel']: link['href'] for link in version['links']}
        assert rels == {
            'self': 'http://localhost/v1/',
            'groups': 'http://localhost/v1/groups/',
            'placements': 'http://localhost/v1/placements/',
            'plans': 'http://localhost/v1/plans/',
            'status': 'http://localhost/v1/status/',
        }


def test_request_id_header(client):
    for path in ('/', '/v1/nothing', '/v1/status'):
        resp = client.get(path)
        assert resp.headers['x-openstack-request-id'].startswith('req-')


def test_request_id_reaches_context(client, engine):
    resp = client.get('/v1/status')
    context = engine.calls[0][1]
    assert context.request_id == resp.headers['x-openstack-request-id']


def test_unknown_path_is_json_404(client):
    body = assert_error(client.get('/v2/nothing'), 404, 'not_found')
    assert '/v2/nothing' in body['error']['message']
    assert body['title'] == 'Not Found'


def test_405_with_allow(client):
    resp = client.request('PUT', '/v1/plans')
    assert_error(resp, 405, 'method_not_allowed', 'PUT')
    assert resp.headers['Allow'] == 'GET, POST'
    resp = client.request('POST', '/')
    assert_error(resp, 405, 'method_not_allowed')
    assert resp.headers['Allow'] == 'GET'
    resp = client.request('PATCH', '/v1/status')
    assert resp.headers['Allow'] == 'GET, HEAD'


def test_options(client):
    for path, allow in (('/v1/plans', 'GET, POST'),
                        ('/v1/plans/abc', 'GET, PUT, DELETE'),
                        ('/v1/groups/', 'GET, POST'),
                        ('/', 'GET')):
        resp = client.request('OPTIONS', path)
        assert resp.status_int == 204, path
        assert resp.headers['Allow'] == allow
        assert resp.body == b''
        assert 'Content-Type' not in resp.headers


def test_every_route_has_a_405():
    mapper = handler.make_map(handler.ROUTE_DECLARATIONS)
    for path, methods in handler.ROUTE_DECLARATIONS.items():
        concrete = re.sub(r'{[a-z_]+}', 'x', path)
        result = mapper.match(environ={'PATH_INFO': concrete,
                                       'REQUEST_METHOD': 'TRACE'})
        assert result['action'] is handler.handle_405
        assert result['_methods'] == ', '.join(methods)


def test_unexpected_exception_is_json_500(client, engine, caplog):
    engine.failures['ping'] = RuntimeError('boom: secret detail')
    resp = client.get('/v1/status')
    body = assert_error(resp, 500, 'internal_error')
    assert 'secret detail' not in resp.text
    assert resp.headers['x-openstack-request-id'] in body['error']['message']
    assert 'boom: secret detail' in caplog.text


def test_body_too_large(client):
    resp = client.post('/v1/groups', body={'name': 'g', 'type': 'affinity',
                                           'level': 'host',
                                           'description': 'x' * 5000})
    assert_error(resp, 413, 'request_entity_too_large',
                 'larger than the limit of 4096 bytes')


def test_body_too_large_chunked(client):
    # No Content-Length: the limiter counts what the handler reads.
    req = webob.Request.blank('/v1/groups', method='POST',
                              content_type='application/json')
    req.environ['wsgi.input'] = io.BytesIO(
        b'{"name": "' + b'x' * 5000 + b'"}')
    req.environ['wsgi.input_terminated'] = True
    req.environ.pop('CONTENT_LENGTH', None)
    resp = req.get_response(client.app)
    assert_error(resp, 413, 'request_entity_too_large')


def test_healthcheck(client):
    resp = client.get('/healthcheck')
    assert resp.status_int == 200
    assert resp.headers['x-openstack-request-id']


def test_content_type_json(client):
    for path in ('/', '/v1', '/v1/status', '/v1/groups', '/nothing'):
        resp = client.get(path)
        assert resp.headers['Content-Type'] == 'application/json', path


def test_cors(conf, engine, db):
    from oslo_middleware import cors
    from valet.api import deploy
    from valet.tests.unit.api.helpers import Client
    conf.register_opts(cors.CORS_OPTS, 'cors')
    conf.set_override('allowed_origin', ['https://dashboard.example.com'],
                      group='cors')
    client = Client(deploy.make_app(conf, engine, db))
    resp = client.get('/', headers={
        'Origin': 'https://dashboard.example.com'})
    assert resp.headers['Access-Control-Allow-Origin'] == \
        'https://dashboard.example.com'


def test_no_cors_by_default(client):
    resp = client.get('/', headers={'Origin': 'https://evil.example.com'})
    assert 'Access-Control-Allow-Origin' not in resp.headers
