"""Turning the engine's answer back into the service's candidate objects."""
import logging

from valet import exception

LOG = logging.getLogger(__name__)


class NotAmongCandidates(exception.ValetException):
    """The engine chose a location the service did not offer (a stale
    plan, or an engine that ignored the candidates)."""
    code = 409
    error_type = 'not_among_candidates'
    msg_fmt = 'Valet chose %(location)s, which is not among the %(count)d candidates.'


def location_of(placement):
    location = (placement or {}).get('location')
    if not location:
        raise exception.ValetException(
            'valet-engine answered without a location: %r' % (placement,))
    return location


def pick(candidates, placement, names):
    """The candidates whose ``names(candidate)`` contains the placement's
    location; raises :class:`NotAmongCandidates` if there is none."""
    location = location_of(placement)
    chosen = [c for c in candidates if location in names(c)]
    if not chosen:
        raise NotAmongCandidates(location=location, count=len(candidates))
    return chosen


def follow_valet(conf, candidates, read_request, describe, decide, key,
                 names, service_context):
    """A scheduler filter's whole job, for Nova and Cinder alike.

    ``read_request()`` → the service request; ``describe(request)`` → what
    is being placed, for the logs; ``decide(engine, ctx, request, names)``
    → the engine's placement among the candidates; ``key(candidate)`` →
    the name the engine knows it by; ``names(candidate)`` → every name its
    answer may use for it.  On any error
    the ``[valet] failure_mode`` decides what passes.
    """
    # Imported here: these modules import the service-independent client
    # lazily too, and this module stays importable on its own.
    from valet.plugins import client
    from valet.plugins import failure

    candidates = list(candidates)
    if not candidates:
        return []
    request = None
    try:
        request = read_request()
        offered = sorted({key(c) for c in candidates})
        engine = client.get_engine(conf)
        ctx = client.request_context(service_context,
                                     project_id=request.project_id)
        placement = decide(engine, ctx, request, offered)
        chosen = pick(candidates, placement, names)
    except Exception as error:   # a filter must never crash the scheduler
        what = describe(request) if request else '(unreadable request)'
        return failure.on_failure(conf, what, candidates, error)
    LOG.info('Valet placed %s on %s', describe(request),
             placement.get('location'))
    return chosen


class HostConf:
    """The host service's ConfigOpts (its global one unless a test gives
    its own)."""

    def __init__(self, conf=None):
        super().__init__()
        self._conf = conf

    @property
    def conf(self):
        from oslo_config import cfg
        return self._conf if self._conf is not None else cfg.CONF
