"""Affinity units of a plan, and the contradictions a plan can hold.

Servers joined by affinity groups form nested units: a *host bundle* must
share one host, a *rack bundle* (host bundles) one rack and a *cluster*
(rack bundles) one zone.  Ostro places a unit as a whole so it never splits
an affinity group halfway.  Building the units also exposes plans no
datacenter could satisfy (same host yet diverse; an exclusive member sharing
a host with an outsider; two exclusivity groups at one level) -- those are
InvalidPlan, not placement failures.
"""
import dataclasses

from valet import exception
from valet.engine.model import groups as rules
from valet.engine.optimizer import extra_specs


@dataclasses.dataclass
class HostBundle:
    servers: list                  # ServerRequest, sorted by key
    vcpus: int = 0
    memory_mb: int = 0
    disk_gb: int = 0
    groups: frozenset = frozenset()
    zone: str = None
    host: str = None
    affinity: list = dataclasses.field(default_factory=list)
    requirements: list = dataclasses.field(default_factory=list)
    volumes: list = dataclasses.field(default_factory=list)
    # (peer key, Mbit/s) of pipes that leave the bundle, summed per peer.
    pipes: list = dataclasses.field(default_factory=list)
    candidates: frozenset = None   # hosts allowed (None: any)
    excluded: frozenset = frozenset()
    previous: str = None           # the host it had (replans)

    @property
    def key(self):
        return self.servers[0].key

    @property
    def mbps(self):
        return sum(mbps for _, mbps in self.pipes)

    @property
    def size(self):
        return (self.vcpus, self.memory_mb, self.disk_gb)


@dataclasses.dataclass
class RackBundle:
    host_bundles: list
    affinity: list = dataclasses.field(default_factory=list)

    @property
    def size(self):
        return _total(b.size for b in self.host_bundles)

    @property
    def key(self):
        return self.host_bundles[0].key


@dataclasses.dataclass
class Cluster:
    rack_bundles: list
    affinity: list = dataclasses.field(default_factory=list)
    zone: str = None

    @property
    def host_bundles(self):
        return [hb for rb in self.rack_bundles for hb in rb.host_bundles]

    @property
    def size(self):
        return _total(rb.size for rb in self.rack_bundles)

    @property
    def key(self):
        return self.rack_bundles[0].key

    @property
    def servers(self):
        return [s for hb in self.host_bundles for s in hb.servers]


def _total(sizes):
    """The sum of (vcpus, memory_mb, disk_gb) triples, in one pass."""
    vcpus = memory_mb = disk_gb = 0
    for size in sizes:
        vcpus += size[0]
        memory_mb += size[1]
        disk_gb += size[2]
    return (vcpus, memory_mb, disk_gb)


class _UnionFind:
    def __init__(self, keys):
        self.parent = {k: k for k in keys}

    def find(self, key):
        while self.parent[key] != key:
            self.parent[key] = self.parent[self.parent[key]]
            key = self.parent[key]
        return key

    def union(self, a, b):
        a, b = self.find(a), self.find(b)
        if a != b:
            # The smaller key names the set, for deterministic output.
            self.parent[max(a, b)] = min(a, b)

    def sets(self):
        result = {}
        for key in sorted(self.parent):
            result.setdefault(self.find(key), []).append(key)
        return list(result.values())


class Groups:
    """Group types/levels and this plan's members of each group."""

    def __init__(self, request, group_defs):
        self.defs = group_defs                 # name -> (type, level)
        self.members = {}                      # name -> [server keys]
        for key in sorted(request.servers):
            for name in request.servers[key].groups:
                self.members.setdefault(name, []).append(key)

    def of_type(self, kind):
        return sorted(n for n in self.members if self.defs[n][0] == kind)


def _partition(servers, groups, level):
    """Sets of server keys that affinity forces into one unit at ``level``."""
    uf = _UnionFind(servers)
    for name in groups.of_type(rules.AFFINITY):
        if rules.LEVEL_RANK[groups.defs[name][1]] <= rules.LEVEL_RANK[level]:
            members = groups.members[name]
            for other in members[1:]:
                uf.union(members[0], other)
    return uf.sets()


def _binding(groups, keys, level):
    """Affinity groups at exactly ``level`` with two or more of ``keys``."""
    keys = set(keys)
    return [name for name in groups.of_type(rules.AFFINITY)
            if groups.defs[name][1] == level
            and len(keys.intersection(groups.members[name])) > 1]


def _by_size(items):
    return sorted(items, key=lambda item: (tuple(-x for x in item.size),
                                           item.key))


def build(request, group_defs, candidates=None):
    """The clusters of ``request``, biggest first; raises InvalidPlan.

    ``group_defs``: {name: (type, level)} of every group the servers name;
    ``candidates``: hosts every server is limited to (None: any).
    """
    servers = request.servers
    groups = Groups(request, group_defs)
    _check_exclusive_levels(request, group_defs)
    levels = {level: _partition(servers, groups, level)
              for level in rules.LEVELS}
    _check_contradictions(groups, levels)
    host_of = {}
    for keys in levels[rules.HOST]:
        bundle = _host_bundle(request, keys, groups, candidates)
        for key in keys:
            host_of[key] = bundle
    _attach_pipes(request, host_of)
    rack_of = {}
    for keys in levels[rules.RACK]:
        members = _unique(host_of[k] for k in keys)
        rb = RackBundle(_by_size(members),
                        _binding(groups, keys, rules.RACK)
                        + _binding(groups, keys, rules.HOST))
        for key in keys:
            rack_of[key] = rb
    clusters = []
    for keys in levels[rules.ZONE]:
        rbs = _unique(rack_of[k] for k in keys)
        zones = sorted({servers[k].zone for k in keys if servers[k].zone})
        if len(zones) > 1:
            raise exception.InvalidPlan(detail=(
                'resources %s must share a zone through affinity groups %s '
                'but ask for availability zones %s' % (
                    ', '.join(keys), ', '.join(_all_binding(groups, keys)),
                    ', '.join(zones))))
        clusters.append(Cluster(_by_size(rbs), _all_binding(groups, keys),
                                zones[0] if zones else None))
    return _by_size(clusters)


def _all_binding(groups, keys):
    return (_binding(groups, keys, rules.ZONE)
            + _binding(groups, keys, rules.RACK)
            + _binding(groups, keys, rules.HOST))


def _unique(items):
    seen, result = set(), []
    for item in items:
        if id(item) not in seen:
            seen.add(id(item))
            result.append(item)
    return result


def _attach_pipes(request, host_of):
    """Give every host bundle the pipes that leave it, per peer."""
    per_bundle = {}
    for pipe in request.pipes:
        for end, peer in ((pipe.source, pipe.target),
                          (pipe.target, pipe.source)):
            bundle = host_of.get(end)
            if bundle is None or host_of.get(peer) is bundle:
                continue
            peers = per_bundle.setdefault(id(bundle), (bundle, {}))[1]
            peers[peer] = peers.get(peer, 0) + pipe.bandwidth_mbps
    for bundle, peers in per_bundle.values():
        bundle.pipes = sorted(peers.items())


def _host_bundle(request, keys, groups, candidates=None):
    servers = [request.servers[k] for k in keys]
    allowed = None if candidates is None else frozenset(candidates)
    for server in servers:
        if server.candidates is not None:
            allowed = (frozenset(server.candidates) if allowed is None
                       else allowed & frozenset(server.candidates))
    previous = {s.previous for s in servers}
    hosts = sorted({s.host for s in servers if s.host})
    if len(hosts) > 1:
        raise exception.InvalidPlan(detail=(
            'resources %s must share a host through affinity groups %s but '
            'force hosts %s' % (', '.join(keys), ', '.join(
                _binding(groups, keys, rules.HOST)), ', '.join(hosts))))
    names = set()
    for server in servers:
        names.update(server.groups)
    return HostBundle(
        servers=servers,
        vcpus=sum(s.vcpus for s in servers),
        memory_mb=sum(s.memory_mb for s in servers),
        disk_gb=sum(s.disk_gb for s in servers),
        groups=frozenset(names),
        zone=next((s.zone for s in servers if s.zone), None),
        host=hosts[0] if hosts else None,
        affinity=_binding(groups, keys, rules.HOST),
        requirements=[r for r in (extra_specs.aggregate_requirements(
            s.extra_specs) for s in servers) if r],
        volumes=[request.volumes[v] for s in servers for v in s.volumes],
        candidates=allowed,
        excluded=frozenset().union(*(s.excluded or () for s in servers)),
        previous=previous.pop() if len(previous) == 1 else None)


def _check_exclusive_levels(request, group_defs):
    """DESIGN §5.2: a member may not be in two exclusivity groups at a level."""
    for key in sorted(request.servers):
        seen = {}
        for name in request.servers[key].groups:
            kind, level = group_defs[name]
            if kind != rules.EXCLUSIVITY:
                continue
            if level in seen:
                raise exception.InvalidPlan(detail=(
                    'resources.%s: member of exclusivity groups %r and %r at '
                    '%s level; a member may be in only one exclusivity group '
                    'per level' % (key, seen[level], name, level)))
            seen[level] = name


def _check_contradictions(groups, levels):
    """Affinity units that diversity or exclusivity make impossible."""
    unit_of = {}
    for level, sets in levels.items():
        for keys in sets:
            for key in keys:
                unit_of[level, key] = keys
    for name in sorted(groups.members):
        kind, level = groups.defs[name]
        members = groups.members[name]
        if kind == rules.DIVERSITY:
            seen = {}
            for key in members:
                unit = tuple(unit_of[level, key])
                if unit in seen:
                    raise exception.InvalidPlan(detail=(
                        'resources %s and %s must share a %s through affinity '
                        'groups %s but diversity group %r needs them in '
                        'different %ss' % (
                            seen[unit], key, level, ', '.join(
                                _all_binding(groups, list(unit))),
                            name, level)))
                seen[unit] = key
        elif kind == rules.EXCLUSIVITY:
            member_set = set(members)
            for key in members:
                for other in unit_of[level, key]:
                    if other not in member_set:
                        raise exception.InvalidPlan(detail=(
                            'resources.%s must share a %s with %s (affinity '
                            'groups %s) but is not in its exclusivity group '
                            '%r' % (other, level, key, ', '.join(
                                _all_binding(groups, unit_of[level, key])),
                                name)))
