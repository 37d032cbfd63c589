"""Bandwidth of pipes: what they take from host NICs and rack uplinks.

A pipe is a demand of ``mbps`` between two placed members.  It crosses the
NIC of every *server* endpoint whose peer is not on the same host (a volume
is always remote), and the uplink of every rack an endpoint is in when the
peer is in another rack (a pool with no rack counts as another rack).  The
model, the optimizer and the engine's release all use this one definition.
"""

SERVER = 'server'
VOLUME = 'volume'

# Pipe distance (DESIGN §5.3): 0 same host, 1 same rack, 2 same zone, 3 else.
SAME_HOST, SAME_RACK, SAME_ZONE, FARTHER = 0, 1, 2, 3


def distance(a, b):
    """Distance of two spots ``(kind, location, rack, zone)``."""
    if a[0] == SERVER and b[0] == SERVER and a[1] == b[1]:
        return SAME_HOST
    if a[2] is not None and a[2] == b[2]:
        return SAME_RACK
    if a[3] is not None and a[3] == b[3]:
        return SAME_ZONE
    return FARTHER


def pipe_usage(a, b, mbps, hosts, racks, sign=1):
    """Add (``sign`` -1: remove) one pipe's usage into ``hosts``/``racks``."""
    if not mbps:
        return
    same_host = a[0] == SERVER and b[0] == SERVER and a[1] == b[1]
    if same_host:
        return
    for end in (a, b):
        if end[0] == SERVER:
            hosts[end[1]] = hosts.get(end[1], 0) + sign * mbps
    if a[2] != b[2] or a[2] is None:
        for end in (a, b):
            if end[2] is not None:
                racks[end[2]] = racks.get(end[2], 0) + sign * mbps


def usage(pipes, spots, sign=1):
    """({host: mbps}, {rack: mbps}) of ``pipes`` (dicts with source,
    target, bandwidth_mbps) given ``spots`` {key: (kind, location, rack,
    zone)}; pipes with an endpoint not in ``spots`` are skipped."""
    hosts, racks = {}, {}
    for pipe in pipes:
        a, b = spots.get(pipe['source']), spots.get(pipe['target'])
        if a is not None and b is not None:
            pipe_usage(a, b, pipe.get('bandwidth_mbps') or 0, hosts, racks,
                       sign)
    return ({k: v for k, v in hosts.items() if v},
            {k: v for k, v in racks.items() if v})


def spot(placement):
    """``(kind, location, rack, zone)`` of a placement dict or Location."""
    get = (placement.get if isinstance(placement, dict)
           else lambda name, default=None: getattr(placement, name, default))
    return (get('kind', SERVER) or SERVER, get('location'), get('rack'),
            get('zone'))
