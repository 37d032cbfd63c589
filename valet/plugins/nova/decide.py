"""The Nova filter's conversation with valet-engine (DESIGN §2 flows 2, 3
and 6), independent of Nova's classes."""
import logging

from valet import exception

LOG = logging.getLogger(__name__)


def _reserve_planned(engine, ctx, request, candidates, action):
    """Reserve (or replan) the planned member behind ``request``; None if
    no plan knows it."""
    attempts = []
    if action == 'replan':
        # A running server: its placement is recorded under its uuid.
        attempts.append({'resource_id': request.instance_uuid})
    attempts.extend({'orchestration_id': key} for key in request.lookup_keys)
    for lookup in attempts:
        try:
            return engine.reserve(ctx, candidates,
                                  instance_uuid=request.instance_uuid,
                                  action=action, **lookup)
        except exception.NotFound:
            LOG.debug('No Valet placement for %s', lookup)
    return None


def placement_for(engine, ctx, request, candidates):
    """The engine's placement for the server of ``request`` among the
    ``candidates`` (host names)."""
    action = 'replan' if request.move else 'reserve'
    placement = _reserve_planned(engine, ctx, request, candidates, action)
    if placement is not None:
        return placement
    if request.lookup_keys:
        LOG.info('Heat resource %s has no Valet plan (was the stack created '
                 'with the Valet lifecycle plugin?); placing instance %s '
                 'ad hoc', request.lookup_keys[0], request.instance_uuid)
    return engine.schedule_instance(
        ctx, request.instance_uuid, request.flavor, groups=request.groups(),
        az=request.availability_zone, candidate_hosts=candidates)
