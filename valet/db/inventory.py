"""Zones, racks, hosts and pools: what collectors report, what Valet uses.

Two writers share these rows and never step on each other's columns:

* the inventory sync (:func:`save_inventory`) owns capacities, ratios,
  aggregates, state and the usage of servers Valet did not place;
* decisions (:func:`apply_consumption`) own the ``*_used`` columns.

Both bump ``generation`` with ``generation = generation + 1`` in SQL, and a
decision only lands if the generation is still the one the engine decided
on (compare-and-swap), so a stale engine gets a GenerationConflict instead
of double-booking.
"""
import dataclasses

import sqlalchemy as sa

from valet.db import api
from valet.db import models
from valet.engine.model import inventory as inv
from valet import exception


@dataclasses.dataclass
class HostDelta:
    """What a decision adds to a host (negative: releases); ``generation``
    is the host generation the decision was made on."""
    generation: int
    vcpus: int = 0
    memory_mb: int = 0
    disk_gb: int = 0
    nic_mbps: int = 0


@dataclasses.dataclass
class PoolDelta:
    generation: int
    size_gb: int = 0


@dataclasses.dataclass
class RackDelta:
    """Uplink bandwidth of pipes that leave the rack."""
    generation: int
    uplink_mbps: int = 0


@dataclasses.dataclass
class Consumption:
    hosts: dict = dataclasses.field(default_factory=dict)   # name: HostDelta
    pools: dict = dataclasses.field(default_factory=dict)   # name: PoolDelta
    racks: dict = dataclasses.field(default_factory=dict)   # name: RackDelta

    _DELTAS = {'hosts': HostDelta, 'pools': PoolDelta, 'racks': RackDelta}

    @classmethod
    def from_dict(cls, values):
        """From ``{'hosts': {name: {generation, vcpus, ...}}, 'pools':
        {name: {generation, size_gb}}, 'racks': {...}}`` (any part may be
        missing; delta objects are taken as they are)."""
        kwargs = {}
        for kind, delta_cls in cls._DELTAS.items():
            kwargs[kind] = {
                name: delta if isinstance(delta, delta_cls)
                else delta_cls(**delta)
                for name, delta in (values.get(kind) or {}).items()}
        return cls(**kwargs)

    def to_dict(self):
        return {kind: {name: dataclasses.asdict(delta)
                       for name, delta in getattr(self, kind).items()}
                for kind in self._DELTAS}

    def next_generations(self):
        """The generations rows will have once this consumption is
        applied: what apply_consumption returns."""
        return {kind: {name: delta.generation + 1
                       for name, delta in getattr(self, kind).items()}
                for kind in self._DELTAS}

    def negated(self):
        """The release of this consumption, at the same generations."""
        def neg(delta):
            values = {f.name: -getattr(delta, f.name)
                      for f in dataclasses.fields(delta)
                      if f.name != 'generation'}
            return type(delta)(generation=delta.generation, **values)
        return Consumption(**{
            kind: {name: neg(delta)
                   for name, delta in getattr(self, kind).items()}
            for kind in self._DELTAS})


def _cas(session, model, name, generation, increments):
    """One compare-and-swap UPDATE; True if it hit the row."""
    values = {column: getattr(model, column) + amount
              for column, amount in increments.items()}
    values['generation'] = model.generation + 1
    result = session.execute(
        sa.update(model)
        .where(model.name == name, model.generation == generation)
        .values(**values)
        .execution_options(synchronize_session=False))
    return result.rowcount == 1


# Rows are locked in one order everywhere (racks, hosts, pools; by name),
# here and in save_inventory, so that writers do not deadlock each other.
_CAS_COLUMNS = (
    ('racks', models.Rack, lambda d: {'uplink_used_mbps': d.uplink_mbps}),
    ('hosts', models.Host, lambda d: {
        'vcpus_used': d.vcpus, 'memory_mb_used': d.memory_mb,
        'disk_gb_used': d.disk_gb, 'nic_used_mbps': d.nic_mbps}),
    ('pools', models.Pool, lambda d: {'used_gb': d.size_gb}),
)


def apply_consumption(session, consumption):
    """Apply a decision's usage inside the caller's transaction.

    Returns the new generations ``{'hosts': {name: g}, 'pools': {...},
    'racks': {...}}``.  Raises GenerationConflict (naming every stale host,
    pool and rack) if any generation moved on; the caller's transaction
    then rolls back whatever it did.
    """
    new = {'hosts': {}, 'pools': {}, 'racks': {}}
    stale = {'hosts': [], 'pools': [], 'racks': []}
    for kind, model, increments in _CAS_COLUMNS:
        for name, delta in sorted(getattr(consumption, kind).items()):
            if _cas(session, model, name, delta.generation,
                    increments(delta)):
                new[kind][name] = delta.generation + 1
            else:
                stale[kind].append(name)
    if any(stale.values()):
        detail = '; '.join('%s %s' % (kind, ', '.join(names))
                           for kind, names in stale.items() if names)
        raise exception.GenerationConflict(
            detail='stale generation of %s' % detail, **stale)
    return new


def _zones_wanted(inventory):
    names = set(inventory.zones)
    names.update(r.zone for r in inventory.racks.values())
    names.update(h.zone for h in inventory.hosts.values())
    names.update(p.zone for p in inventory.pools.values())
    return {name: {} for name in names}


def _racks_wanted(inventory, zone_ids):
    racks = dict(inventory.racks)
    # A host or pool may name a rack the collector did not list.
    for item in list(inventory.hosts.values()) + list(
            inventory.pools.values()):
        if item.rack and item.rack not in racks:
            racks[item.rack] = inv.Rack(item.rack, item.zone)
    return {r.name: {'zone_id': zone_ids[r.zone],
                     'uplink_mbps': r.uplink_mbps or 0}
            for r in racks.values()}


def _hosts_wanted(inventory, zone_ids, rack_ids):
    usage = inventory.external_usage()
    wanted = {}
    for h in inventory.hosts.values():
        vcpus, memory_mb, disk_gb = usage.get(h.name, (0, 0, 0))
        wanted[h.name] = {
            'zone_id': zone_ids[h.zone], 'rack_id': rack_ids[h.rack],
            'vcpus': h.vcpus, 'memory_mb': h.memory_mb,
            'disk_gb': h.disk_gb, 'nic_mbps': h.nic_mbps or 0,
            'cpu_allocation_ratio': float(h.cpu_allocation_ratio),
            'ram_allocation_ratio': float(h.ram_allocation_ratio),
            'disk_allocation_ratio': float(h.disk_allocation_ratio),
            'enabled': bool(h.enabled),
            'aggregates': list(h.aggregates or []),
            'host_metadata': dict(h.metadata or {}),
            'external_vcpus': vcpus, 'external_memory_mb': memory_mb,
            'external_disk_gb': disk_gb}
    return wanted


def _pools_wanted(inventory, zone_ids, rack_ids):
    return {p.name: {'zone_id': zone_ids[p.zone],
                     'rack_id': rack_ids[p.rack] if p.rack else None,
                     'capacity_gb': p.capacity_gb,
                     'volume_types': list(p.volume_types or []),
                     'enabled': True}
            for p in inventory.pools.values()}


def _sync(session, model, wanted, disable_missing=False):
    """Insert or update ``model`` rows by name to ``wanted`` values.

    Changed rows get ``generation + 1``; with ``disable_missing`` rows not
    wanted any more are disabled (placements may still refer to them).
    Returns (name -> id, sorted names of added/changed/disabled rows).
    """
    existing = {row.name: row for row in session.scalars(sa.select(model))}
    changed, new = [], []
    for name, values in sorted(wanted.items()):
        row = existing.get(name)
        if row is None:
            new.append(dict(values, name=name))
            continue
        diff = {k: v for k, v in values.items() if getattr(row, k) != v}
        if diff:
            _bump(session, model, row.id, diff)
            changed.append(name)
    if disable_missing:
        for name, row in sorted(existing.items()):
            if name not in wanted and row.enabled:
                _bump(session, model, row.id, {'enabled': False})
                changed.append(name)
    if new:
        session.execute(sa.insert(model), new)
        changed.extend(values['name'] for values in new)
    ids = dict(session.execute(sa.select(model.name, model.id)).all())
    return ids, sorted(changed)


def _bump(session, model, row_id, values):
    session.execute(sa.update(model).where(model.id == row_id)
                    .values(generation=model.generation + 1, **values)
                    .execution_options(synchronize_session=False))


@api.writes
def save_inventory(db, context, inventory):
    """Store what a collector reported; never touches the ``*_used`` usage.

    Returns the names of added, changed or disabled rows:
    ``{'zones': [...], 'racks': [...], 'hosts': [...], 'pools': [...]}``.
    """
    changed = {}
    with db.writer(context) as session:
        zone_ids, changed['zones'] = _sync(session, models.Zone,
                                           _zones_wanted(inventory))
        rack_ids, changed['racks'] = _sync(
            session, models.Rack, _racks_wanted(inventory, zone_ids))
        _, changed['hosts'] = _sync(
            session, models.Host,
            _hosts_wanted(inventory, zone_ids, rack_ids),
            disable_missing=True)
        _, changed['pools'] = _sync(
            session, models.Pool,
            _pools_wanted(inventory, zone_ids, rack_ids),
            disable_missing=True)
    return changed


def _named(query, model, names):
    return query if names is None else query.where(model.name.in_(names))


@api.reads
def load_state(db, context, hosts=None, pools=None, racks=None):
    """Generations and Valet's usage, for all or the named rows.

    ``{'hosts': {name: {generation, vcpus_used, memory_mb_used,
    disk_gb_used, nic_used_mbps, enabled}}, 'pools': {name: {generation,
    used_gb}}, 'racks': {name: {generation, uplink_used_mbps}}}``
    """
    H, P, R = models.Host, models.Pool, models.Rack
    with db.reader(context) as session:
        host_rows = session.execute(_named(sa.select(
            H.name, H.generation, H.vcpus_used, H.memory_mb_used,
            H.disk_gb_used, H.nic_used_mbps, H.enabled), H, hosts))
        pool_rows = session.execute(_named(sa.select(
            P.name, P.generation, P.used_gb), P, pools))
        rack_rows = session.execute(_named(sa.select(
            R.name, R.generation, R.uplink_used_mbps), R, racks))
        return {
            'hosts': {r.name: {k: v for k, v in r._asdict().items()
                               if k != 'name'} for r in host_rows},
            'pools': {r.name: {'generation': r.generation,
                               'used_gb': r.used_gb} for r in pool_rows},
            'racks': {r.name: {'generation': r.generation,
                               'uplink_used_mbps': r.uplink_used_mbps}
                      for r in rack_rows},
        }


EXTERNAL_SERVER_PREFIX = 'external:'


@api.reads
def load_inventory(db, context, name='default'):
    """An Inventory rebuilt from the tables, so an engine can start from
    the DB.  Flavors are empty; each host's external usage comes back as
    one server ``external:<host>``; disabled pools are left out, disabled
    hosts are kept (with ``enabled=False``)."""
    result = inv.Inventory(name=name)
    with db.reader(context) as session:
        zones = dict(session.execute(
            sa.select(models.Zone.id, models.Zone.name)).all())
        racks = {}
        for row in session.scalars(sa.select(models.Rack)):
            racks[row.id] = row.name
            result.racks[row.name] = inv.Rack(row.name, zones[row.zone_id],
                                              row.uplink_mbps)
        for zone in zones.values():
            result.zones[zone] = inv.Zone(zone)
        for row in session.scalars(
                sa.select(models.Host).order_by(models.Host.name)):
            result.hosts[row.name] = inv.Host(
                name=row.name, zone=zones[row.zone_id],
                rack=racks[row.rack_id], vcpus=row.vcpus,
                memory_mb=row.memory_mb, disk_gb=row.disk_gb,
                nic_mbps=row.nic_mbps,
                cpu_allocation_ratio=row.cpu_allocation_ratio,
                ram_allocation_ratio=row.ram_allocation_ratio,
                disk_allocation_ratio=row.disk_allocation_ratio,
                enabled=row.enabled, aggregates=list(row.aggregates or []),
                metadata=dict(row.host_metadata or {}))
            for aggregate in row.aggregates or []:
                result.aggregates.setdefault(
                    aggregate, inv.Aggregate(aggregate, [])
                ).hosts.append(row.name)
            if row.external_vcpus or row.external_memory_mb or \
                    row.external_disk_gb:
                result.servers.append(inv.Server(
                    id=EXTERNAL_SERVER_PREFIX + row.name, host=row.name,
                    flavor='', vcpus=row.external_vcpus,
                    memory_mb=row.external_memory_mb,
                    disk_gb=row.external_disk_gb))
        for row in session.scalars(
                sa.select(models.Pool).where(models.Pool.enabled.is_(True))
                .order_by(models.Pool.name)):
            result.pools[row.name] = inv.Pool(
                name=row.name, zone=zones[row.zone_id],
                capacity_gb=row.capacity_gb,
                rack=racks.get(row.rack_id),
                volume_types=list(row.volume_types or []))
    return result
