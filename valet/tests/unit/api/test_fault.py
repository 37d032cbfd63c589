"""valet.api.fault: one JSON error body for every error."""
import json

import webob
import webob.exc

from valet.api import fault
from valet import exception
from valet.tests.unit.api.helpers import assert_error


def _wrapped(app):
    return webob.Request.blank('/x').get_response(fault.FaultWrapper(app))


def _respond(status, content_type, body, headers=()):
    def app(environ, start_response):
        start_response(status, [('Content-Type', content_type)]
                       + list(headers))
        return [body]
    return app


def test_plain_text_error_is_rewritten():
    # What webob renders for a middleware's HTTPException by default.
    resp = _wrapped(webob.exc.HTTPRequestEntityTooLarge(
        explanation='Too big, really.'))
    assert_error(resp, 413, 'request_entity_too_large', 'Too big, really.')


def test_foreign_json_error_is_rewritten():
    body = json.dumps({'error': {'code': 503, 'title': 'Service Unavailable',
                                 'message': 'Keystone is down'}}).encode()
    resp = _wrapped(_respond('503 Service Unavailable', 'application/json',
                             body, [('Retry-After', '5')]))
    body = assert_error(resp, 503, 'service_unavailable', 'Keystone is down')
    assert body['title'] == 'Service Unavailable'
    assert resp.headers['Retry-After'] == '5'


def test_401_is_left_alone():
    body = b'{"error": {"code": 401}}'
    resp = _wrapped(_respond('401 Unauthorized', 'application/json', body,
                             [('WWW-Authenticate', 'Keystone uri="x"')]))
    assert resp.status_int == 401
    assert resp.body == body


def test_success_and_own_errors_untouched():
    ok = _wrapped(_respond('200 OK', 'text/plain', b'OK'))
    assert ok.body == b'OK'
    own = fault.render(exception.GroupNotFound(group='g'))
    resp = _wrapped(own)
    assert resp.body == own.body


def test_exception_in_middleware_is_500():
    def app(environ, start_response):
        raise KeyError('nope')
    assert_error(_wrapped(app), 500, 'internal_error')


def test_render_reason():
    exc = exception.PlacementFailed(detail='no', reason={'code': 'x'})
    body = json.loads(fault.render(exc).body)
    assert body == {
        'title': 'Conflict', 'explanation': exc.message, 'code': 409,
        'error': {'message': exc.message, 'type': 'placement_failed',
                  'reason': {'code': 'x'}},
        'reason': {'code': 'x'}}
