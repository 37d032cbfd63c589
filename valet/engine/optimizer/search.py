"""Ostro's first optimizer: a greedy search with limited backtracking.

Affinity units (see ``structure.py``) are placed whole, biggest and most
constrained first.  A unit bound to one zone tries zones in turn; a unit
bound to one rack tries racks in turn; inside, every host bundle takes the
feasible host that is already in use and fits most tightly (consolidation,
as Ostro did), ties broken by name or a seeded hash of it.  When a unit
cannot be placed, the search restarts a few times with that unit first
before it explains the failure; a rack that cannot take its unit packed
tightly is tried once more spread out, and the whole search runs once more
spread out before giving up.  The datacenter model is never modified: all
tentative state lives in an :class:`~state.Overlay`.
"""
import hashlib

from valet import exception
from valet.engine.model import groups as rules
from valet.engine.optimizer import decision as decision_mod
from valet.engine.optimizer import explain
from valet.engine.optimizer import filters
from valet.engine.optimizer import state
from valet.engine.optimizer import structure
from valet.engine.optimizer import volumes

MAX_RESTARTS = 3
PACK = 'pack'          # tightest fit first: consolidation (the default)
SPREAD = 'spread'      # most room first: the fallback when packing fails


def place(datacenter, request, seed=0, candidate_hosts=None,
          max_restarts=MAX_RESTARTS):
    """Decide where every server and volume of ``request`` goes.

    ``candidate_hosts``: if given, the only hosts servers may use (what
    Nova's other filters left).  Returns a :class:`~decision.Decision`;
    raises InvalidPlan for plans no datacenter could satisfy, NotSupported
    for rules this optimizer lacks and PlacementFailed (with a structured
    reason) when this datacenter cannot hold the plan.
    """
    defs = group_definitions(datacenter, request)
    clusters = structure.build(request, defs)
    search = _Search(datacenter, request, defs, seed, candidate_hosts)
    restarts = 0
    for mode in (PACK, SPREAD):
        order = _initial_order(clusters, defs)
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
    volumes.place_volumes(datacenter, search.overlay, request, search.tiebreak)
    return search.decision(restarts)


def group_definitions(datacenter, request):
    """{name: (type, level)} of every group the model or the plan knows."""
    defs = {}
    for name, spec in datacenter.groups.items():
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
            if kind == rules.EXCLUSIVITY and level == rules.ZONE:
                raise exception.NotSupported(
                    detail='resources.%s: group %r: exclusivity at zone level '
                    'is not supported yet' % (key, name))
    return defs


def _initial_order(clusters, defs):
    """Most constrained first: exclusive units, then the biggest units."""
    def key(indexed):
        index, cluster = indexed
        exclusive = any(defs[name][0] == rules.EXCLUSIVITY
                        for hb in cluster.host_bundles for name in hb.groups)
        return (not exclusive, -len(cluster.servers), index)
    return [cluster for _, cluster in sorted(enumerate(clusters), key=key)]


class _Search:

    def __init__(self, datacenter, request, defs, seed, candidates=None):
        self.dc = datacenter
        self.request = request
        self.defs = defs
        self.seed = seed
        self.candidates = None if candidates is None else frozenset(candidates)
        self._ties = {}
        self.all_hosts = [datacenter.hosts[n] for n in sorted(datacenter.hosts)]
        self.backtracks = 0
        self.reset(PACK)

    def reset(self, mode):
        self.mode = mode
        self.overlay = state.Overlay(self.dc, self.defs)
        self.filters = filters.Filters(self.dc, self.overlay, self.defs,
                                       self.candidates)

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

    # -- the search -------------------------------------------------------
    def run(self, order):
        """Place the clusters in order; the first one that fails, or None."""
        for cluster in order:
            mark = self.overlay.mark()
            if not self._cluster(cluster):
                self.overlay.rollback(mark)
                return cluster
        return None

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
            return self._host_bundle(only, self._hosts_in(zone or only.zone))
        mode = self.mode
        modes = (mode, SPREAD if mode == PACK else PACK)
        try:
            for rack in self._rack_order(bundle, zone):
                hosts = [self.dc.hosts[n] for n in rack.hosts]
                for self.mode in modes:
                    mark = self.overlay.mark()
                    if all(self._host_bundle(hb, hosts)
                           for hb in bundle.host_bundles):
                        return True
                    self.overlay.rollback(mark)
                    self.backtracks += 1
            return False
        finally:
            self.mode = mode

    def _host_bundle(self, bundle, hosts):
        if bundle.host is not None:
            forced = self.dc.hosts.get(bundle.host)
            hosts = [forced] if forced is not None and forced in hosts else []
        best = None
        check = self.filters.check
        for host in hosts:
            if check(host, bundle) is not None:
                continue
            key = self._score(host, bundle, self.filters.last_free)
            if best is None or key < best[0]:
                best = (key, host)
        if best is None:
            return False
        self.overlay.assign(bundle, best[1])
        return True

    # -- preferences ------------------------------------------------------
    def _score(self, host, bundle, free):
        """Used hosts first, then the tightest (or loosest) fit, the name."""
        leftover = 0.0
        if host.vcpus > 0:
            leftover += (free[0] - bundle.vcpus) / host.vcpus
        if host.memory_mb > 0:
            leftover += (free[1] - bundle.memory_mb) / host.memory_mb
        if host.disk_gb > 0:
            leftover += (free[2] - bundle.disk_gb) / host.disk_gb
        if self.mode == SPREAD:
            leftover = -leftover
        opens = 0 if self.overlay.occupied(host) else 1
        return opens, leftover, self.tiebreak(host.name)

    def _hosts_in(self, zone):
        if zone is None:
            return self.all_hosts
        spec = self.dc.zones.get(zone)
        return [self.dc.hosts[n] for n in spec.hosts] if spec else []

    def _free_sum(self, host_names):
        total = [0, 0, 0]
        for name in host_names:
            host = self.dc.hosts[name]
            if host.enabled:
                free = self.overlay.free(host)
                for i in range(3):
                    total[i] += max(0, free[i])
        return total

    def _fits(self, total, size):
        return all(total[i] >= size[i] for i in range(3))

    def _rack_order(self, bundle, zone):
        zones = [zone] if zone else sorted(self.dc.zones)
        wanted = {hb.zone for hb in bundle.host_bundles if hb.zone}
        candidates = []
        size = bundle.size
        for zone_name in zones:
            if wanted and zone_name not in wanted:
                continue
            spec = self.dc.zones.get(zone_name)
            for rack_name in (spec.racks if spec else ()):
                rack = self.dc.racks[rack_name]
                total = self._free_sum(rack.hosts)
                if not self._fits(total, size):
                    continue
                used = any(self.overlay.occupied(self.dc.hosts[n])
                           for n in rack.hosts)
                candidates.append(((0 if used else 1, sum(total),
                                    self.tiebreak(rack_name)), rack))
        return [rack for _, rack in sorted(candidates, key=lambda c: c[0])]

    def _zone_order(self, cluster):
        zones = [cluster.zone] if cluster.zone else sorted(self.dc.zones)
        candidates = []
        for name in zones:
            spec = self.dc.zones.get(name)
            if spec is None:
                continue
            if not self._fits(self._free_sum(spec.hosts), cluster.size):
                continue
            candidates.append((self.tiebreak(name), name))
        return [name for _, name in sorted(candidates)]

    # -- results ----------------------------------------------------------
    def decision(self, restarts):
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
        return decision_mod.Decision(
            placements=dict(sorted(placements.items())),
            groups={name: {'type': self.defs[name][0],
                           'level': self.defs[name][1]}
                    for name in sorted(used) if name in self.defs},
            new_groups=sorted(g.name for g in self.request.new_groups),
            plan_name=self.request.plan_name,
            stack_id=self.request.stack_id,
            stats={'hosts_considered': len(self.dc.hosts),
                   'restarts': restarts, 'backtracks': self.backtracks,
                   'mode': self.mode})

    # -- failures ---------------------------------------------------------
    def explain(self, cluster):
        """PlacementFailed for ``cluster`` in the current overlay state."""
        order = filters.RULES
        for hb in cluster.host_bundles:
            result = explain.eliminate_hosts(self.filters, self.all_hosts, hb)
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
        result = explain.eliminate_hosts(self.filters, self.all_hosts, hb)
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
