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
    any_host = True
    nonnegative = True

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

    def prepare(self, bundle, search):
        placed = search.peers(bundle)[0]
        # Hosts of a rack differ only by the peers on the host itself:
        # the others cost the same from any host of the rack.
        on_host = {spot[1] for spot, _ in placed
                   if spot[0] == bandwidth.SERVER}
        per_rack = {}
        score = self.score

        def cost(host, free):
            if host.name in on_host:
                return score(host, bundle, search, free)
            key = (host.rack, host.zone)
            value = per_rack.get(key)
            if value is None:
                value = per_rack[key] = score(host, bundle, search, free)
            return value
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
    any_host = True
    nonnegative = True

    def score(self, host, bundle, search, free):
        return 0 if search.overlay.occupied(host) else 1

    def prepare(self, bundle, search):
        # Overlay.occupied, inline: it runs for every host scanned.
        members = search.overlay.members.get
        return lambda host, free: 0 if (host.members + host.external
                                        + members(host.name, 0)) > 0 else 1


class Fit(framework.Scorer):
    """Tightest fit when packing (room left for big bundles later), most
    room when spreading; in [0, 1]."""
    name = 'fit'
    any_host = True
    nonnegative = True

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

    def prepare(self, bundle, search):
        spread = search.mode == 'spread'
        vcpus, memory_mb, disk_gb = (bundle.vcpus, bundle.memory_mb,
                                     bundle.disk_gb)

        # Hosts of one size with the same room score the same.
        memo = {}

        def fit(host, free):
            key = (host.vcpus, host.memory_mb, host.disk_gb, free)
            value = memo.get(key)
            if value is None:
                value = memo[key] = _fit(host, free)
            return value

        def _fit(host, free):
            # score(), unrolled: the same sums in the same order.
            left, dims = 0.0, 0
            if host.vcpus > 0:
                left += max(0.0, min(1.0, (free[0] - vcpus) / host.vcpus))
                dims += 1
            if host.memory_mb > 0:
                left += max(0.0, min(1.0, (free[1] - memory_mb)
                                     / host.memory_mb))
                dims += 1
            if host.disk_gb > 0:
                left += max(0.0, min(1.0, (free[2] - disk_gb)
                                     / host.disk_gb))
                dims += 1
            left = left / dims if dims else 0.0
            return 1.0 - left if spread else left
        return fit


class Stay(framework.Scorer):
    """A replanned member (resize, replan) prefers the host it had."""
    name = 'stay'
    any_host = True
    nonnegative = True

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
    any_host = True
    nonnegative = True

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

    def prepare(self, bundle, search):
        unplaced = search.unplaced_peers(bundle)
        if not unplaced:
            return lambda host, free: 0
        vcpus, memory_mb, disk_gb = (bundle.vcpus, bundle.memory_mb,
                                     bundle.disk_gb)

        # It depends on the host's room only: hosts with the same room
        # score the same.
        memo = {}

        def lookahead(host, free):
            value = memo.get(free)
            if value is None:
                value = memo[free] = _lookahead(free)
            return value

        def _lookahead(free):
            # score(), with the peers looked up once per scan.
            room0, room1, room2 = (free[0] - vcpus, free[1] - memory_mb,
                                   free[2] - disk_gb)
            cost = 0
            for peer, mbps, apart in unplaced:
                if apart == 0 and (room0 >= peer.vcpus
                                   and room1 >= peer.memory_mb
                                   and room2 >= peer.disk_gb):
                    room0 -= peer.vcpus
                    room1 -= peer.memory_mb
                    room2 -= peer.disk_gb
                    continue
                cost += mbps * max(apart, 1)
            return cost
        return lookahead

    def floor(self, bundle, search, tier):
        # Peers that rules keep off this host cost the same anywhere.
        return sum(mbps * apart for _, mbps, apart
                   in search.unplaced_peers(bundle) if apart)
