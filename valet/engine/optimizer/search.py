"""Ostro's search: whole affinity units, greedy with backtracking, then a
bounded improvement phase.

Affinity units (``structure.py``) are placed whole: a unit bound to one
zone tries zones in turn, a unit bound to one rack tries racks in turn
(backtracking across racks), and every host bundle inside takes the host
with the lowest weighted cost among those all filters pass
(``framework.py``).  Units are placed most constrained and most connected
first, following pipes, so a bundle's pipe peers are usually placed
already: hosts are then scanned in tiers (the peers' hosts, their racks,
their zones, the rest) and the scan stops once no later tier can beat the
best host found -- at 5,000 hosts most bundles look at a few dozen.  When
a unit cannot be placed, the search restarts with that unit first, then
once more spreading instead of packing, before it explains the failure
(DESIGN §5.4).  The greedy also runs in the other mode (spread after
pack) and the cheaper answer is kept, unless the first one is provably
within ``improve_gap`` of the optimum already; finally ``improve.py`` moves
single bundles and whole pipe neighbourhoods to better hosts within
``[optimizer] improve_evaluations`` host evaluations.  The model is never
modified: tentative state lives in an :class:`~state.Overlay`.  Results
depend only on the input and the seed (``improve_budget_ms`` is a safety
cap that a normal decision does not reach).  The hosts of a scan are
looked at by ``scan.py``.
"""
import hashlib
import heapq
import time

from valet import exception
from valet.engine.model import bandwidth
from valet.engine.model import datacenter as dc_model
from valet.engine.model import groups as rules
from valet.engine.optimizer import bounds
from valet.engine.optimizer import decision as decision_mod
from valet.engine.optimizer import explain
from valet.engine.optimizer import framework
from valet.engine.optimizer import improve
from valet.engine.optimizer import objective
from valet.engine.optimizer import scan as scanning
from valet.engine.optimizer import state
from valet.engine.optimizer import structure
from valet.engine.optimizer import volumes

MAX_RESTARTS = 3
PACK = 'pack'          # tightest fit first: consolidation (the default)
SPREAD = 'spread'      # most room first: the fallback when packing fails
_TIERS = 4             # peers' hosts, peers' racks, peers' zones, the rest
RACK_WINDOW_RACKS = 8      # tiers over more racks are scanned by rack...
RACK_WINDOW = 4            # ...up to this many racks past the first fit


def place(datacenter, request, seed=0, candidate_hosts=None,
          max_restarts=None, profile=None, released=(),
          released_bandwidth=None):
    """Decide where every server and volume of ``request`` goes.

    ``candidate_hosts``: if given, the only hosts servers may use (what
    Nova's other filters left).  ``released``: placements (dicts) this
    decision moves or removes -- their capacity and group occupancy are
    free for it; ``released_bandwidth``: ``{'hosts', 'racks'}`` Mbit/s
    their pipes used.  Members in ``request.fixed`` stay where they are.
    Returns a :class:`~decision.Decision`; raises InvalidPlan for plans no
    datacenter could satisfy and PlacementFailed (with a structured
    reason) when this datacenter cannot hold the plan.
    """
    profile = profile or framework.default_profile()
    if max_restarts is None:
        max_restarts = profile.max_restarts
    started = time.perf_counter()
    defs = group_definitions(datacenter, request, released)
    clusters = structure.build(request, defs, candidate_hosts)
    search = Search(datacenter, request, defs, profile, seed, released,
                    released_bandwidth)
    search.index_bundles(clusters)
    restarts = 0
    initial = initial_order(clusters, defs)
    for mode in (PACK, SPREAD):
        order = initial
        tries = 0
        while True:
            search.reset(mode)
            failed = search.run(order)
            if failed is None or failed is order[0] or tries >= max_restarts:
                break
            tries += 1
            restarts += 1
            order = [failed] + [c for c in order if c is not failed]
        if failed is None:
            break
        failure = search.explain(failed)
    else:
        raise failure
    _second_start(search, initial, profile)
    moves = improve.improve(search, clusters, started)
    volumes.place_volumes(search)
    return search.decision(restarts, moves, started)


def _second_start(search, order, profile):
    """Multi-start: packing strands pipe hubs in tight holes, spreading
    gives them room.  The greedy runs in the other mode too and the
    improvement phase starts from the cheaper of the two answers (both
    greedy runs are complete: no clock decides which one is kept).  A
    first answer within ``improve_gap`` of the lower bound (``bounds.py``)
    is kept as is: the improvement phase would stop there anyway."""
    if not profile.improve_passes or not search.request.pipes:
        return
    first = (search.overlay, search.mode, search.current_cost())
    floor = bounds.lower_bound(search)
    if floor and first[2] <= floor * (1.0 + profile.improve_gap) + 1e-9:
        return    # provably within improve_gap of the optimum already
    search.reset(SPREAD if first[1] == PACK else PACK)
    if (search.run(order) is None
            and search.current_cost() < first[2] - 1e-9):
        return
    search.overlay, search.mode = first[0], first[1]


def group_definitions(datacenter, request, released=()):
    """{name: (type, level)} of every group this decision touches.

    Only the groups the plan names, the exclusivity groups it was told
    about and those of the members it releases: a decision never walks
    all the groups of the cloud (the model's dedicated index covers the
    exclusivity of the others).
    """
    defs = {}
    names = set(request.groups)
    for key in sorted(request.servers):
        names.update(request.servers[key].groups)
    for placement in released:
        names.update(dc_model.placement_field(placement, 'groups') or ())
    for name in names:
        spec = datacenter.groups.get(name)
        if spec is not None:
            defs[name] = (spec['type'], spec['level'])
    # The DB's exclusivity groups keep outsiders away even when the model
    # was built without group definitions.
    for name, level in getattr(request, 'known_exclusive', {}).items():
        defs[name] = (rules.EXCLUSIVITY, level)
    for name, group in request.groups.items():
        defs[name] = (group.type, group.level)
    for key in sorted(request.servers):
        for name in request.servers[key].groups:
            if name not in defs:
                raise exception.InvalidPlan(
                    detail='resources.%s: unknown group %r' % (key, name))
            kind, level = defs[name]
            if kind not in rules.GROUP_TYPES or level not in rules.LEVELS:
                raise exception.InvalidGroup(
                    detail='group %r: unknown type %r or level %r'
                    % (name, kind, level))
    return defs


def _exclusive(cluster, defs):
    return any(defs[name][0] == rules.EXCLUSIVITY
               for hb in cluster.host_bundles for name in hb.groups)


def initial_order(clusters, defs):
    """Most constrained first, then along pipes (heaviest link first).

    Each pipe-connected set of units starts with its exclusive or biggest
    unit; the next unit is the one most connected to those placed, so
    that its peers have hosts to be drawn to.
    """
    owner = {}
    for index, cluster in enumerate(clusters):
        for hb in cluster.host_bundles:
            for server in hb.servers:
                owner[server.key] = index
    links = [{} for _ in clusters]
    for index, cluster in enumerate(clusters):
        for hb in cluster.host_bundles:
            for peer, mbps in hb.pipes:
                other = owner.get(peer)
                if other is not None and other != index:
                    links[index][other] = links[index].get(other, 0) + mbps

    def rank(index):
        cluster = clusters[index]
        return (not _exclusive(cluster, defs), -len(cluster.servers),
                -sum(links[index].values()), index)

    order, placed = [], set()
    for start in sorted(range(len(clusters)), key=rank):
        if start in placed:
            continue
        frontier = {start: 0}
        while frontier:
            pick = min(frontier, key=lambda i: (-frontier[i], rank(i)))
            del frontier[pick]
            placed.add(pick)
            order.append(clusters[pick])
            for other, mbps in links[pick].items():
                if other not in placed:
                    frontier[other] = frontier.get(other, 0) + mbps
    return order


class Search:
    """One decision's search state; plugins read it (``search`` argument)."""

    def __init__(self, datacenter, request, defs, profile, seed,
                 released=(), released_bandwidth=None):
        self.dc = datacenter
        self.request = request
        self.defs = defs
        self.profile = profile
        self.seed = seed
        self.released = list(released)
        self.released_bandwidth = released_bandwidth or {}
        self._ties = {}
        self.all_hosts = [datacenter.hosts[n] for n in sorted(datacenter.hosts)]
        self.zone_hosts = {name: [datacenter.hosts[h] for h in zone.hosts]
                           for name, zone in datacenter.zones.items()}
        self.rack_hosts = {name: [datacenter.hosts[h] for h in rack.hosts]
                           for name, rack in datacenter.racks.items()}
        self.fixed_spots = {key: bandwidth.spot(loc)
                            for key, loc in request.fixed.items()}
        self._freed = {}
        for placement in self.released:
            spot = bandwidth.spot(placement)
            if spot[0] == bandwidth.SERVER:
                self._freed[spot[1]] = self._freed.get(spot[1], 0) + 1
        self.bundle_of, self._apart, self._per_overlay = {}, {}, {}
        self.backtracks = 0
        # Hosts checked for a bundle so far: what bounds the improvement
        # phase (a count, so the answer does not depend on the machine).
        self.evaluations = 0
        self.time_capped = False
        self.last_free = None
        self._groups = {}
        self._plugins = {}
        self._pipe_weight = profile.weight('pipe_cost')
        # The inline pre-check mirrors the 'disabled' and 'capacity' rules;
        # it is only used when both (the built-in ones) are configured.
        inline = {f.name for f in profile.filters if f.inline}
        self.quick_capacity = {'disabled', 'capacity'} <= inline
        self.reset(PACK)

    def reset(self, mode):
        self.mode = mode
        self.overlay = state.Overlay(self.dc, self.defs,
                                     self.request.known_exclusive)
        for placement in self.released:
            self.overlay.release(placement)
        self.overlay.add_bandwidth(self.released_bandwidth.get('hosts', {}),
                                   self.released_bandwidth.get('racks', {}),
                                   -1)
        # Pipes between members that stay keep their bandwidth.
        kept = [p.as_dict() for p in self.request.pipes
                if p.source in self.fixed_spots
                and p.target in self.fixed_spots]
        self.overlay.add_bandwidth(*bandwidth.usage(kept, self.fixed_spots))
        self._storage = {}

    def tiebreak(self, name):
        """Names, or with a seed a stable pseudo-random order of them."""
        if not self.seed:
            return name
        key = self._ties.get(name)
        if key is None:
            digest = hashlib.sha256(
                ('%s:%s' % (self.seed, name)).encode('utf-8')).hexdigest()
            key = self._ties[name] = (digest, name)
        return key

    # -- what plugins ask -------------------------------------------------
    def bundle_groups(self, bundle):
        """(affinity, exclusivity, diversity) [(group, level)] of a bundle."""
        cached = self._groups.get(id(bundle))
        if cached is None:
            by_type = {rules.AFFINITY: [], rules.EXCLUSIVITY: [],
                       rules.DIVERSITY: []}
            for name in sorted(bundle.groups):
                kind, level = self.defs[name]
                by_type[kind].append((name, level))
            cached = (by_type[rules.AFFINITY], by_type[rules.EXCLUSIVITY],
                      by_type[rules.DIVERSITY])
            self._groups[id(bundle)] = cached
        return cached

    def storage_zones(self, bundle):
        """Zones with a pool for every volume attached to the bundle."""
        zones = self._storage.get(id(bundle))
        if zones is None:
            zones = set(self.dc.zones)
            for volume in bundle.volumes:
                fits = {pool.zone for pool in self.dc.pools.values()
                        if volumes.pool_fits(self, pool, volume)}
                if volume.zone:
                    fits &= {volume.zone}
                zones &= fits
            self._storage[id(bundle)] = zones
        return zones

    def spot_of(self, key):
        """(kind, location, rack, zone) of a placed member, else None."""
        host = self.overlay.assigned.get(key)
        if host is not None:
            return state.spot_of_host(self.dc.hosts[host])
        pool = self.overlay.volumes.get(key)
        if pool is not None:
            pool = self.dc.pools[pool]
            return (decision_mod.VOLUME, pool.name, pool.rack, pool.zone)
        return self.fixed_spots.get(key)

    def per_overlay(self, name, bundle, compute):
        """``compute()``, the value ``name`` of ``bundle``, kept until the
        overlay changes (versions are unique across overlays): the
        search's own look-ups and the plugins' share this one cache."""
        key = (name, id(bundle))
        version = self.overlay.version
        hit = self._per_overlay.get(key)
        if hit is not None and hit[0] == version:
            return hit[1]
        value = compute()
        self._per_overlay[key] = (version, value)
        return value

    def peers(self, bundle):
        """(placed [(spot, Mbit/s)], Mbit/s to unplaced volumes,
        unplaced [(bundle, Mbit/s, apart)]) of a bundle's pipes, cached
        until the overlay changes."""
        return self.per_overlay('peers', bundle,
                                lambda: self._peers_of(bundle))

    def _peers_of(self, bundle):
        placed, to_volumes, unplaced = [], 0, []
        assigned = self.overlay.assigned
        for peer, mbps in bundle.pipes:
            spot = self.spot_of(peer)
            if spot is not None:
                placed.append((spot, mbps))
            elif peer in self.request.volumes:
                to_volumes += mbps
            else:
                other = self.bundle_of.get(peer)
                if other is not None and peer not in assigned:
                    unplaced.append((other, mbps, self.apart(bundle, other)))
        unplaced.sort(key=lambda item: -item[1])
        return placed, to_volumes, unplaced

    def pipe_demand(self, bundle, host):
        """({host: Mbit/s}, {rack: Mbit/s}) that ``bundle`` on ``host``
        adds for its pipes to placed peers (and to its volumes, which are
        always remote)."""
        hosts, racks = {}, {}
        here = state.spot_of_host(host)
        placed, to_volumes, _ = self.peers(bundle)
        if to_volumes:
            hosts[host.name] = to_volumes
        for spot, mbps in placed:
            bandwidth.pipe_usage(here, spot, mbps, hosts, racks)
        return hosts, racks

    def index_bundles(self, clusters):
        self.bundle_of = {}
        for cluster in clusters:
            for hb in cluster.host_bundles:
                for server in hb.servers:
                    self.bundle_of[server.key] = hb
        self._apart = {}

    def unplaced_peers(self, bundle):
        """[(peer bundle, Mbit/s, minimum distance)] of pipe peers not
        placed yet (heaviest first); the distance is what group rules force
        between the two bundles (0: they may share a host)."""
        return self.peers(bundle)[2]

    def apart(self, a, b):
        """The distance group rules force between two bundles at least."""
        key = (id(a), id(b))
        cached = self._apart.get(key)
        if cached is None:
            cached = 0
            for name in a.groups | b.groups:
                kind, level = self.defs[name]
                both = name in a.groups and name in b.groups
                if (kind == rules.DIVERSITY and both) or (
                        kind == rules.EXCLUSIVITY and not both):
                    cached = max(cached, rules.LEVEL_RANK[level] + 1)
            self._apart[key] = cached
        return cached

    def roomiest(self, count):
        """The ``count`` enabled hosts with the most free RAM now."""
        free = self.overlay.free
        return heapq.nsmallest(
            count, (h for h in self.all_hosts if h.enabled),
            key=lambda h: (-free(h)[1], h.name))

    def current_cost(self):
        """The objective of the current (complete) server assignment:
        weighted pipe cost, opened hosts and moves off previous hosts."""
        pipe_cost = 0
        for pipe in self.request.pipes:
            a, b = self.spot_of(pipe.source), self.spot_of(pipe.target)
            if a is not None and b is not None:
                pipe_cost += pipe.bandwidth_mbps * bandwidth.distance(a, b)
        opened = moved = 0
        seen = set()
        for key, name in self.overlay.assigned.items():
            if name not in seen:
                seen.add(name)
                host = self.dc.hosts[name]
                if host.members + host.external - self._freed.get(
                        name, 0) <= 0:
                    opened += 1
            previous = self.request.servers[key].previous
            if previous is not None and previous != name:
                moved += 1
        weight = self.profile.weight
        return (weight('pipe_cost') * pipe_cost + weight('new_hosts') * opened
                + weight('stay') * moved)

    # -- filters and scores -----------------------------------------------
    def plugins(self, bundle):
        cached = self._plugins.get(id(bundle))
        if cached is None:
            cached = (
                [f for f in self.profile.filters if f.applies(bundle, self)],
                [(s, w) for s, w in self.profile.scorers
                 if w and s.applies(bundle, self)])
            self._plugins[id(bundle)] = cached
        return cached

    def forget_plugins(self, bundle):
        """Drop the cached rules of ``bundle`` (its candidates changed)."""
        self._plugins.pop(id(bundle), None)

    def first_failure(self, host, bundle):
        """The Status of the first filter (in order) rejecting ``host``."""
        for rule in self.plugins(bundle)[0]:
            status = rule.check(host, bundle, self)
            if status is not None:
                return status
        return None

    def cost(self, host, bundle):
        """Weighted cost of ``bundle`` on ``host``; None if infeasible."""
        filters, scorers = self.plugins(bundle)
        self.evaluations += 1
        self.last_free = None
        for rule in filters:
            if rule.check(host, bundle, self) is not None:
                return None
        free = self.last_free or self.overlay.free(host)
        return sum(w * s.score(host, bundle, self, free) for s, w in scorers)

    def best_host(self, bundle, scope=None):
        """(host, cost) of the cheapest feasible host in ``scope``, or
        (None, None).  ``scope``: None, ('zone', name) or ('rack', name).

        Tiers are scanned in order until no later tier can beat the best
        host found (scorer floors).  A tier over more than
        ``RACK_WINDOW_RACKS`` racks is scanned rack by rack and stops
        ``RACK_WINDOW`` racks after the first rack with a feasible host:
        hosts that far from every peer differ in tie-breakers only.
        """
        scan = scanning.Scan(self, bundle)
        seen = set()
        visited = 0
        for tier, hosts, racks in self._tiers(bundle, scope):
            if scan.host is not None and tier:
                floor = sum(w * s.floor(bundle, self, tier)
                            for s, w in self.plugins(bundle)[1])
                if scan.cost <= floor:
                    break
            if racks is None:
                visited += len(hosts)
                scan.hosts(hosts, seen, remember=True)
                continue
            window = None
            for rack in racks:
                group = self.rack_hosts[rack]
                visited += len(group)
                scan.hosts(group, seen, remember=False)
                if scan.host is not None:
                    window = RACK_WINDOW if window is None else window - 1
                    if window <= 0:
                        break
        self.evaluations += visited
        if scan.host is None:
            return None, None
        return scan.host, scan.cost

    def _scope_hosts(self, scope):
        if scope is None:
            return self.all_hosts
        if scope[0] == 'zone':
            return self.zone_hosts.get(scope[1], ())
        return self.rack_hosts.get(scope[1], ())

    def _scope_racks(self, scope):
        if scope is None:
            return self._seeded([r for z in sorted(self.dc.zones)
                                 for r in self.dc.zones[z].racks])
        if scope[0] == 'zone':
            zone = self.dc.zones.get(scope[1])
            return self._seeded(list(zone.racks)) if zone else []
        return [scope[1]] if scope[1] in self.rack_hosts else []

    def _seeded(self, racks):
        """Racks in the seed's order (scale-out): engines with their own
        seeds scan, and so pack, different racks first, instead of all
        racing for the same hosts.  No seed: as given."""
        return sorted(racks, key=self.tiebreak) if self.seed else racks

    def _wide(self, scope):
        """(hosts, None) or, for a scope too big to scan, (None, racks)."""
        racks = self._scope_racks(scope)
        if len(racks) > RACK_WINDOW_RACKS:
            return None, racks
        return self._scope_hosts(scope), None

    def _tiers(self, bundle, scope):
        """(tier, hosts, racks) to scan in order (see the module
        docstring); ``racks`` (not None) means "these racks' hosts"."""
        in_scope = _scope_test(scope)
        if bundle.host is not None:
            forced = self.dc.hosts.get(bundle.host)
            yield 0, ([forced] if forced is not None and in_scope(forced)
                      else []), None
            return
        if bundle.candidates is not None and len(bundle.candidates) < len(
                self._scope_hosts(scope)):
            yield 0, [self.dc.hosts[n] for n in sorted(bundle.candidates)
                      if n in self.dc.hosts
                      and in_scope(self.dc.hosts[n])], None
            return
        spots = [spot for spot, _ in self.peers(bundle)[0]]
        if not spots and bundle.previous is None:
            yield (0,) + self._wide(scope)
            return
        near_hosts = sorted({s[1] for s in spots
                             if s[0] == bandwidth.SERVER}
                            | ({bundle.previous} if bundle.previous else set()))
        near_racks = sorted({s[2] for s in spots if s[2] is not None})
        near_zones = sorted({s[3] for s in spots if s[3] is not None})
        yield 0, [self.dc.hosts[n] for n in near_hosts
                  if n in self.dc.hosts and in_scope(self.dc.hosts[n])], None
        near = [h for r in near_racks for h in self.rack_hosts.get(r, ())]
        yield 1, (near if scope is None
                  else [h for h in near if in_scope(h)]), None
        for tier, zones in ((2, near_zones), (3, None)):
            if zones is not None:
                zone_scopes = [('zone', z) for z in zones
                               if scope is None or scope == ('zone', z)
                               or scope[0] == 'rack'
                               and self.dc.racks[scope[1]].zone == z]
                if scope is not None and scope[0] == 'rack':
                    zone_scopes = [scope] if zone_scopes else []
            else:
                zone_scopes = [scope]
            hosts, racks = [], []
            for sub in zone_scopes:
                sub_hosts, sub_racks = self._wide(sub)
                if sub_racks is None:
                    hosts.extend(sub_hosts)
                else:
                    racks.extend(sub_racks)
            if racks:
                yield tier, None, racks + [
                    r for r in dict.fromkeys(h.rack for h in hosts)]
            else:
                yield tier, hosts, None

    # -- the search -------------------------------------------------------
    def run(self, order):
        """Place the clusters in order; the first one that fails, or None."""
        for cluster in order:
            mark = self.overlay.mark()
            if not self._cluster(cluster):
                self.overlay.rollback(mark)
                return cluster
        return None

    def place_cluster(self, cluster):
        """Place one affinity unit whole (True) or leave no trace."""
        mark = self.overlay.mark()
        if self._cluster(cluster):
            return True
        self.overlay.rollback(mark)
        return False

    def _cluster(self, cluster):
        if len(cluster.rack_bundles) == 1:
            return self._rack_bundle(cluster.rack_bundles[0], cluster.zone)
        for zone in self._zone_order(cluster):
            mark = self.overlay.mark()
            if all(self._rack_bundle(rb, zone)
                   for rb in cluster.rack_bundles):
                return True
            self.overlay.rollback(mark)
            self.backtracks += 1
        return False

    def _rack_bundle(self, bundle, zone):
        if len(bundle.host_bundles) == 1:
            only = bundle.host_bundles[0]
            zone = zone or only.zone
            return self.place_bundle(only, ('zone', zone) if zone else None)
        mode = self.mode
        modes = (mode, SPREAD if mode == PACK else PACK)
        try:
            for rack in self._rack_order(bundle, zone):
                for self.mode in modes:
                    mark = self.overlay.mark()
                    if all(self.place_bundle(hb, ('rack', rack.name))
                           for hb in bundle.host_bundles):
                        return True
                    self.overlay.rollback(mark)
                    self.backtracks += 1
            return False
        finally:
            self.mode = mode

    def place_bundle(self, bundle, scope):
        host, _ = self.best_host(bundle, scope)
        if host is None:
            return False
        self.overlay.assign(bundle, host, self.pipe_demand(bundle, host)
                            if bundle.pipes else None)
        return True

    # -- unit preferences -------------------------------------------------
    def _free_sum(self, hosts):
        total = [0, 0, 0]
        free = self.overlay.free
        for host in hosts:
            if host.enabled:
                room = free(host)
                for i in range(3):
                    if room[i] > 0:
                        total[i] += room[i]
        return total

    @staticmethod
    def _fits(total, size):
        return all(total[i] >= size[i] for i in range(3))

    def _peer_spots(self, host_bundles):
        inside = {s.key for hb in host_bundles for s in hb.servers}
        return [(self.spot_of(peer), mbps) for hb in host_bundles
                for peer, mbps in hb.pipes if peer not in inside]

    def _pipe_floor(self, peers, rack=None, zone=None):
        cost = 0
        for spot, mbps in peers:
            if spot is None:
                continue
            if rack is not None and spot[2] == rack:
                cost += mbps * (1 if spot[0] != bandwidth.SERVER else 0)
            elif spot[3] == zone:
                cost += mbps * (2 if rack is not None else 0)
            else:
                cost += mbps * 3
        return cost * self._pipe_weight

    def _rack_order(self, bundle, zone):
        zones = [zone] if zone else sorted(self.dc.zones)
        wanted = {hb.zone for hb in bundle.host_bundles if hb.zone}
        peers = self._peer_spots(bundle.host_bundles)
        candidates = []
        size = bundle.size
        for zone_name in zones:
            if wanted and zone_name not in wanted:
                continue
            spec = self.dc.zones.get(zone_name)
            for rack_name in (spec.racks if spec else ()):
                hosts = self.rack_hosts[rack_name]
                total = self._free_sum(hosts)
                if not self._fits(total, size):
                    continue
                used = any(self.overlay.occupied(h) for h in hosts)
                candidates.append(((self._pipe_floor(peers, rack_name,
                                                     zone_name),
                                    0 if used else 1, sum(total),
                                    self.tiebreak(rack_name)),
                                   self.dc.racks[rack_name]))
        return [rack for _, rack in sorted(candidates, key=lambda c: c[0])]

    def _zone_order(self, cluster):
        zones = [cluster.zone] if cluster.zone else sorted(self.dc.zones)
        peers = self._peer_spots(cluster.host_bundles)
        candidates = []
        for name in zones:
            if name not in self.dc.zones:
                continue
            if not self._fits(self._free_sum(self.zone_hosts[name]),
                              cluster.size):
                continue
            candidates.append(((self._pipe_floor(peers, zone=name),
                                self.tiebreak(name)), name))
        return [name for _, name in sorted(candidates)]

    # -- results ----------------------------------------------------------
    def decision(self, restarts, moves=0, started=None):
        placements = {}
        for key in sorted(self.request.servers):
            server = self.request.servers[key]
            host = self.dc.hosts[self.overlay.assigned[key]]
            placements[key] = decision_mod.Location(
                kind=decision_mod.SERVER, name=server.name,
                location=host.name, rack=host.rack, zone=host.zone,
                vcpus=server.vcpus, memory_mb=server.memory_mb,
                disk_gb=server.disk_gb, groups=list(server.groups),
                flavor=server.flavor)
        for key in sorted(self.request.volumes):
            volume = self.request.volumes[key]
            pool = self.dc.pools[self.overlay.volumes[key]]
            placements[key] = decision_mod.Location(
                kind=decision_mod.VOLUME, name=volume.name,
                location=pool.name, rack=pool.rack, zone=pool.zone,
                disk_gb=volume.size_gb)
        used = {name for key in self.request.servers
                for name in self.request.servers[key].groups}
        used.update(self.request.groups)
        pipes = [p.as_dict() for p in self.request.pipes]
        spots = dict(self.fixed_spots)
        spots.update((k, bandwidth.spot(v)) for k, v in placements.items())
        hosts_mbps, racks_mbps = bandwidth.usage(pipes, spots)
        terms = objective.evaluate(self.dc, self.request, placements,
                                   released=self.released)
        stats = {'hosts_considered': len(self.dc.hosts),
                 'restarts': restarts, 'backtracks': self.backtracks,
                 'mode': self.mode, 'improvement_moves': moves,
                 'evaluations': self.evaluations,
                 'improve_time_capped': self.time_capped}
        stats.update(terms)
        if started is not None:
            stats['elapsed_ms'] = round(
                (time.perf_counter() - started) * 1000.0, 3)
        return decision_mod.Decision(
            placements=dict(sorted(placements.items())),
            groups={name: {'type': self.defs[name][0],
                           'level': self.defs[name][1]}
                    for name in sorted(used) if name in self.defs},
            new_groups=sorted(g.name for g in self.request.new_groups),
            plan_name=self.request.plan_name,
            stack_id=self.request.stack_id,
            pipes=pipes,
            bandwidth={'hosts': hosts_mbps, 'racks': racks_mbps},
            stats=stats)

    # -- failures ---------------------------------------------------------
    def explain(self, cluster):
        """PlacementFailed for ``cluster`` in the current overlay state."""
        order = self.profile.rules
        for hb in cluster.host_bundles:
            result = explain.eliminate_hosts(self.first_failure,
                                             self.all_hosts, hb)
            if result.survivors:
                continue
            rule = result.emptying_rule(order) or 'capacity'
            group = result.main_group(rule)
            code = explain.code_for(rule)
            if rule == 'capacity' and hb.affinity:
                # Each member may fit alone; together they do not.
                code, group = 'affinity_unsatisfiable', hb.affinity[0]
            return explain.failure(explain.reason(
                code, hb.key, result, order, group, self.defs))
        # Every bundle fits somewhere alone: the affinity unit as a whole
        # does not fit in any one rack or zone.
        unit, group = cluster, (cluster.affinity or [None])[0]
        for rb in cluster.rack_bundles:
            if len(rb.host_bundles) > 1 and not self._fits_alone(rb):
                unit, group = rb, (rb.affinity or [group])[0]
                break
        hb = unit.host_bundles[0]
        result = explain.eliminate_hosts(self.first_failure, self.all_hosts,
                                         hb)
        for _ in range(result.survivors):
            result.remove('affinity', group)
        return explain.failure(explain.reason(
            'affinity_unsatisfiable', hb.key, result, order, group,
            self.defs))

    def _fits_alone(self, rack_bundle):
        mark = self.overlay.mark()
        try:
            return self._rack_bundle(rack_bundle, None)
        finally:
            self.overlay.rollback(mark)


def _scope_test(scope):
    if scope is None:
        return lambda host: True
    if scope[0] == 'zone':
        return lambda host: host.zone == scope[1]
    return lambda host: host.rack == scope[1]
