"""Assemble valet-api: the handler and its middleware, built in code.

From the outside in, a request goes through::

    RequestId            x-openstack-request-id on every response
    HTTPProxyToWSGI      X-Forwarded-* / Forwarded from a TLS proxy
    CORS                 only when [cors] allowed_origin is set
    RequestMetrics       valet-api's own request counters (GET /metrics)
    /healthcheck         oslo.middleware Healthcheck (no auth)
    /metrics             only with [api] metrics_public: no auth
    Microversion         OpenStack-API-Version in, and on every answer
    FaultWrapper         every error becomes Valet's JSON error body
    RequestBodySizeLimiter  [api] max_request_body_size
    auth                 keystonemiddleware (not for GET /) or noauth
    ContextMiddleware    RequestContext (+ is_admin) into the environ
    ValetHandler         route table, handlers, error mapping
"""
from oslo_config import cfg
from oslo_middleware import cors
from oslo_middleware import healthcheck
from oslo_middleware import http_proxy_to_wsgi
from oslo_middleware import request_id
from oslo_middleware import sizelimit
import webob
import webob.exc

from valet.api import auth
from valet.api import fault
from valet.api import handler
from valet.api.handlers import metrics
from valet.api import microversion
from valet.api import request_metrics
from valet.api import util
from valet.policies import enforcer as policy

HEALTHCHECK_PATH = '/healthcheck'


class PathDispatch:
    """Send ``path`` to ``special`` and everything else to ``default``."""

    def __init__(self, path, special, default):
        self.path = path
        self.special = special
        self.default = default

    def __call__(self, environ, start_response):
        if environ.get('PATH_INFO', '').rstrip('/') == self.path:
            return self.special(environ, start_response)
        return self.default(environ, start_response)


class ContentLengthLimit:
    """413 for a declared Content-Length above the limit, with a message
    that says both sizes (oslo.middleware's leaves a bare '%s').

    A body without Content-Length goes through ``counting`` (which counts
    its bytes as they are read); one with it, checked here, goes straight
    to ``application``.
    """

    def __init__(self, application, max_size, counting=None):
        self.application = application
        self.max_size = max_size
        self.counting = counting or application

    def __call__(self, environ, start_response):
        declared = environ.get('CONTENT_LENGTH')
        try:
            length = int(declared or 0)
        except ValueError:
            raise webob.exc.HTTPBadRequest(
                'The Content-Length header must be an integer.') from None
        if length > self.max_size:
            raise webob.exc.HTTPRequestEntityTooLarge(
                'The request body (%d bytes) is larger than the limit of %d '
                'bytes ([api] max_request_body_size).'
                % (length, self.max_size))
        if declared:
            return self.application(environ, start_response)
        return self.counting(environ, start_response)


class HTTPProxyToWSGI(http_proxy_to_wsgi.HTTPProxyToWSGI):
    """oslo.middleware's, called as plain WSGI.

    It only rewrites the environ (it has no process_response); its base
    class's __call__ would also wrap the response in webob objects and
    inspect the signature of process_response on every request.
    """

    def __call__(self, environ, start_response):
        self.process_request(webob.Request(environ))
        return self.application(environ, start_response)


def _body_size_limiter(application, max_size):
    """Limit request bodies to ``[api] max_request_body_size``.

    oslo.middleware's RequestBodySizeLimiter counts the bytes of bodies
    sent without Content-Length as they are read.  It reads
    ``[oslo_middleware] max_request_body_size`` from the ConfigOpts it is
    given; a private one carries our value so that neither the global
    cfg.CONF nor the caller's conf is touched.
    """
    limiter_conf = cfg.ConfigOpts()
    limiter = sizelimit.RequestBodySizeLimiter(application, limiter_conf)
    limiter_conf.set_override('max_request_body_size', max_size,
                              group='oslo_middleware')
    return ContentLengthLimit(application, max_size, counting=limiter)


def _auth(application, conf):
    strategy = conf.api.auth_strategy
    if strategy == 'noauth':
        return auth.NoAuth(application)
    if strategy == 'keystone':
        return auth.KeystoneAuth(application, {'oslo_config_config': conf})
    raise ValueError('Unknown [api] auth_strategy %r' % strategy)


def _cors(application, conf):
    conf.register_opts(cors.CORS_OPTS, 'cors')
    if not conf.cors.allowed_origin:
        return application
    return cors.CORS(application, conf)


def make_app(conf, engine_api, db, policy_enforcer=None):
    """The valet-api WSGI application.

    :param conf: a ConfigOpts with Valet's options registered
        (valet.conf.new_conf); the oslo.middleware, oslo.policy and
        keystonemiddleware groups are registered on it as needed.
    :param engine_api: a valet.engine.rpcapi.EngineAPI, or any object with
        the methods of it the handlers call.
    :param db: a valet.db.api.Database, passed to the valet.db modules.
    :param policy_enforcer: an oslo.policy Enforcer with Valet's rules
        (valet.policies.enforcer.get_enforcer(conf) when None).
    """
    enforcer = policy_enforcer or policy.get_enforcer(conf)
    services = util.Services(conf=conf, engine_api=engine_api, db=db,
                             enforcer=enforcer)

    app = handler.ValetHandler(services)
    app = auth.ContextMiddleware(app, enforcer)
    app = _auth(app, conf)
    app = _body_size_limiter(app, conf.api.max_request_body_size)
    app = fault.FaultWrapper(app)
    app = microversion.MicroversionMiddleware(app)
    if conf.api.metrics_public:
        app = PathDispatch(metrics.PATH, metrics.public_app(conf, db), app)
    app = PathDispatch(HEALTHCHECK_PATH,
                       healthcheck.Healthcheck(app, conf), app)
    app = request_metrics.RequestMetrics(app)
    app = _cors(app, conf)
    app = HTTPProxyToWSGI(app, conf)
    app = request_id.RequestId(app, conf)
    return app
