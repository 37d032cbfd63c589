"""Turning the engine's answer back into the service's candidate objects."""
from valet import exception


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
