"""Every error leaves valet-api with the same JSON body (DESIGN §4)::

    {"title": "Not Found", "explanation": "...", "code": 404,
     "error": {"message": "...", "type": "not_found"}}

plus ``"reason"`` (at the top level and inside ``error``) for placement
failures that carry one.  keystonemiddleware's 401 is left as it is.
"""
import json
import re

from oslo_log import log as logging
import webob
import webob.exc

from valet import exception

LOG = logging.getLogger(__name__)

JSON = 'application/json'

# Seconds a client should wait before retrying after a 503.
RETRY_AFTER = 5

# Headers of a webob HTTP error worth keeping on the JSON response.
_KEPT_HEADERS = ('Allow', 'Location', 'Retry-After', 'WWW-Authenticate')


def _snake(title):
    return re.sub(r'[^a-z0-9]+', '_', title.lower()).strip('_')


def error_body(code, title, message, error_type, reason=None):
    body = {
        'title': title,
        'explanation': message,
        'code': code,
        'error': {'message': message, 'type': error_type},
    }
    if reason is not None:
        body['reason'] = reason
        body['error']['reason'] = reason
    return body


def json_response(code, body, headers=None):
    resp = webob.Response(status=code, content_type=JSON, charset=None)
    resp.body = json.dumps(body).encode('utf-8')
    for name, value in (headers or ()):
        resp.headers[name] = value
    return resp


def title(code):
    cls = webob.exc.status_map.get(code)
    return cls.title if cls else 'Error'


def render(exc, request_id=None):
    """A webob.Response for any exception, logging what deserves it."""
    if isinstance(exc, exception.ValetException):
        code = exc.code
        if code >= 500:
            LOG.warning('%s (%s): %s', exc.title, code, exc.message)
        else:
            LOG.info('%s (%s): %s', exc.title, code, exc.message)
        headers = ()
        if code == 503:
            # The engine or the database may be back soon: say when to retry.
            headers = [('Retry-After', str(RETRY_AFTER))]
        return json_response(code, error_body(code, exc.title, exc.message,
                                              exc.error_type, exc.reason),
                             headers)
    if isinstance(exc, webob.exc.HTTPException):
        code = exc.code
        message = exc.detail or exc.explanation or exc.title
        headers = [(k, v) for k, v in exc.headers.items()
                   if k in _KEPT_HEADERS]
        LOG.info('%s (%s): %s', exc.title, code, message)
        return json_response(code, error_body(code, exc.title, str(message),
                                              _snake(exc.title)), headers)
    LOG.exception('Unexpected error in valet-api (request %s)', request_id)
    message = ('An unexpected error occurred; the valet-api log has the '
               'details (request id %s).' % (request_id or '-'))
    return json_response(500, error_body(500, 'Internal Server Error',
                                         message, 'internal_error'))


def _is_ours(body):
    return (isinstance(body, dict)
            and {'title', 'explanation', 'code', 'error'} <= set(body)
            and isinstance(body['error'], dict) and 'type' in body['error'])


def _message_of(resp):
    """The human message of an error response some middleware produced."""
    text = resp.text if resp.charset else resp.body.decode('utf-8', 'replace')
    if resp.content_type == JSON:
        try:
            body = json.loads(text)
        except ValueError:
            return None
        if isinstance(body, dict):
            inner = body.get('error')
            if isinstance(inner, dict) and inner.get('message'):
                return str(inner['message'])
            if body.get('message'):
                return str(body['message'])
        return None
    if resp.content_type == 'text/plain':
        # webob's plain error page: "<status>\n\n<explanation>\n\n<detail>"
        parts = text.split('\n\n', 1)
        message = ' '.join((parts[1] if len(parts) > 1 else '').split())
        return message or None
    return None


def normalize(resp):
    """Rewrite an error response from a middleware into Valet's body."""
    if resp.status_code < 400 or resp.status_code == 401:
        return resp
    if resp.content_type == JSON:
        try:
            if _is_ours(json.loads(resp.body)):
                return resp
        except ValueError:
            pass
    code = resp.status_code
    name = title(code)
    message = _message_of(resp) or resp.status
    headers = [(k, v) for k, v in resp.headers.items() if k in _KEPT_HEADERS]
    return json_response(code, error_body(code, name, message, _snake(name)),
                         headers)


class FaultWrapper:
    """Middleware: errors of the middlewares it wraps become JSON bodies.

    Exceptions escaping the inner application become a 500 (with the
    traceback logged); error responses in another shape (webob's plain text
    or HTML pages, keystonemiddleware's 503) are rewritten.
    """

    def __init__(self, application):
        self.application = application

    def __call__(self, environ, start_response):
        req = webob.Request(environ)
        try:
            resp = req.get_response(self.application)
        except Exception as exc:  # noqa: BLE001 - the last line of defence
            resp = render(exc, environ.get('openstack.request_id'))
        else:
            resp = normalize(resp)
        return resp(environ, start_response)
