"""The route table of the Valet REST API and its dispatcher.

Each key of ROUTE_DECLARATIONS is a Routes path; its value maps HTTP methods
to a WSGI application (a handler function wrapped by
``valet.api.util.handler``).  ``make_map`` adds, for every path, a catch-all
route that answers ``OPTIONS`` with 204 and any other method with 405, both
with an ``Allow`` header listing the declared methods.  A path that matches
no route is a 404.  Every exception raised by a handler is rendered here as
the JSON error body of DESIGN §4 (valet.api.fault).

Do not use regular expressions in the path parameters: a request that fails
them would be a bare 404 instead of the resource's own "not found" answer.
"""
import routes
import webob
import webob.exc

from valet.api import fault
from valet.api.handlers import groups
from valet.api.handlers import metrics
from valet.api.handlers import placements
from valet.api.handlers import plans
from valet.api.handlers import root
from valet.api.handlers import status
from valet.api import util

ROUTE_DECLARATIONS = {
    '/': {
        'GET': root.home,
    },
    '/v1': {
        'GET': root.v1,
    },
    '/v1/status': {
        'GET': status.get_status,
        'HEAD': status.head_status,
    },
    '/metrics': {
        'GET': metrics.get_metrics,
    },
    '/v1/groups': {
        'GET': groups.list_groups,
        'POST': groups.create_group,
    },
    '/v1/groups/{group_id}': {
        'GET': groups.get_group,
        'PUT': groups.update_group,
        'DELETE': groups.delete_group,
    },
    '/v1/groups/{group_id}/members': {
        'PUT': groups.add_members,
        'DELETE': groups.remove_member,
    },
    '/v1/groups/{group_id}/members/{member_id}': {
        'GET': groups.check_member,
        'DELETE': groups.remove_member,
    },
    '/v1/plans': {
        'GET': plans.list_plans,
        'POST': plans.create_plan,
    },
    '/v1/plans/{plan_id}': {
        'GET': plans.get_plan,
        'PUT': plans.update_plan,
        'DELETE': plans.delete_plan,
    },
    '/v1/placements': {
        'GET': placements.list_placements,
    },
    '/v1/placements/{placement_id}': {
        'GET': placements.get_placement,
        'POST': placements.update_placement,
        'DELETE': placements.delete_placement,
    },
}


def handle_405(environ, start_response):
    """405 (or 204 for OPTIONS) with the methods the path allows."""
    allowed = util.wsgi_path_item(environ, '_methods')
    headers = {'Allow': allowed} if allowed else {}
    if environ['REQUEST_METHOD'] == 'OPTIONS':
        return util.no_content(headers)(environ, start_response)
    raise webob.exc.HTTPMethodNotAllowed(
        'The method %s is not allowed for this resource.'
        % environ['REQUEST_METHOD'], headers=headers)


def make_map(declarations):
    """A routes.Mapper for ``declarations`` with the automatic 405s."""
    mapper = routes.Mapper()
    for path, targets in declarations.items():
        for method, action in targets.items():
            mapper.connect(path, action=action,
                           conditions={'method': [method]})
        mapper.connect(path, action=handle_405,
                       _methods=', '.join(targets))
    return mapper


def _route_path(path):
    """'/v1/plans/' matches '/v1/plans' (Valet 1.0 clients use both)."""
    return path.rstrip('/') or '/'


def dispatch(environ, start_response, mapper):
    result = mapper.match(url=_route_path(environ.get('PATH_INFO', '')),
                          environ=environ)
    if result is None:
        raise webob.exc.HTTPNotFound(
            'The resource %s could not be found.'
            % (environ.get('PATH_INFO') or '/'))
    app = result.pop('action')
    environ['wsgiorg.routing_args'] = ((), result)
    return app(environ, start_response)


class ValetHandler:
    """The innermost WSGI application: route, call, render errors.

    ``services`` (valet.api.util.Services) is handed to the handlers through
    the environ; the request context was put there by the context
    middleware (valet.api.deploy).
    """

    def __init__(self, services, declarations=None):
        self.services = services
        self._map = make_map(declarations or ROUTE_DECLARATIONS)

    def __call__(self, environ, start_response):
        environ[util.ENV_SERVICES] = self.services
        try:
            return dispatch(environ, start_response, self._map)
        except Exception as exc:  # noqa: BLE001 - rendered as a JSON error
            resp = fault.render(exc, environ.get('openstack.request_id'))
            return resp(environ, start_response)
