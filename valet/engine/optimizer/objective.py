"""The objective of DESIGN §5.3, evaluated on any complete answer.

The search minimises it bundle by bundle; the benchmarks evaluate Valet,
the baselines and the exact solver's answers with this same function.
"""
from valet.engine.model import bandwidth


def evaluate(datacenter, request, placements, released=(), weights=None):
    """Objective terms of ``placements`` {key: Location or dict} for
    ``request`` on ``datacenter`` (the model before the decision, minus
    ``released`` placements).

    ``pipe_cost``: Σ bandwidth × distance over the plan's pipes;
    ``new_hosts``: hosts that were empty and now hold a new member;
    ``soft``: soft-rule penalties (a replanned member off its previous
    host, a volume outside its server's rack); ``objective``: the weighted
    sum (weights ``{'pipe_cost', 'new_hosts', 'soft'}``).
    """
    spots = {key: bandwidth.spot(loc) for key, loc in request.fixed.items()}
    spots.update((key, bandwidth.spot(loc)) for key, loc in placements.items())
    pipe_cost = 0
    for pipe in request.pipes:
        a, b = spots.get(pipe.source), spots.get(pipe.target)
        if a is not None and b is not None:
            pipe_cost += pipe.bandwidth_mbps * bandwidth.distance(a, b)
    freed = {}
    for placement in released:
        spot = bandwidth.spot(placement)
        if spot[0] == bandwidth.SERVER:
            freed[spot[1]] = freed.get(spot[1], 0) + 1
    opened = set()
    soft = 0
    for key, spot in spots.items():
        if key in request.fixed or spot[0] != bandwidth.SERVER:
            continue
        host = datacenter.hosts[spot[1]]
        if host.members + host.external - freed.get(host.name, 0) <= 0:
            opened.add(host.name)
        server = request.servers.get(key)
        if server is not None and server.previous not in (None, spot[1]):
            soft += 1
    for key, volume in request.volumes.items():
        spot = spots.get(key)
        server = spots.get(volume.server) if volume.server else None
        if spot is not None and server is not None and spot[2] != server[2]:
            soft += 1
    weights = weights or {'pipe_cost': 1.0, 'new_hosts': 50.0, 'soft': 10.0}
    total = (weights.get('pipe_cost', 0) * pipe_cost
             + weights.get('new_hosts', 0) * len(opened)
             + weights.get('soft', 0) * soft)
    return {'pipe_cost': pipe_cost, 'new_hosts': len(opened), 'soft': soft,
            'objective': total}
