"""What every RPC endpoint shares: the manager and error hygiene."""
import functools
import logging

import oslo_messaging as messaging

from valet import exception

LOG = logging.getLogger(__name__)


class Endpoint:
    def __init__(self, manager):
        self.manager = manager


def rpc_method(func):
    """Valet errors cross the bus as they are; anything else is logged here
    and crosses as a generic internal error, so a bug never kills the engine
    and never leaks internals to the caller."""

    @functools.wraps(func)
    @messaging.expected_exceptions(exception.ValetException)
    def wrapper(self, ctxt, *args, **kwargs):
        try:
            _check_types(func.__name__, kwargs)
            return func(self, ctxt, *args, **kwargs)
        except exception.ValetException:
            raise
        except TypeError as e:
            # Wrong or missing arguments from a client: its fault, not ours.
            if _is_signature_error(e, func):
                raise exception.Invalid(
                    detail='%s: %s' % (func.__name__, e)) from None
            LOG.exception('%s failed', func.__name__)
            raise exception.ValetException(
                'Internal error in the engine during %s'
                % func.__name__) from None
        except Exception:
            LOG.exception('%s failed', func.__name__)
            raise exception.ValetException(
                'Internal error in the engine during %s'
                % func.__name__) from None
    return wrapper


# The JSON types of the RPC arguments (DESIGN §3): a payload of the wrong
# shape is the caller's error (Invalid), never a crash deeper down.
_STRINGS = frozenset((
    'plan_name', 'stack_id', 'orchestration_id', 'resource_id',
    'instance_uuid', 'action', 'az', 'volume_id', 'volume_type',
    'group', 'placement_id', 'server'))
_STRING_LISTS = frozenset((
    'candidate_hosts', 'excluded_hosts', 'candidate_pools', 'locations'))
_MAPPINGS = frozenset(('resources', 'original_resources'))


def _check_types(method, kwargs):
    for name, value in kwargs.items():
        if value is None:
            continue
        if name in _STRINGS:
            ok = isinstance(value, str)
        elif name in _STRING_LISTS:
            ok = (isinstance(value, (list, tuple))
                  and all(isinstance(v, str) for v in value))
        elif name in _MAPPINGS:
            ok = isinstance(value, dict)
        elif name == 'size_gb':
            ok = isinstance(value, int) and not isinstance(value, bool)
        else:
            continue
        if not ok:
            raise exception.Invalid(detail='%s: argument %s has the wrong '
                                    'type (%s)' % (method, name,
                                                   type(value).__name__))


def _is_signature_error(error, func):
    tb = error.__traceback__
    # A signature mismatch is raised by the call itself: one frame deep.
    return tb is not None and tb.tb_next is None and func.__name__ in str(error)


def all_endpoints(manager):
    from valet.engine.endpoints import placements
    from valet.engine.endpoints import plans
    from valet.engine.endpoints import queries
    from valet.engine.endpoints import status
    return [status.StatusEndpoint(manager), plans.PlanEndpoint(manager),
            placements.PlacementEndpoint(manager),
            queries.QueryEndpoint(manager),
            queries.InventoryEndpoint(manager)]


def query_endpoints(manager):
    """The query lane's endpoints (valet.engine.rpcapi.query_topic): ping
    and the read-only queries, never a decision."""
    from valet.engine.endpoints import queries
    from valet.engine.endpoints import status
    return [status.StatusEndpoint(manager), queries.QueryEndpoint(manager)]
