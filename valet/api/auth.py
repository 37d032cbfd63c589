"""Who is calling: keystonemiddleware or noauth, then the request context."""
from keystonemiddleware import auth_token

from valet.api import util
from valet import context as valet_context
from valet.policies import enforcer as policy

# Paths served without authentication: version discovery.
UNAUTHENTICATED_PATHS = ('', '/')

ENV_ANONYMOUS = 'valet.anonymous'

# Identity headers the noauth middleware and keystonemiddleware set.
_IDENTITY_HEADERS = ('HTTP_X_PROJECT_ID', 'HTTP_X_TENANT_ID',
                     'HTTP_X_TENANT', 'HTTP_X_USER_ID', 'HTTP_X_USER',
                     'HTTP_X_ROLES', 'HTTP_X_ROLE',
                     'HTTP_X_SERVICE_ROLES', 'HTTP_X_SYSTEM_SCOPE',
                     'HTTP_X_DOMAIN_ID', 'HTTP_X_IS_ADMIN_PROJECT')


class KeystoneAuth(auth_token.AuthProtocol):
    """keystonemiddleware's auth_token, except for version discovery."""

    def __init__(self, app, conf):
        self._valet_app = app
        super().__init__(app, conf)

    def __call__(self, environ, start_response):
        if environ.get('PATH_INFO', '') in UNAUTHENTICATED_PATHS:
            # No token was checked: nothing the client says about itself
            # may reach the context.
            environ[ENV_ANONYMOUS] = True
            return self._valet_app(environ, start_response)
        return super().__call__(environ, start_response)


class NoAuth:
    """All-in-one and tests: the caller is who its headers say.

    ``X-Project-Id`` (default ``admin``), ``X-User-Id`` (default ``admin``)
    and ``X-Roles`` (default ``admin``) become the identity keystonemiddleware
    would otherwise have set.
    """

    def __init__(self, application, project_id='admin', user_id='admin',
                 roles='admin'):
        self.application = application
        self.defaults = {'HTTP_X_PROJECT_ID': project_id,
                         'HTTP_X_USER_ID': user_id,
                         'HTTP_X_ROLES': roles}

    def __call__(self, environ, start_response):
        for key, default in self.defaults.items():
            if not environ.get(key):
                environ[key] = default
        environ['HTTP_X_IDENTITY_STATUS'] = 'Confirmed'
        return self.application(environ, start_response)


class ContextMiddleware:
    """Build the RequestContext from the identity headers and the request id
    (oslo.context reads both) and store it in the environ."""

    def __init__(self, application, enforcer):
        self.application = application
        self.enforcer = enforcer

    def __call__(self, environ, start_response):
        if environ.get(ENV_ANONYMOUS):
            for key in _IDENTITY_HEADERS:
                environ.pop(key, None)
        context = valet_context.RequestContext.from_environ(environ)
        context.is_admin = policy.is_admin(self.enforcer, context)
        environ[util.ENV_CONTEXT] = context
        return self.application(environ, start_response)
