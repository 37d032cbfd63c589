"""A tentative layer over the datacenter model, with undo.

Ostro must not change the model it decides on (the engine applies the
decision only after the DB accepted it), and backtracking must be cheap.
So tentative assignments live here as deltas over the model's numbers, and
:meth:`Overlay.rollback` undoes them in reverse order.  A replan starts
from the model *minus* the members it moves (``release``), so a resized
server is credited its old flavor before it is placed again.
"""
import itertools

from valet.engine.model import bandwidth
from valet.engine.model import groups as rules

_INF = float('inf')
# Versions are unique across overlays: caches keyed by version
# (Search.per_overlay) must not mistake a new overlay for an old one.
_VERSIONS = itertools.count(1)
_LEVEL_KEY = {rules.RACK: 'rack', rules.ZONE: 'zone'}


def _bump(counts, key, delta):
    value = counts.get(key, 0) + delta
    if value:
        counts[key] = value
    else:
        counts.pop(key, None)


class Overlay:

    def __init__(self, datacenter, group_defs, known_exclusive=None):
        self.dc = datacenter
        self.defs = group_defs                 # name -> (type, level)
        self.used = {}                         # host -> [vcpus, mem, disk]
        self.nic = {}                          # host -> Mbit/s
        self.uplink = {}                       # rack -> Mbit/s
        self.members = {}                      # host / (level, unit) -> n
        self.units = {}                        # (group, level) -> {unit: n}
        self.pool_used = {}                    # pool -> GB
        self.assigned = {}                     # server key -> host name
        self.volumes = {}                      # volume key -> pool name
        self.log = []                          # undo records
        self.version = next(_VERSIONS)         # renewed by every change
        # Owners of units beyond the model's dedicated index, by level:
        # {unit: {exclusivity group: member delta}} -- tentative members,
        # releases, and groups the model does not know as exclusive yet.
        self.owner_delta = {level: {} for level in rules.LEVELS}
        for name, level in sorted((known_exclusive or {}).items()):
            spec = datacenter.groups.get(name)
            if spec is None or spec['type'] != rules.EXCLUSIVITY:
                for unit, count in datacenter.group_units(name,
                                                          level).items():
                    self.owner_delta[level].setdefault(unit, {})[name] = count

    # -- queries ----------------------------------------------------------
    def free(self, host):
        delta = self.used.get(host.name)
        if delta is None:
            return (host.vcpus - host.vcpus_used,
                    host.memory_mb - host.memory_mb_used,
                    host.disk_gb - host.disk_gb_used)
        return (host.vcpus - host.vcpus_used - delta[0],
                host.memory_mb - host.memory_mb_used - delta[1],
                host.disk_gb - host.disk_gb_used - delta[2])

    def nic_free(self, host):
        if not host.nic_mbps:
            return _INF
        return host.nic_mbps - host.nic_used_mbps - self.nic.get(host.name, 0)

    def uplink_free(self, rack):
        if not rack.uplink_mbps:
            return _INF
        return (rack.uplink_mbps - rack.uplink_used_mbps
                - self.uplink.get(rack.name, 0))

    def occupied(self, host):
        return (host.members + host.external
                + self.members.get(host.name, 0)) > 0

    def unit_total(self, level, unit):
        """Members (anyone's) in a host, rack or zone."""
        key = unit if level == rules.HOST else (level, unit)
        return self.dc.unit_members(level, unit) + self.members.get(key, 0)

    def group_count(self, group, level, unit):
        base = self.dc.group_units(group, level).get(unit, 0)
        delta = self.units.get((group, level))
        return base + delta.get(unit, 0) if delta else base

    def group_units(self, group, level):
        """Units at ``level`` where ``group`` has members (model + tentative)."""
        base = self.dc.group_units(group, level)
        delta = self.units.get((group, level))
        if not delta:
            return base
        merged = dict(base)
        for unit, count in delta.items():
            _bump(merged, unit, count)
        return merged

    def has_group(self, group, level, unit):
        return self.group_count(group, level, unit) > 0

    def group_placed(self, group, level):
        """Does ``group`` have any member yet (model or tentative)?"""
        return bool(self.group_units(group, level))

    def owners(self, level, unit):
        """Exclusivity groups (at ``level``) that own ``unit``."""
        base = self.dc.owners(level, unit)
        delta = self.owner_delta[level].get(unit)
        if not delta:
            return base
        result = {name for name, count in base.items()
                  if count + delta.get(name, 0) > 0}
        result.update(name for name, count in delta.items()
                      if name not in base and count > 0)
        return result

    def owned_units(self, level):
        """(the model's owned units, {unit: owner delta}) at ``level``: a
        unit in neither (or with an empty delta) has no owners.  Both are
        live views, looked up instead of merged (there may be many)."""
        return self.dc.owned_units(level), self.owner_delta[level]

    def pool_free(self, pool):
        return pool.capacity_gb - pool.used_gb - self.pool_used.get(
            pool.name, 0)

    # -- releases (a replan's starting point; never undone) ---------------
    def release(self, placement):
        """Take a placed member out (it is about to be placed again or
        removed): its usage, occupancy and group units."""
        get = (placement.get if isinstance(placement, dict)
               else lambda n, d=None: getattr(placement, n, d))
        if (get('kind') or 'server') == 'volume':
            pool = get('location')
            size = get('size_gb') or get('disk_gb') or 0
            self.pool_used[pool] = self.pool_used.get(pool, 0) - size
            return
        host = self.dc.hosts.get(get('location'))
        if host is None:
            return
        used = self.used.setdefault(host.name, [0, 0, 0])
        used[0] -= get('vcpus') or 0
        used[1] -= get('memory_mb') or 0
        used[2] -= get('disk_gb') or 0
        self._count(host, get('groups') or (), -1)

    def add_bandwidth(self, hosts, racks, sign=1):
        for name, mbps in hosts.items():
            _bump(self.nic, name, sign * mbps)
        for name, mbps in racks.items():
            _bump(self.uplink, name, sign * mbps)

    # -- changes ----------------------------------------------------------
    def assign(self, bundle, host, pipes=None):
        """Place ``bundle`` on ``host``; ``pipes``: its bandwidth deltas
        ({host: mbps}, {rack: mbps}) to record with it."""
        self._change(bundle, host, 1)
        if pipes is not None:
            self.add_bandwidth(*pipes)
        self.log.append((bundle, host, pipes))

    def unassign(self, bundle, host, pipes=None):
        """Take ``bundle`` off ``host`` outside the undo log (improvement)."""
        self._change(bundle, host, -1)
        if pipes is not None:
            self.add_bandwidth(*pipes, sign=-1)

    def assign_volume(self, volume, pool, pipes=None):
        self.pool_used[pool.name] = self.pool_used.get(pool.name, 0) + (
            volume.size_gb)
        self.volumes[volume.key] = pool.name
        self.version = next(_VERSIONS)
        if pipes is not None:
            self.add_bandwidth(*pipes)
        self.log.append((volume, pool, pipes))

    def mark(self):
        return len(self.log)

    def rollback(self, mark):
        while len(self.log) > mark:
            item, place, pipes = self.log.pop()
            if pipes is not None:
                self.add_bandwidth(*pipes, sign=-1)
            if hasattr(item, 'size_gb'):
                self.pool_used[place.name] -= item.size_gb
                del self.volumes[item.key]
                self.version = next(_VERSIONS)
            else:
                self._change(item, place, -1)

    def _change(self, bundle, host, sign):
        self.version = next(_VERSIONS)
        used = self.used.setdefault(host.name, [0, 0, 0])
        used[0] += sign * bundle.vcpus
        used[1] += sign * bundle.memory_mb
        used[2] += sign * bundle.disk_gb
        for server in bundle.servers:
            if sign > 0:
                self.assigned[server.key] = host.name
            else:
                self.assigned.pop(server.key, None)
            self._count(host, server.groups, sign)

    def _count(self, host, groups, sign):
        _bump(self.members, host.name, sign)
        _bump(self.members, (rules.RACK, host.rack), sign)
        _bump(self.members, (rules.ZONE, host.zone), sign)
        for group in groups:
            spec = self.defs.get(group)
            if spec is not None and spec[0] == rules.EXCLUSIVITY:
                owners = self.owner_delta[spec[1]].setdefault(
                    host.unit(spec[1]), {})
                _bump(owners, group, sign)
            for level in rules.LEVELS:
                units = self.units.setdefault((group, level), {})
                _bump(units, host.unit(level), sign)


def spot_of_host(host):
    return (bandwidth.SERVER, host.name, host.rack, host.zone)
