"""Volumes to Cinder pools: the attached server's zone, its rack if possible."""
from valet.engine.optimizer import explain
from valet.engine.optimizer import filters

RULES = ('zone', 'volume_type', 'capacity')


def place_volumes(datacenter, overlay, request, tiebreak):
    """Assign every volume of ``request`` to a pool in ``overlay``."""
    pools = [datacenter.pools[name] for name in sorted(datacenter.pools)]
    order = sorted(request.volumes.values(),
                   key=lambda v: (-v.size_gb, v.key))
    for volume in order:
        zone, rack = volume.zone, None
        if volume.server is not None:
            host = datacenter.hosts[overlay.assigned[volume.server]]
            rack = host.rack
            if zone is not None and zone != host.zone:
                zone = ()          # contradictory: no pool can match
            else:
                zone = host.zone
        best, elimination = None, explain.Elimination(len(pools))
        for pool in pools:
            rule = _check(overlay, pool, volume, zone)
            if rule is not None:
                elimination.remove(rule)
                continue
            free = overlay.pool_free(pool)
            key = (0 if rack is not None and pool.rack == rack else 1,
                   (free - volume.size_gb) / float(pool.capacity_gb),
                   tiebreak(pool.name))
            if best is None or key < best[0]:
                best = (key, pool)
        if best is None:
            rule = elimination.emptying_rule(RULES) or 'capacity'
            raise explain.failure(explain.reason(
                explain.code_for(rule), volume.key, elimination, RULES),
                what='pool')
        overlay.assign_volume(volume, best[1])


def _check(overlay, pool, volume, zone):
    if zone is not None and pool.zone != zone:
        return 'zone'
    if not filters.pool_accepts(pool, volume):
        return 'volume_type'
    if overlay.pool_free(pool) < volume.size_gb:
        return 'capacity'
    return None
