"""The in-memory datacenter model the optimizer decides on.

Built from an :class:`~valet.engine.model.inventory.Inventory` (what exists),
the DB's usage state (what Valet consumed, with the CAS generations) and the
already placed members (which groups occupy which hosts).  Everything is
plain objects with ``__slots__`` in dicts keyed by name, so a model of 5,000
hosts and 100,000 placements builds in well under a second and lookups stay
O(1).  Only :meth:`Datacenter.apply` and :meth:`Datacenter.release` change
usage; the optimizer never does (it works on an overlay).
"""
import types

from valet.engine.model import bandwidth
from valet.engine.model import groups as group_rules

SERVER = 'server'
VOLUME = 'volume'
RATIO_KINDS = ('cpu', 'ram', 'disk')
_EMPTY = types.MappingProxyType({})     # read-only: callers cannot fill it


class _Unit:
    """What a host, a rack and a zone share: who occupies them."""
    __slots__ = ('external', 'groups', 'members', 'name')

    def __init__(self, name):
        self.name = name
        self.members = 0          # Valet's servers in the unit
        self.external = 0         # servers Valet did not place
        self.groups = {}          # group name -> its members in the unit

    @property
    def occupied(self):
        """Something runs here (placed by Valet or not)."""
        return self.members + self.external > 0


class HostState(_Unit):
    """A compute host: capacities here are what Valet may use.

    ``vcpus``/``memory_mb``/``disk_gb`` = physical × allocation ratio ×
    (1 − standby) − what servers Valet did not place use; the ``*_used``
    fields are Valet's own usage.
    """
    # What a snapshot compares (the generation is a property, below).
    FIELDS = (
        'aggregates',
        'disk_gb',
        'disk_gb_used',
        'enabled',
        'generation',
        'memory_mb',
        'memory_mb_used',
        'metadata',
        'nic_mbps',
        'nic_used_mbps',
        'physical',
        'rack',
        'vcpus',
        'vcpus_used',
        'zone',
    )
    __slots__ = tuple(f for f in FIELDS if f != 'generation') + (
        '_generation', '_rack_state')

    def __init__(self, name, zone, rack):
        super().__init__(name)
        self.zone = zone
        self.rack = rack
        self.vcpus = self.memory_mb = self.disk_gb = self.nic_mbps = 0
        self.vcpus_used = self.memory_mb_used = self.disk_gb_used = 0
        self.nic_used_mbps = 0
        self._generation = 0
        self._rack_state = None   # the RackState summing its generation
        self.enabled = True
        self.metadata = {}
        self.aggregates = ()
        self.physical = (0, 0, 0)  # (vcpus, memory_mb, disk_gb) as reported

    @property
    def generation(self):
        return self._generation

    @generation.setter
    def generation(self, value):
        # Every change (a commit, a catch-up, a sync) keeps the rack's sum
        # of host generations, which a catch-up compares with the DB's.
        rack = self._rack_state
        if rack is not None:
            rack.host_generations += value - self._generation
        self._generation = value

    @property
    def free_vcpus(self):
        return self.vcpus - self.vcpus_used

    @property
    def free_memory_mb(self):
        return self.memory_mb - self.memory_mb_used

    @property
    def free_disk_gb(self):
        return self.disk_gb - self.disk_gb_used

    def unit(self, level):
        """This host's host, rack or zone name."""
        if level == group_rules.HOST:
            return self.name
        return self.rack if level == group_rules.RACK else self.zone

    def __repr__(self):
        return '<Host %s %s/%s free %d/%d/%d>' % (
            self.name, self.zone, self.rack, self.free_vcpus,
            self.free_memory_mb, self.free_disk_gb)


class RackState(_Unit):
    __slots__ = ('generation', 'host_generations', 'hosts', 'uplink_mbps',
                 'uplink_used_mbps', 'zone')

    def __init__(self, name, zone, uplink_mbps=0):
        super().__init__(name)
        self.zone = zone
        self.uplink_mbps = uplink_mbps      # 0: no limit known
        self.uplink_used_mbps = 0
        self.generation = 0
        self.hosts = []
        # The sum of its hosts' generations, kept by HostState.generation.
        self.host_generations = 0

    def add_host(self, host):
        """``host`` (a HostState of this rack) joins the rack's sum."""
        self.hosts.append(host.name)
        host._rack_state = self
        self.host_generations += host.generation


class ZoneState(_Unit):
    __slots__ = ('hosts', 'racks')

    def __init__(self, name):
        super().__init__(name)
        self.racks = []
        self.hosts = []


class PoolState:
    __slots__ = (
        'capacity_gb',
        'generation',
        'name',
        'rack',
        'used_gb',
        'volume_types',
        'zone',
    )

    def __init__(self, name, zone, rack, capacity_gb, volume_types=()):
        self.name = name
        self.zone = zone
        self.rack = rack
        self.capacity_gb = capacity_gb
        self.used_gb = 0
        self.generation = 0
        self.volume_types = tuple(volume_types)

    @property
    def free_gb(self):
        return self.capacity_gb - self.used_gb


def _scaled(value, ratio, standby):
    # The epsilon keeps 10 × 0.7 from flooring to 6.
    return int(value * ratio * (1.0 - standby) + 1e-9)


def _set_capacity(host, spec, overrides, standby_ratio, ext):
    """What ``host`` may use of ``spec`` (an inventory Host), given the
    configured ratio ``overrides`` and the usage ``ext`` (vcpus,
    memory_mb, disk_gb) of servers Valet did not place."""
    ratio = {'cpu': spec.cpu_allocation_ratio,
             'ram': spec.ram_allocation_ratio,
             'disk': spec.disk_allocation_ratio}
    for kind in spec.default_ratios:
        if kind in overrides:
            ratio[kind] = overrides[kind]
    host.physical = (spec.vcpus, spec.memory_mb, spec.disk_gb)
    host.vcpus = _scaled(spec.vcpus, ratio['cpu'], standby_ratio) - ext[0]
    host.memory_mb = (_scaled(spec.memory_mb, ratio['ram'], standby_ratio)
                      - ext[1])
    host.disk_gb = _scaled(spec.disk_gb, ratio['disk'], standby_ratio) - ext[2]
    host.nic_mbps = spec.nic_mbps
    host.metadata = dict(spec.metadata)
    host.aggregates = tuple(spec.aggregates)


def _bump(counts, key, delta):
    value = counts.get(key, 0) + delta
    if value > 0:
        counts[key] = value
    else:
        counts.pop(key, None)


def _ratio_overrides(ratios):
    """Accept {'cpu': 4.0} as well as {'cpu_allocation_ratio': 4.0}."""
    result = {}
    for kind in RATIO_KINDS:
        value = ratios.get(kind, ratios.get('%s_allocation_ratio' % kind))
        if value is not None:
            result[kind] = float(value)
    return result


def placement_field(placement, name, default=None):
    """Read a field of a placement dict or of a Location-like object."""
    if isinstance(placement, dict):
        return placement.get(name, default)
    return getattr(placement, name, default)


class Datacenter:
    """Hosts, racks, zones, pools and flavors with usage and occupancy."""

    def __init__(self, name):
        self.name = name
        self.hosts = {}
        self.racks = {}
        self.zones = {}
        self.pools = {}
        self.flavors = {}
        # Group definitions known to the model: name -> {'type', 'level'}.
        self.groups = {}
        # The DB generation of each group whose occupancy the model holds
        # (compare-and-swapped when a decision adds members to it).
        self.group_generations = {}
        # Occupancy per group: name -> {host|rack|zone name: member count}.
        self.group_hosts = {}
        self.group_racks = {}
        self.group_zones = {}
        self._group_index = {group_rules.HOST: self.group_hosts,
                             group_rules.RACK: self.group_racks,
                             group_rules.ZONE: self.group_zones}
        # Units dedicated to exclusivity groups, kept up to date by every
        # change so a decision never scans all groups:
        # level -> {unit: {group: members there}}.
        self._dedicated = {level: {} for level in group_rules.LEVELS}

    # -- construction -----------------------------------------------------
    @classmethod
    def build(cls, inventory, state=None, placements=(), ratios=None,
              standby_ratio=0.0, groups=None, pipes=()):
        """A model of ``inventory`` with usage and group occupancy.

        ``state``: the DB's ``{'hosts': {name: {generation, vcpus_used,
        memory_mb_used, disk_gb_used, nic_used_mbps, enabled}}, 'pools':
        {name: {generation, used_gb}}}``; missing entries are zeros.  When
        ``state`` is None (a fresh simulation) Valet's usage is summed from
        ``placements`` instead.  ``placements``: one dict per placed member
        (orchestration_id, kind, location, rack, zone, vcpus, memory_mb,
        disk_gb, groups, stack_id); they rebuild group occupancy.
        ``ratios``: configured allocation-ratio defaults, applied to the
        ratios the inventory only defaulted.  ``groups``: known group
        definitions ``{name: {'type', 'level', ...}}`` so exclusivity of
        groups absent from a request is still enforced.  ``pipes``: without
        a ``state``, the pipes between ``placements`` (dicts with source,
        target, bandwidth_mbps and the placements' ``stack_id``) give the
        NIC and uplink usage.
        """
        model = cls(inventory.name)
        overrides = _ratio_overrides(ratios or {})
        external = inventory.external_usage()
        external_count = {}
        for server in inventory.servers:
            external_count[server.host] = external_count.get(server.host, 0) + 1
        for zone in inventory.zones.values():
            model.zones[zone.name] = ZoneState(zone.name)
        rack_state = (state or {}).get('racks', {})
        for rack in inventory.racks.values():
            model.racks[rack.name] = RackState(rack.name, rack.zone,
                                               rack.uplink_mbps)
            row = rack_state.get(rack.name) or {}
            model.racks[rack.name].generation = row.get('generation', 0) or 0
            model.racks[rack.name].uplink_used_mbps = (
                row.get('uplink_used_mbps', 0) or 0)
            model.zones[rack.zone].racks.append(rack.name)
        host_state = (state or {}).get('hosts', {})
        for spec in inventory.hosts.values():
            host = HostState(spec.name, spec.zone, spec.rack)
            _set_capacity(host, spec, overrides, standby_ratio,
                          external.get(spec.name, (0, 0, 0)))
            host.external = external_count.get(spec.name, 0)
            row = host_state.get(spec.name) or {}
            host.generation = row.get('generation', 0) or 0
            host.vcpus_used = row.get('vcpus_used', 0) or 0
            host.memory_mb_used = row.get('memory_mb_used', 0) or 0
            host.disk_gb_used = row.get('disk_gb_used', 0) or 0
            host.nic_used_mbps = row.get('nic_used_mbps', 0) or 0
            enabled = row.get('enabled')
            host.enabled = spec.enabled if enabled is None else bool(enabled)
            model.hosts[spec.name] = host
            model.racks[spec.rack].add_host(host)
            model.racks[spec.rack].external += host.external
            model.zones[spec.zone].external += host.external
            model.zones[spec.zone].hosts.append(spec.name)
        pool_state = (state or {}).get('pools', {})
        for spec in inventory.pools.values():
            pool = PoolState(spec.name, spec.zone, spec.rack, spec.capacity_gb,
                             spec.volume_types)
            row = pool_state.get(spec.name) or {}
            pool.generation = row.get('generation', 0) or 0
            pool.used_gb = row.get('used_gb', 0) or 0
            model.pools[spec.name] = pool
        model.flavors = dict(inventory.flavors)
        model.define_groups(groups or {})
        if pipes:
            placements = list(placements)
        model._add_placed(placements, usage=state is None)
        if state is None and pipes:
            model._pipes_of(placements, pipes, 1)
        return model

    def _pipes_of(self, placements, pipes, sign):
        """Add the bandwidth of ``pipes`` between ``placements`` (by stack
        and orchestration id)."""
        spots = {}
        for placement in placements:
            key = (placement_field(placement, 'stack_id'),
                   placement_field(placement, 'orchestration_id'))
            spots[key] = bandwidth.spot(placement)
        by_stack = {}
        for pipe in pipes:
            by_stack.setdefault(pipe.get('stack_id'), []).append(pipe)
        for stack_id, stack_pipes in by_stack.items():
            local = {key[1]: value for key, value in spots.items()
                     if key[0] == stack_id}
            self.add_bandwidth(*bandwidth.usage(stack_pipes, local), sign)

    def define_groups(self, groups, complete=False):
        """Learn group types/levels (``{name: {'type', 'level'}}``) and,
        where given (``load_group_rules``), their ``generation``: read it
        before the placements it goes with, never after.  ``complete``:
        ``groups`` are all the DB holds; the generations of the others
        (deleted groups) are forgotten, so that :meth:`group_totals`
        stays comparable with the DB's."""
        if complete:
            for name in [name for name in self.group_generations
                         if name not in groups]:
                del self.group_generations[name]
        for name, spec in groups.items():
            kind = placement_field(spec, 'type')
            level = placement_field(spec, 'level')
            if not (kind and level):
                continue
            generation = placement_field(spec, 'generation')
            if generation is not None:
                self.group_generations[name] = generation
            old = self.groups.get(name)
            self.groups[name] = {'type': kind, 'level': level}
            if old != self.groups[name]:
                self._reindex_dedicated(name, old)

    def _reindex_dedicated(self, name, old):
        """A group's definition changed: move its dedicated units."""
        if old and old['type'] == group_rules.EXCLUSIVITY:
            index = self._dedicated[old['level']]
            for unit in list(index):
                index[unit].pop(name, None)
                if not index[unit]:
                    del index[unit]
        spec = self.groups[name]
        if spec['type'] == group_rules.EXCLUSIVITY:
            index = self._dedicated[spec['level']]
            for unit, count in self.group_units(name, spec['level']).items():
                index.setdefault(unit, {})[name] = count

    def add_bandwidth(self, hosts, racks, sign=1):
        """Add NIC (``{host: mbps}``) and uplink (``{rack: mbps}``) usage."""
        for name, mbps in hosts.items():
            host = self.hosts.get(name)
            if host is not None:
                host.nic_used_mbps = max(0, host.nic_used_mbps + sign * mbps)
        for name, mbps in racks.items():
            rack = self.racks.get(name)
            if rack is not None:
                rack.uplink_used_mbps = max(
                    0, rack.uplink_used_mbps + sign * mbps)

    # -- usage changes ----------------------------------------------------
    def apply(self, decision):
        """Consume what ``decision`` placed and record its group occupancy."""
        self.define_groups(getattr(decision, 'groups', None) or {})
        for name in getattr(decision, 'new_groups', None) or ():
            # Inserted by the decision's own write, at generation 0.
            self.group_generations.setdefault(name, 0)
        for location in decision.placements.values():
            self._place(location, 1, usage=True)
        used = getattr(decision, 'bandwidth', None) or {}
        self.add_bandwidth(used.get('hosts', {}), used.get('racks', {}))

    def release(self, placements, bandwidth_used=None):
        """The inverse of :meth:`apply`, given the placement dicts and the
        bandwidth (``{'hosts': ..., 'racks': ...}``) their pipes used."""
        for placement in placements:
            self._place(placement, -1, usage=True)
        used = bandwidth_used or {}
        self.add_bandwidth(used.get('hosts', {}), used.get('racks', {}), -1)

    def _add_placed(self, placements, usage):
        """``_place(placement, 1, usage)`` for each of ``placements``,
        inlined for placement dicts: a warm start adds 100,000 of them."""
        hosts, racks, zones = self.hosts, self.racks, self.zones
        specs, dedicated = self.groups, self._dedicated
        by_host, by_rack, by_zone = (self.group_hosts, self.group_racks,
                                     self.group_zones)
        for placement in placements:
            if not isinstance(placement, dict):
                self._place(placement, 1, usage)
                continue
            get = placement.get
            location = get('location')
            if get('kind', SERVER) == VOLUME:
                pool = self.pools.get(location)
                if pool is not None and usage:
                    pool.used_gb = max(0, pool.used_gb
                                       + _volume_size(placement))
                continue
            host = hosts.get(location)
            if host is None:
                continue        # the host left the inventory
            if usage:
                host.vcpus_used = max(0, host.vcpus_used
                                      + (get('vcpus', 0) or 0))
                host.memory_mb_used = max(0, host.memory_mb_used
                                          + (get('memory_mb', 0) or 0))
                host.disk_gb_used = max(0, host.disk_gb_used
                                        + (get('disk_gb', 0) or 0))
            rack, zone = racks[host.rack], zones[host.zone]
            host.members += 1
            rack.members += 1
            zone.members += 1
            for group in get('groups', ()) or ():
                for unit, index in ((host, by_host), (rack, by_rack),
                                    (zone, by_zone)):
                    counts = unit.groups
                    counts[group] = counts.get(group, 0) + 1
                    where = index.get(group)
                    if where is None:
                        where = index[group] = {}
                    where[unit.name] = where.get(unit.name, 0) + 1
                spec = specs.get(group)
                if spec is not None and (
                        spec['type'] == group_rules.EXCLUSIVITY):
                    owners = dedicated[spec['level']].setdefault(
                        host.unit(spec['level']), {})
                    owners[group] = owners.get(group, 0) + 1

    def _place(self, placement, sign, usage):
        kind = placement_field(placement, 'kind', SERVER)
        location = placement_field(placement, 'location')
        if kind == VOLUME:
            pool = self.pools.get(location)
            if pool is not None and usage:
                size = _volume_size(placement)
                pool.used_gb = max(0, pool.used_gb + sign * size)
            return
        host = self.hosts.get(location)
        if host is None:
            # The host left the inventory; nothing to account there.
            return
        if usage:
            host.vcpus_used = max(0, host.vcpus_used + sign * (
                placement_field(placement, 'vcpus', 0) or 0))
            host.memory_mb_used = max(0, host.memory_mb_used + sign * (
                placement_field(placement, 'memory_mb', 0) or 0))
            host.disk_gb_used = max(0, host.disk_gb_used + sign * (
                placement_field(placement, 'disk_gb', 0) or 0))
        rack = self.racks[host.rack]
        zone = self.zones[host.zone]
        host.members = max(0, host.members + sign)
        rack.members = max(0, rack.members + sign)
        zone.members = max(0, zone.members + sign)
        for group in placement_field(placement, 'groups', ()) or ():
            _bump(host.groups, group, sign)
            _bump(rack.groups, group, sign)
            _bump(zone.groups, group, sign)
            spec = self.groups.get(group)
            if spec is not None and spec['type'] == group_rules.EXCLUSIVITY:
                unit = host.unit(spec['level'])
                owners = self._dedicated[spec['level']].setdefault(unit, {})
                _bump(owners, group, sign)
                if not owners:
                    del self._dedicated[spec['level']][unit]
            _bump(self.group_hosts.setdefault(group, {}), host.name, sign)
            _bump(self.group_racks.setdefault(group, {}), rack.name, sign)
            _bump(self.group_zones.setdefault(group, {}), zone.name, sign)
            if not self.group_hosts[group]:
                del self.group_hosts[group]
                del self.group_racks[group]
                del self.group_zones[group]

    # -- CAS support ------------------------------------------------------
    def consumption_for(self, decision):
        """Per host/pool deltas of ``decision`` with the current generations.

        The engine turns this into the DB layer's compare-and-swap update.
        Every group the decision adds members to is swapped too (``groups:
        {name: generation}``), the ones it creates included (inserted at
        0), so two plans that both create the same group cannot both win.
        A group the model does not know counts as 0: no decision ever
        added members to a group still at 0, and one that did makes the
        swap fail and the catch-up learn it.
        """
        result = self._consumption(decision.placements.values(), 1,
                                   getattr(decision, 'bandwidth', None))
        names = {name for location in decision.placements.values()
                 for name in placement_field(location, 'groups', ()) or ()}
        if names:
            result['groups'] = {name: self.group_generations.get(name, 0)
                                for name in sorted(names)}
        return result

    def release_consumption(self, placements, bandwidth_used=None):
        """Like :meth:`consumption_for` with negative deltas for a release."""
        return self._consumption(placements, -1, bandwidth_used)

    def _consumption(self, placements, sign, bandwidth_used=None):
        hosts, pools, racks = {}, {}, {}
        for placement in placements:
            kind = placement_field(placement, 'kind', SERVER)
            location = placement_field(placement, 'location')
            if kind == VOLUME:
                pool = self.pools.get(location)
                row = pools.setdefault(location, {
                    'generation': pool.generation if pool else None,
                    'size_gb': 0})
                row['size_gb'] += sign * _volume_size(placement)
                continue
            host = self.hosts.get(location)
            row = hosts.setdefault(location, {
                'generation': host.generation if host else None,
                'vcpus': 0, 'memory_mb': 0, 'disk_gb': 0})
            for field in ('vcpus', 'memory_mb', 'disk_gb'):
                row[field] += sign * (placement_field(placement, field, 0) or 0)
        used = bandwidth_used or {}
        for name, mbps in used.get('hosts', {}).items():
            host = self.hosts.get(name)
            row = hosts.setdefault(name, {
                'generation': host.generation if host else None,
                'vcpus': 0, 'memory_mb': 0, 'disk_gb': 0})
            row['nic_mbps'] = row.get('nic_mbps', 0) + sign * mbps
        for name, mbps in used.get('racks', {}).items():
            rack = self.racks.get(name)
            racks[name] = {'generation': rack.generation if rack else None,
                           'uplink_mbps': sign * mbps}
        result = {'hosts': hosts, 'pools': pools}
        if racks:
            result['racks'] = racks
        return result

    def set_generations(self, generations):
        """Record the generations the DB gave after a commit."""
        for name, generation in generations.get('hosts', {}).items():
            if name in self.hosts:
                self.hosts[name].generation = generation
        for name, generation in generations.get('pools', {}).items():
            if name in self.pools:
                self.pools[name].generation = generation
        for name, generation in generations.get('racks', {}).items():
            if name in self.racks:
                self.racks[name].generation = generation
        self.group_generations.update(generations.get('groups', {}))

    # -- inventory refresh (the periodic sync) ---------------------------
    def refresh_host(self, spec, external_usage=(0, 0, 0), external_count=0,
                     ratios=None, standby_ratio=0.0):
        """Take a host's new capacities, ratios, state, aggregates and
        servers-not-Valet's from ``spec`` (same zone and rack); Valet's
        usage, occupancy and the generation stay."""
        host = self.hosts[spec.name]
        _set_capacity(host, spec, _ratio_overrides(ratios or {}),
                      standby_ratio, external_usage)
        host.enabled = bool(spec.enabled)
        delta = external_count - host.external
        host.external = external_count
        self.racks[host.rack].external += delta
        self.zones[host.zone].external += delta

    # -- catching up with other engines (a lost compare-and-swap) --------
    def stale_units(self, state):
        """Names of the hosts, racks and pools whose generation in
        ``state`` (the DB's, as ``load_state`` returns it) differs from the
        model's: ``{'hosts': set, 'racks': set, 'pools': set}``, or None if
        ``state`` names one the model does not know."""
        stale = {}
        for kind, units in (('hosts', self.hosts), ('racks', self.racks),
                            ('pools', self.pools)):
            rows = state.get(kind, {})
            if any(name not in units for name in rows):
                return None
            stale[kind] = {name for name, row in rows.items()
                           if (row.get('generation') or 0)
                           != units[name].generation}
        return stale

    def generation_totals(self):
        """What ``db.inventory.generation_totals`` answers for a database
        that holds exactly what this model knows (hosts summed by rack:
        50 racks, not 1,000 hosts, every decision)."""
        racks = self.racks.values()
        return (sum(rack.host_generations for rack in racks),
                sum(rack.generation for rack in racks),
                sum(pool.generation for pool in self.pools.values()))

    def host_generations_by_rack(self):
        """``{rack: (sum of its hosts' generations, number of hosts)}``
        as ``db.inventory.catch_up_marks`` answers for a
        database that holds what this model knows (racks with hosts)."""
        return {name: (rack.host_generations, len(rack.hosts))
                for name, rack in self.racks.items() if rack.hosts}

    def host_generations_in(self, racks):
        """``{host: generation}`` of the hosts of ``racks`` (those the
        model knows)."""
        hosts = self.hosts
        return {name: hosts[name].generation for rack in racks
                if rack in self.racks for name in self.racks[rack].hosts}

    def group_totals(self):
        """``(number of groups, sum of their generations)`` the model
        holds: the totals ``db.placements.group_changes`` answers for a
        database whose groups are the model's."""
        generations = self.group_generations
        return len(generations), sum(generations.values())

    def group_totals_with(self, groups):
        """:meth:`group_totals` once the generations of ``groups``
        (``load_group_rules`` rows) are taken.  Generations only grow: if
        these equal the DB's totals of the same read, every other group
        the model holds is as the DB has it (unless groups were deleted
        and as many created, with the same generations)."""
        generations = self.group_generations
        count, total = self.group_totals()
        for name, spec in groups.items():
            held = generations.get(name)
            if held is None:
                count += 1
                total += spec['generation']
            else:
                total += spec['generation'] - held
        return count, total

    def refresh_units(self, state, placements):
        """Take the DB's word for the hosts, racks and pools in ``state``
        (``load_state`` rows: usage and generation) and for who occupies
        those hosts (``placements``: every stored placement on them), so
        the model holds what other engines committed there.  Capacities
        (the inventory) are left as they are."""
        names = set(state.get('hosts', ()))
        for name in names:
            self._forget_occupancy(self.hosts[name])
        for placement in placements:
            if (placement_field(placement, 'kind', SERVER) == SERVER
                    and placement_field(placement, 'location') in names):
                self._place(placement, 1, usage=False)
        for name, row in state.get('hosts', {}).items():
            host = self.hosts[name]
            for field in ('generation', 'vcpus_used', 'memory_mb_used',
                          'disk_gb_used', 'nic_used_mbps'):
                setattr(host, field, row.get(field, 0) or 0)
        for name, row in state.get('racks', {}).items():
            rack = self.racks[name]
            rack.generation = row.get('generation', 0) or 0
            rack.uplink_used_mbps = row.get('uplink_used_mbps', 0) or 0
        for name, row in state.get('pools', {}).items():
            pool = self.pools[name]
            pool.generation = row.get('generation', 0) or 0
            pool.used_gb = row.get('used_gb', 0) or 0

    def _forget_occupancy(self, host):
        """Undo what :meth:`_place` recorded for every member on
        ``host`` (counts and group indexes), usage aside."""
        rack, zone = self.racks[host.rack], self.zones[host.zone]
        for group, count in list(host.groups.items()):
            _bump(rack.groups, group, -count)
            _bump(zone.groups, group, -count)
            spec = self.groups.get(group)
            if spec is not None and spec['type'] == group_rules.EXCLUSIVITY:
                owners = self._dedicated[spec['level']].get(
                    host.unit(spec['level']))
                if owners is not None:
                    _bump(owners, group, -count)
                    if not owners:
                        del self._dedicated[spec['level']][
                            host.unit(spec['level'])]
            for index, unit in ((self.group_hosts, host.name),
                                (self.group_racks, rack.name),
                                (self.group_zones, zone.name)):
                if group in index:
                    _bump(index[group], unit, -count)
            if not self.group_hosts.get(group):
                for index in (self.group_hosts, self.group_racks,
                              self.group_zones):
                    index.pop(group, None)
        host.groups = {}
        rack.members = max(0, rack.members - host.members)
        zone.members = max(0, zone.members - host.members)
        host.members = 0

    # -- comparison -------------------------------------------------------
    def snapshot(self):
        """Everything the optimizer reads, as a canonical dict of plain
        values: two models decide alike iff their snapshots are equal."""
        def unit(obj, *fields):
            values = {f: getattr(obj, f) for f in fields}
            values.update(members=obj.members, external=obj.external,
                          groups=dict(sorted(obj.groups.items())))
            return values
        return {
            'name': self.name,
            'hosts': {n: dict(unit(h, *HostState.FIELDS),
                              aggregates=list(h.aggregates),
                              physical=list(h.physical),
                              metadata=dict(sorted(h.metadata.items())))
                      for n, h in sorted(self.hosts.items())},
            'racks': {n: dict(unit(r, 'zone', 'uplink_mbps',
                                   'uplink_used_mbps', 'generation'),
                              hosts=sorted(r.hosts))
                      for n, r in sorted(self.racks.items())},
            'zones': {n: dict(unit(z), racks=sorted(z.racks),
                              hosts=sorted(z.hosts))
                      for n, z in sorted(self.zones.items())},
            'pools': {n: {f: getattr(p, f) for f in PoolState.__slots__}
                      for n, p in sorted(self.pools.items())},
            'flavors': {n: (f.vcpus, f.ram, f.disk,
                            dict(sorted((f.extra_specs or {}).items())))
                        for n, f in sorted(self.flavors.items())},
            'groups': dict(sorted(self.groups.items())),
            'group_generations': dict(sorted(self.group_generations.items())),
            'group_units': {
                level: {g: dict(sorted(units.items()))
                        for g, units in sorted(index.items())}
                for level, index in sorted(self._group_index.items())},
            'dedicated': {
                level: {u: dict(sorted(owners.items()))
                        for u, owners in sorted(index.items())}
                for level, index in sorted(self._dedicated.items())},
        }

    # -- queries ----------------------------------------------------------
    def group_units(self, group, level):
        """{unit name: member count} of ``group`` at ``level``."""
        return self._group_index[level].get(group, _EMPTY)

    def dedicated(self, level):
        """{host, rack or zone name: {exclusivity groups}} at ``level``."""
        return {unit: set(owners)
                for unit, owners in self._dedicated[level].items()}

    def owners(self, level, unit):
        """Exclusivity groups (at ``level``) with members in ``unit``."""
        return self._dedicated[level].get(unit, _EMPTY)

    def owned_units(self, level):
        """Units at ``level`` some exclusivity group owns (a live view)."""
        return self._dedicated[level].keys()

    def unit_members(self, level, unit):
        """Servers (anyone's) in a host, rack or zone."""
        if level == group_rules.HOST:
            holder = self.hosts.get(unit)
        elif level == group_rules.RACK:
            holder = self.racks.get(unit)
        else:
            holder = self.zones.get(unit)
        return 0 if holder is None else holder.members + holder.external

    def dedicated_hosts(self):
        return self.dedicated(group_rules.HOST)

    def dedicated_racks(self):
        return self.dedicated(group_rules.RACK)

    def summary(self):
        return {'datacenter': self.name, 'hosts': len(self.hosts),
                'racks': len(self.racks), 'zones': len(self.zones),
                'pools': len(self.pools)}


def _volume_size(placement):
    size = placement_field(placement, 'size_gb')
    if size is None:
        size = placement_field(placement, 'disk_gb', 0)
    return size or 0
