"""The hard rules a host must pass to take a host bundle.

Each rule has a name; :meth:`Filters.check` returns the first rule (and the
group behind it) that rejects a host, so the search and the failure
explanation share one definition of feasibility.  Capacity comes before the
group rules on purpose: when a group rule removes the last hosts, that rule
is what the explanation reports (DESIGN §5.4).
"""
from valet.engine.model import groups as rules
from valet.engine.optimizer import extra_specs

RULES = ('disabled', 'zone', 'host', 'candidates', 'extra_specs', 'storage',
         'capacity', 'affinity', 'exclusivity', 'diversity')

CODES = {
    'disabled': 'no_enabled_host',
    'zone': 'zone_unsatisfiable',
    'host': 'host_unsatisfiable',
    'candidates': 'candidates_unsatisfiable',
    'extra_specs': 'extra_specs_unsatisfiable',
    'storage': 'storage_unsatisfiable',
    'capacity': 'capacity',
    'affinity': 'affinity_unsatisfiable',
    'exclusivity': 'exclusivity_unsatisfiable',
    'diversity': 'diversity_unsatisfiable',
    'volume_type': 'volume_type_unsatisfiable',
}


class Filters:

    def __init__(self, datacenter, overlay, group_defs, candidates=None):
        self.dc = datacenter
        self.candidates = candidates   # None, or the host names allowed
        self.overlay = overlay
        self.defs = group_defs
        self._storage = {}         # id(bundle) -> zones able to hold volumes
        self._groups = {}          # id(bundle) -> (affinity, excl, div)
        self.last_free = None

    def _bundle_groups(self, bundle):
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
                        if pool_accepts(pool, volume)
                        and self.overlay.pool_free(pool) >= volume.size_gb}
                if volume.zone:
                    fits &= {volume.zone}
                zones &= fits
            self._storage[id(bundle)] = zones
        return zones

    def check(self, host, bundle):
        """None if ``host`` can take ``bundle``, else (rule, group or None).

        On success ``self.last_free`` holds the host's free capacity, so the
        caller can score the host without computing it again.
        """
        if not host.enabled:
            return 'disabled', None
        if bundle.zone and host.zone != bundle.zone:
            return 'zone', None
        if bundle.host and host.name != bundle.host:
            return 'host', None
        if self.candidates is not None and host.name not in self.candidates:
            return 'candidates', None
        for requirement in bundle.requirements:
            if not extra_specs.host_matches(host.metadata, requirement):
                return 'extra_specs', None
        if bundle.volumes and host.zone not in self.storage_zones(bundle):
            return 'storage', None
        free = self.overlay.free(host)
        if (free[0] < bundle.vcpus or free[1] < bundle.memory_mb
                or free[2] < bundle.disk_gb):
            return 'capacity', None
        overlay = self.overlay
        units = {rules.HOST: host.name, rules.RACK: host.rack,
                 rules.ZONE: host.zone}
        affinity, exclusivity, diversity = self._bundle_groups(bundle)
        for name, level in affinity:
            if (overlay.group_placed(name, level)
                    and not overlay.has_group(name, level, units[level])):
                return 'affinity', name
        for name, level in exclusivity:
            # Empty, or holding only members of this group.
            if overlay.unit_total(host, level) != overlay.group_count(
                    name, level, units[level]):
                return 'exclusivity', name
        for level in (rules.HOST, rules.RACK):
            owners = overlay.dedicated_to(level, units[level])
            for owner in sorted(owners) if owners else ():
                if owner not in bundle.groups:
                    return 'exclusivity', owner
        for name, level in diversity:
            if overlay.has_group(name, level, units[level]):
                return 'diversity', name
        self.last_free = free
        return None


def pool_accepts(pool, volume):
    """Volume type match: a pool without types takes any volume."""
    return not pool.volume_types or volume.volume_type in pool.volume_types
