"""Objective terms and soft preferences (DESIGN §5.3) as scorer plugins.

Costs are per host bundle; the search adds them with the ``[optimizer]
score_weights``.  Only pipes to members already placed count, so the sum
over the bundles of a decision is exactly the plan's pipe cost.
"""
from valet.engine.model import bandwidth
from valet.engine.optimizer import framework


class PipeCost(framework.Scorer):
    """Σ bandwidth × distance to placed peers (0 same host … 3 farther)."""
    name = 'pipe_cost'

    def applies(self, bundle, search):
        return bool(bundle.pipes)

    def score(self, host, bundle, search, free):
        name, rack, zone = host.name, host.rack, host.zone
        cost = 0
        for spot, mbps in search.peers(bundle)[0]:
            if spot[1] == name and spot[0] == bandwidth.SERVER:
                continue
            if spot[2] is not None and spot[2] == rack:
                cost += mbps
            elif spot[3] is not None and spot[3] == zone:
                cost += 2 * mbps
            else:
                cost += 3 * mbps
        return cost

    def floor(self, bundle, search, tier):
        # A host first met in tier t is farther than t-1 from every peer.
        cost = 0
        for spot, mbps in search.peers(bundle)[0]:
            minimum = 1 if spot[0] != bandwidth.SERVER else 0
            cost += mbps * max(tier, minimum)
        return cost


class NewHosts(framework.Scorer):
    """Consolidation: opening an empty host costs one."""
    name = 'new_hosts'

    def score(self, host, bundle, search, free):
        return 0 if search.overlay.occupied(host) else 1


class Fit(framework.Scorer):
    """Tightest fit when packing (room left for big bundles later), most
    room when spreading; in [0, 1]."""
    name = 'fit'

    def score(self, host, bundle, search, free):
        left, dims = 0.0, 0
        for capacity, room, need in ((host.vcpus, free[0], bundle.vcpus),
                                     (host.memory_mb, free[1],
                                      bundle.memory_mb),
                                     (host.disk_gb, free[2], bundle.disk_gb)):
            if capacity > 0:
                left += max(0.0, min(1.0, (room - need) / capacity))
                dims += 1
        left = left / dims if dims else 0.0
        return 1.0 - left if search.mode == 'spread' else left


class Stay(framework.Scorer):
    """A replanned member (resize, replan) prefers the host it had."""
    name = 'stay'

    def applies(self, bundle, search):
        return bundle.previous is not None

    def score(self, host, bundle, search, free):
        return 0 if host.name == bundle.previous else 1


class PipeLookahead(framework.Scorer):
    """Ostro's lookahead: the pipe cost the bundle's *unplaced* peers will
    likely have if it goes here -- 0 for the heaviest peers that still fit
    on this host beside it, 1 hop for the others (more when a diversity
    or exclusivity rule keeps them apart).  It draws a pipe hub to a host
    with room for its peers rather than to the tightest hole."""
    name = 'pipe_lookahead'

    def applies(self, bundle, search):
        return bool(bundle.pipes)

    def score(self, host, bundle, search, free):
        room = [free[0] - bundle.vcpus, free[1] - bundle.memory_mb,
                free[2] - bundle.disk_gb]
        cost = 0
        for peer, mbps, apart in search.unplaced_peers(bundle):
            if apart == 0 and (room[0] >= peer.vcpus
                               and room[1] >= peer.memory_mb
                               and room[2] >= peer.disk_gb):
                room[0] -= peer.vcpus
                room[1] -= peer.memory_mb
                room[2] -= peer.disk_gb
                continue
            cost += mbps * max(apart, 1)
        return cost

    def floor(self, bundle, search, tier):
        # Peers that rules keep off this host cost the same anywhere.
        return sum(mbps * apart for _, mbps, apart
                   in search.unplaced_peers(bundle) if apart)
