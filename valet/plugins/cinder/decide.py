"""The Cinder filter's conversation with valet-engine (DESIGN §2 flow 4),
independent of Cinder's classes."""
import logging

from valet import exception

LOG = logging.getLogger(__name__)


def placement_for(engine, ctx, request, pools):
    """The engine's placement for the volume among ``pools`` (backend ids
    ``host@backend#pool``): its planned pool when a stack plan has it,
    else an ad-hoc decision, near the instance it is for if Cinder says."""
    kwargs = dict(volume_type=request.volume_type,
                  az=request.availability_zone, candidate_pools=pools)
    for key in request.lookup_keys:
        try:
            return engine.schedule_volume(ctx, request.volume_id,
                                          request.size_gb,
                                          orchestration_id=key, **kwargs)
        except exception.NotFound:
            LOG.debug('No Valet placement for volume member %s', key)
    return engine.schedule_volume(ctx, request.volume_id, request.size_gb,
                                  server=request.server, **kwargs)
