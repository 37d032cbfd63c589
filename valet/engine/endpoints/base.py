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
