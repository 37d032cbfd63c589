"""A tentative layer over the datacenter model, with undo.

Ostro must not change the model it decides on (the engine applies the
decision only after the DB accepted it), and backtracking must be cheap.
So tentative assignments live here as deltas over the model's numbers, and
:meth:`Overlay.rollback` undoes them in reverse order.
"""
from valet.engine.model import groups as rules


class Overlay:

    def __init__(self, datacenter, group_defs):
        self.dc = datacenter
        self.defs = group_defs                 # name -> (type, level)
        self.used = {}                         # host -> [vcpus, mem, disk]
        self.members = {}                      # host or rack -> count
        self.units = {}                        # (group, level) -> {unit: n}
        self.pool_used = {}                    # pool -> GB
        self.assigned = {}                     # server key -> host name
        self.volumes = {}                      # volume key -> pool name
        self.log = []                          # undo records
        # Exclusivity groups' dedicated units in the model, by level: the
        # model's own definitions plus the request's (they may be newer).
        self.dedicated = {rules.HOST: {}, rules.RACK: {}}
        for name, (kind, level) in sorted(group_defs.items()):
            if kind == rules.EXCLUSIVITY and level in self.dedicated:
                for unit in datacenter.group_units(name, level):
                    self.dedicated[level].setdefault(unit, set()).add(name)
        for level, index in self.dedicated.items():
            for unit, names in datacenter.dedicated(level).items():
                index.setdefault(unit, set()).update(names)
        # Exclusivity groups with tentative members (only the plan's own).
        self.exclusive_groups = set()

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

    def occupied(self, host):
        return (host.members + host.external
                + self.members.get(host.name, 0)) > 0

    def unit_total(self, host, level):
        """Members (anyone's) in the host's unit at ``level``."""
        if level == rules.HOST:
            return (host.members + host.external
                    + self.members.get(host.name, 0))
        rack = self.dc.racks[host.rack]
        return rack.members + rack.external + self.members.get(
            ('rack', rack.name), 0)

    def group_count(self, group, level, unit):
        base = self.dc.group_units(group, level).get(unit, 0)
        return base + self.units.get((group, level), {}).get(unit, 0)

    def group_units(self, group, level):
        """Units at ``level`` where ``group`` has members (model + tentative)."""
        base = self.dc.group_units(group, level)
        extra = self.units.get((group, level))
        if not extra:
            return base.keys()
        return set(base) | set(extra)

    def has_group(self, group, level, unit):
        return (unit in self.dc.group_units(group, level)
                or unit in self.units.get((group, level), ()))

    def group_placed(self, group, level):
        """Does ``group`` have any member yet (model or tentative)?"""
        return bool(self.dc.group_units(group, level)
                    or self.units.get((group, level)))

    def dedicated_to(self, level, unit):
        """Exclusivity groups (at ``level``) that own ``unit``."""
        if not self.exclusive_groups and not self.dedicated[level]:
            return ()
        owners = self.dedicated[level].get(unit, ())
        tentative = [name for name in sorted(self.exclusive_groups)
                     if self.defs[name][1] == level
                     and unit in self.units.get((name, level), ())]
        if not tentative:
            return owners
        return set(owners) | set(tentative)

    def pool_free(self, pool):
        return pool.capacity_gb - pool.used_gb - self.pool_used.get(
            pool.name, 0)

    # -- changes ----------------------------------------------------------
    def assign(self, bundle, host):
        self._change(bundle, host, 1)
        self.log.append((bundle, host))

    def assign_volume(self, volume, pool):
        self.pool_used[pool.name] = self.pool_used.get(pool.name, 0) + (
            volume.size_gb)
        self.volumes[volume.key] = pool.name
        self.log.append((volume, pool))

    def mark(self):
        return len(self.log)

    def rollback(self, mark):
        while len(self.log) > mark:
            item, place = self.log.pop()
            if hasattr(item, 'size_gb'):
                self.pool_used[place.name] -= item.size_gb
                del self.volumes[item.key]
            else:
                self._change(item, place, -1)

    def _change(self, bundle, host, sign):
        used = self.used.setdefault(host.name, [0, 0, 0])
        used[0] += sign * bundle.vcpus
        used[1] += sign * bundle.memory_mb
        used[2] += sign * bundle.disk_gb
        count = len(bundle.servers)
        for unit in (host.name, ('rack', host.rack)):
            self.members[unit] = self.members.get(unit, 0) + sign * count
        for server in bundle.servers:
            if sign > 0:
                self.assigned[server.key] = host.name
            else:
                self.assigned.pop(server.key, None)
            for group in server.groups:
                if self.defs[group][0] == rules.EXCLUSIVITY:
                    self.exclusive_groups.add(group)
                for level in rules.LEVELS:
                    units = self.units.setdefault((group, level), {})
                    unit = host.unit(level)
                    value = units.get(unit, 0) + sign
                    if value > 0:
                        units[unit] = value
                    else:
                        units.pop(unit, None)
