"""The QoS driver interface."""
import abc

from valet import exception


class QosError(exception.ValetException):
    """The QoS controller refused or did not answer."""
    code = 502
    error_type = 'qos_failed'
    title = 'Bad Gateway'
    msg_fmt = 'The QoS controller failed: %(detail)s'


class QosDriver(abc.ABC):
    """Hands a plan's pipe reservations to a network QoS controller.

    ``pipes``: a list of dicts, one per pipe, as the engine decided them:
    ``{name, source, target, bandwidth_mbps, source_location,
    target_location}`` (locations are hosts or pools).  Both methods are
    idempotent for the same plan id.
    """

    @abc.abstractmethod
    def reserve(self, plan_id, pipes):
        """Reserve ``pipes`` for ``plan_id`` (replacing what it had)."""

    @abc.abstractmethod
    def release(self, plan_id):
        """Release everything reserved for ``plan_id``."""
