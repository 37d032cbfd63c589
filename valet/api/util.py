"""Helpers shared by the handlers: JSON in and out, request accessors."""
from concurrent import futures
import dataclasses
import functools
import json

import jsonschema
from jsonschema import exceptions as js_exc
import webob
import webob.exc

from valet import exception

# WSGI environ keys set by the middleware (valet.api.deploy).
ENV_CONTEXT = 'valet.context'
ENV_SERVICES = 'valet.services'

JSON = 'application/json'

# Longest schema error message returned to the client.
MAX_MESSAGE = 500
# Threads of Services.background (per application).
BACKGROUND_THREADS = 16


@dataclasses.dataclass(frozen=True)
class Services:
    """What the handlers work with, passed down through the environ.

    ``engine_api`` is a valet.engine.rpcapi.EngineAPI (or anything with its
    methods), ``db`` a valet.db.api.Database, ``enforcer`` an
    oslo_policy Enforcer from valet.policies.enforcer.get_enforcer;
    ``background`` runs what a handler waits for beside its own work (its
    threads start on first use).
    """
    conf: object
    engine_api: object
    db: object
    enforcer: object
    background: futures.Executor = dataclasses.field(
        default_factory=lambda: futures.ThreadPoolExecutor(
            BACKGROUND_THREADS, thread_name_prefix='valet-api-background'))


def context(req):
    """The valet.context.RequestContext of the request."""
    return req.environ[ENV_CONTEXT]


def services(req):
    return req.environ[ENV_SERVICES]


def wsgi_path_item(environ, name):
    """A named part of the matched route, or None."""
    try:
        return environ['wsgiorg.routing_args'][1][name]
    except (KeyError, IndexError):
        return None


def handler(func):
    """Turn ``func(req) -> webob.Response`` into a WSGI application.

    Unlike webob.dec.wsgify, exceptions (ValetException and webob HTTP
    errors alike) propagate to valet.api.handler, which renders every error
    with the same JSON body.
    """
    @functools.wraps(func)
    def app(environ, start_response):
        req = webob.Request(environ)
        resp = func(req)
        return resp(environ, start_response)
    app.wrapped = func
    return app


def json_response(body, status=200, headers=None):
    resp = webob.Response(status=status, content_type=JSON, charset=None)
    resp.body = json.dumps(body).encode('utf-8')
    for name, value in (headers or {}).items():
        resp.headers[name] = value
    return resp


def no_content(headers=None):
    resp = webob.Response(status=204, content_type=None)
    for name, value in (headers or {}).items():
        resp.headers[name] = value
    return resp


def _path(error):
    """'resources.web-1.type' for an error at that place in the body."""
    parts = [str(p) for p in error.absolute_path]
    if error.validator == 'required':
        # The error sits on the parent object; name the missing property.
        for prop in error.validator_value:
            if repr(prop) in error.message and prop not in error.instance:
                parts.append(prop)
                break
    elif error.validator == 'additionalProperties' and \
            isinstance(error.instance, dict):
        props = error.schema.get('properties', {})
        patterns = error.schema.get('patternProperties', {})
        extra = sorted(p for p in error.instance if p not in props
                       and not patterns)
        if len(extra) == 1:
            parts.append(extra[0])
    return '.'.join(parts)


# id(schema) -> (schema, validator): the schemas are module constants, so
# each validator (its class lookup, meta-schema and format checker) is built
# once per process instead of once per request.
_VALIDATORS = {}


def _validator(schema):
    cached = _VALIDATORS.get(id(schema))
    if cached is not None and cached[0] is schema:
        return cached[1]
    validator_cls = jsonschema.validators.validator_for(schema)
    validator = validator_cls(schema,
                              format_checker=validator_cls.FORMAT_CHECKER)
    _VALIDATORS[id(schema)] = (schema, validator)
    return validator


def validate(body, schema, where='request body'):
    """Validate ``body`` against a JSON Schema; raise Invalid (400) naming
    the field: ``"level: 'shelf' is not one of ['host', 'rack', 'zone']"``.
    """
    validator = _validator(schema)
    # best_match prefers the shallowest error and descends into
    # anyOf/oneOf, so the message names the field the client got wrong.
    error = js_exc.best_match(validator.iter_errors(body))
    if error is None:
        return body
    message = error.message
    if len(message) > MAX_MESSAGE:
        # The message quotes the offending value, which may be huge.
        message = message[:MAX_MESSAGE - 3] + '...'
    raise exception.Invalid('%s: %s' % (_path(error) or where, message))


def extract_json(req, schema):
    """The request's JSON body, validated against ``schema``."""
    content_type = req.content_type
    if content_type and content_type != JSON and \
            not content_type.endswith('+json'):
        raise webob.exc.HTTPUnsupportedMediaType(
            'The media type %s is not supported, use %s.'
            % (content_type, JSON))
    raw = req.body
    if not raw.strip():
        raise exception.Invalid('The request body is empty: a JSON object '
                                'is expected.')
    try:
        body = json.loads(raw.decode('utf-8'))
    except UnicodeDecodeError as exc:
        raise exception.Invalid('The request body is not UTF-8: %s'
                                % exc) from None
    except ValueError as exc:
        raise exception.Invalid('Malformed JSON in the request body: %s'
                                % exc) from None
    except RecursionError:
        raise exception.Invalid('The request body is nested too '
                                'deeply.') from None
    return validate(body, schema)
