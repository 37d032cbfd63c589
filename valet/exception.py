"""Valet's errors.

Every error carries an HTTP status (``code``), a short machine-readable
``error_type`` and, for placement failures, a structured ``reason`` dict
(DESIGN §5.4).  The classes cross the RPC bus unchanged: oslo.messaging
rebuilds them from ``args`` (the message) and ``kwargs`` (everything else), so
constructors take only the message and keyword arguments.
"""


class ValetException(Exception):
    """Base class: subclasses set ``code``, ``error_type`` and ``msg_fmt``."""

    code = 500
    error_type = 'internal_error'
    title = 'Internal Server Error'
    msg_fmt = 'An unknown error occurred.'

    def __init__(self, message=None, **kwargs):
        self.kwargs = kwargs
        self.reason = kwargs.get('reason')
        if not message:
            try:
                message = self.msg_fmt % kwargs
            except (KeyError, TypeError, ValueError):
                message = self.msg_fmt
        self.message = str(message)
        super().__init__(self.message)

    def to_dict(self):
        """The ``error`` member of the REST error body."""
        body = {'message': self.message, 'type': self.error_type}
        if self.reason is not None:
            body['reason'] = self.reason
        return body


class Invalid(ValetException):
    code = 400
    error_type = 'invalid'
    title = 'Bad Request'
    msg_fmt = 'Invalid input: %(detail)s'


class InvalidDatacenter(Invalid):
    error_type = 'invalid_datacenter'
    msg_fmt = 'Invalid datacenter file %(path)s: %(detail)s'


class InvalidTemplate(Invalid):
    error_type = 'invalid_template'
    msg_fmt = 'Invalid template %(path)s: %(detail)s'


class InvalidPlan(Invalid):
    error_type = 'invalid_plan'
    msg_fmt = 'Invalid plan: %(detail)s'


class InvalidGroup(Invalid):
    error_type = 'invalid_group'
    msg_fmt = 'Invalid group: %(detail)s'


class NotSupported(Invalid):
    """A request uses a feature this optimizer does not implement yet."""
    error_type = 'not_supported'
    msg_fmt = 'Not supported: %(detail)s'


class Forbidden(ValetException):
    code = 403
    error_type = 'forbidden'
    title = 'Forbidden'
    msg_fmt = 'Policy does not allow %(action)s to be performed.'


class NotFound(ValetException):
    code = 404
    error_type = 'not_found'
    title = 'Not Found'
    msg_fmt = 'Resource could not be found.'


class PlanNotFound(NotFound):
    msg_fmt = 'Plan %(plan)s could not be found.'


class GroupNotFound(NotFound):
    msg_fmt = 'Group %(group)s could not be found.'


class PlacementNotFound(NotFound):
    msg_fmt = 'Placement %(placement)s could not be found.'


class Conflict(ValetException):
    code = 409
    error_type = 'conflict'
    title = 'Conflict'
    msg_fmt = 'Conflict: %(detail)s'


class PlanExists(Conflict):
    msg_fmt = 'A plan for stack %(stack_id)s already exists.'


class GroupExists(Conflict):
    msg_fmt = 'Group %(name)s already exists.'


class GroupInUse(Conflict):
    msg_fmt = 'Group %(group)s is in use: %(detail)s'


class GenerationConflict(Conflict):
    """Another engine consumed the same host/rack/pool first (CAS lost)."""
    error_type = 'generation_conflict'
    msg_fmt = 'Inventory changed concurrently: %(detail)s'


class PlacementFailed(Conflict):
    """The optimizer found no placement; ``reason`` says why (DESIGN §5.4)."""
    error_type = 'placement_failed'
    msg_fmt = 'No placement satisfies the request: %(detail)s'


class EngineUnavailable(ValetException):
    code = 503
    error_type = 'engine_unavailable'
    title = 'Service Unavailable'
    msg_fmt = 'The Valet engine did not answer: %(detail)s'


class DatabaseUnavailable(ValetException):
    code = 503
    error_type = 'database_unavailable'
    title = 'Service Unavailable'
    msg_fmt = 'The Valet database is unavailable: %(detail)s'
