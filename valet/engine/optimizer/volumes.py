"""Volumes to Cinder pools: the attached server's zone, its rack if possible.

Pools are chosen after the servers, cheapest pipe cost first, then a pool
in the server's rack (a soft rule), then the tightest fit.  A pipe to a
volume already took its server's NIC when the server was placed; here it
takes the rack uplinks it crosses.
"""
from valet.engine.model import bandwidth
from valet.engine.optimizer import explain
from valet.engine.optimizer import filters

RULES = ('zone', 'volume_type', 'candidates', 'capacity', 'bandwidth')


def pool_fits(search, pool, volume):
    """Type, candidates and room (what a server's storage filter needs)."""
    return (filters.pool_accepts(pool, volume)
            and (volume.candidates is None or pool.name in volume.candidates)
            and search.overlay.pool_free(pool) >= volume.size_gb)


def _pipes_of(request):
    peers = {}
    for pipe in request.pipes:
        for end, peer in ((pipe.source, pipe.target),
                          (pipe.target, pipe.source)):
            if end in request.volumes:
                peers.setdefault(end, []).append((peer, pipe.bandwidth_mbps))
    return peers


def _demand(search, volume, pool, peers):
    """Uplink (and, for peers whose NIC nobody counted yet, NIC) usage."""
    hosts, racks = {}, {}
    here = (bandwidth.VOLUME, pool.name, pool.rack, pool.zone)
    for peer, mbps in peers:
        spot = search.spot_of(peer)
        if spot is None:
            continue
        if peer in search.request.servers:
            # Its NIC was counted with the server: only the uplinks here.
            if spot[2] != pool.rack or pool.rack is None:
                racks[spot[2]] = racks.get(spot[2], 0) + mbps
                if pool.rack is not None:
                    racks[pool.rack] = racks.get(pool.rack, 0) + mbps
            continue
        bandwidth.pipe_usage(here, spot, mbps, hosts, racks)
    return hosts, racks


def _bandwidth_ok(search, demand):
    hosts, racks = demand
    overlay = search.overlay
    return (all(overlay.nic_free(search.dc.hosts[h]) >= m
                for h, m in hosts.items())
            and all(overlay.uplink_free(search.dc.racks[r]) >= m
                    for r, m in racks.items()))


def place_volumes(search):
    """Assign every volume of the request to a pool in the overlay."""
    dc, overlay, request = search.dc, search.overlay, search.request
    pools = [dc.pools[name] for name in sorted(dc.pools)]
    peers = _pipes_of(request)
    order = sorted(request.volumes.values(),
                   key=lambda v: (-v.size_gb, v.key))
    for volume in order:
        zone, rack = volume.zone, None
        server = search.spot_of(volume.server) if volume.server else None
        if server is not None:
            rack = server[2]
            zone = () if zone is not None and zone != server[3] else server[3]
        best, elimination = None, explain.Elimination(len(pools))
        for pool in pools:
            rule = _check(overlay, pool, volume, zone)
            demand = None
            if rule is None and peers.get(volume.key):
                demand = _demand(search, volume, pool, peers[volume.key])
                if not _bandwidth_ok(search, demand):
                    rule = 'bandwidth'
            if rule is not None:
                elimination.remove(rule)
                continue
            here = (bandwidth.VOLUME, pool.name, pool.rack, pool.zone)
            cost = 0
            for peer, mbps in peers.get(volume.key, ()):
                spot = search.spot_of(peer)
                if spot is not None:
                    cost += mbps * bandwidth.distance(here, spot)
            free = overlay.pool_free(pool)
            key = (cost,
                   0 if rack is not None and pool.rack == rack else 1,
                   0 if volume.previous in (None, pool.name) else 1,
                   (free - volume.size_gb) / float(pool.capacity_gb),
                   search.tiebreak(pool.name))
            if best is None or key < best[0]:
                best = (key, pool, demand)
        if best is None:
            rule = elimination.emptying_rule(RULES) or 'capacity'
            raise explain.failure(explain.reason(
                explain.code_for(rule), volume.key, elimination, RULES),
                what='pool')
        overlay.assign_volume(volume, best[1], best[2])


def _check(overlay, pool, volume, zone):
    if zone is not None and pool.zone != zone:
        return 'zone'
    if not filters.pool_accepts(pool, volume):
        return 'volume_type'
    if volume.candidates is not None and pool.name not in volume.candidates:
        return 'candidates'
    if overlay.pool_free(pool) < volume.size_gb:
        return 'capacity'
    return None
