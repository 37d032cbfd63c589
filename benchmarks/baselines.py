"""The baselines Valet is measured against, on the same model.

``nova_style``: how Nova schedules a stack, one server at a time.  A
faithful re-implementation (Nova itself is not a dependency) of its
capacity filtering with allocation ratios (what Placement's inventories
and the old Core/Ram/DiskFilter enforce), ServerGroupAffinityFilter /
ServerGroupAntiAffinityFilter (server groups know only host-level
affinity and anti-affinity; Valet's host diversity and host exclusivity
map to anti-affinity, host affinity to affinity) and RAMWeigher with its
default multiplier 1.0 (most free RAM wins: spreading).  Rack and zone
rules, exclusivity of other tenants and pipes are invisible to it.

``ostro_greedy``: the first Ostro: biggest server first, the fullest host
that passes every hard rule (all levels), no lookahead, no backtracking,
no pipe awareness.
"""
from valet.engine.model import groups as rules


def _free(datacenter):
    return {h.name: [h.free_vcpus, h.free_memory_mb, h.free_disk_gb]
            for h in datacenter.hosts.values() if h.enabled}


def _fits(free, server):
    return (free[0] >= server.vcpus and free[1] >= server.memory_mb
            and free[2] >= server.disk_gb)


def _take(free, server):
    free[0] -= server.vcpus
    free[1] -= server.memory_mb
    free[2] -= server.disk_gb


def nova_style(datacenter, request):
    """{key: host}, or None when a server finds no host ("No valid
    host")."""
    free = _free(datacenter)
    chosen = {}
    for key in sorted(request.servers):
        srv = request.servers[key]
        host_groups = [request.groups[g] for g in srv.groups
                       if request.groups[g].level == rules.HOST]
        peers = {chosen[k] for g in host_groups for k in g.servers
                 if k in chosen}
        anti = any(g.type in (rules.DIVERSITY, rules.EXCLUSIVITY)
                   for g in host_groups)
        affinity = any(g.type == rules.AFFINITY for g in host_groups)
        best = None
        for name in sorted(free):
            if not _fits(free[name], srv):
                continue
            if anti and name in peers:
                continue
            if affinity and peers and name not in peers:
                continue
            if best is None or free[name][1] > free[best][1]:
                best = name
        if best is None:
            return None
        chosen[key] = best
        _take(free[best], srv)
    return chosen


def ostro_greedy(datacenter, request):
    """{key: host}, or None when greedy gets stuck."""
    free = _free(datacenter)
    hosts = datacenter.hosts
    units = {}          # (group, level) -> {unit: count}
    total = {}          # (level, unit) -> servers there (anyone's)
    for host in hosts.values():
        for level in rules.LEVELS:
            unit = host.unit(level)
            total[level, unit] = total.get((level, unit), 0) + (
                host.members + host.external)
    chosen = {}
    order = sorted(request.servers.values(),
                   key=lambda s: (-s.memory_mb, -s.vcpus, s.key))
    for srv in order:
        best = None
        for name in sorted(free):
            host = hosts[name]
            if not _fits(free[name], srv) or not _allowed(
                    request, srv, host, units, total):
                continue
            if best is None or free[name][1] < free[best][1]:
                best = name
        if best is None:
            return None
        chosen[srv.key] = best
        _take(free[best], srv)
        host = hosts[best]
        for level in rules.LEVELS:
            unit = host.unit(level)
            total[level, unit] = total.get((level, unit), 0) + 1
            for group in srv.groups:
                counts = units.setdefault((group, level), {})
                counts[unit] = counts.get(unit, 0) + 1
    return chosen


def _allowed(request, srv, host, units, total):
    for group in srv.groups:
        spec = request.groups[group]
        unit = host.unit(spec.level)
        here = units.get((group, spec.level), {})
        if spec.type == rules.AFFINITY and here and unit not in here:
            return False
        if spec.type == rules.DIVERSITY and here.get(unit):
            return False
        if spec.type == rules.EXCLUSIVITY and total.get(
                (spec.level, unit), 0) != here.get(unit, 0):
            return False
    for group, spec in request.groups.items():
        if spec.type == rules.EXCLUSIVITY and group not in srv.groups:
            if units.get((group, spec.level), {}).get(host.unit(spec.level)):
                return False
    return True


def broken_rules(datacenter, request, chosen):
    """How many group rules the answer breaks (0 for a correct answer)."""
    broken = 0
    for group in request.groups.values():
        keys = [k for k in group.servers if k in chosen]
        spots = [datacenter.hosts[chosen[k]].unit(group.level) for k in keys]
        if group.type == rules.AFFINITY and len(set(spots)) > 1:
            broken += 1
        elif group.type == rules.DIVERSITY and len(set(spots)) < len(spots):
            broken += 1
        elif group.type == rules.EXCLUSIVITY:
            mine = set(spots)
            others = {datacenter.hosts[chosen[k]].unit(group.level)
                      for k in chosen if k not in keys}
            outside = any(
                (h.members + h.external) and h.unit(group.level) in mine
                for h in datacenter.hosts.values())
            if others & mine or outside:
                broken += 1
    return broken
