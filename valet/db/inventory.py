"""Zones, racks, hosts and pools: what collectors report, what Valet uses.

Two writers share these rows and never step on each other's columns:

* the inventory sync (:func:`save_inventory`) owns capacities, ratios,
  aggregates, state and the usage of servers Valet did not place;
* decisions (:func:`apply_consumption`) own the ``*_used`` columns.

Both bump ``generation`` with ``generation = generation + 1`` in SQL, and a
decision only lands if the generation is still the one the engine decided
on (compare-and-swap), so a stale engine gets a GenerationConflict instead
of double-booking.  Named groups are global and their rack or zone rules
span hosts, so a decision that adds members to an existing group also
swaps that group's generation (``groups`` of a Consumption).
"""
import dataclasses
import datetime
import functools

from oslo_serialization import jsonutils
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
    # Groups the decision adds members to: name -> the group generation it
    # was made on (0 for a group its own write inserts).  No deltas: the
    # swap only proves that no other engine added members since.
    # Releases need none.
    groups: dict = dataclasses.field(default_factory=dict)  # name: int

    _DELTAS = {'hosts': HostDelta, 'pools': PoolDelta, 'racks': RackDelta}

    @classmethod
    def from_dict(cls, values):
        """From ``{'hosts': {name: {generation, vcpus, ...}}, 'pools':
        {name: {generation, size_gb}}, 'racks': {...}, 'groups': {name:
        generation}}`` (any part may be missing; delta objects are taken as
        they are)."""
        kwargs = {'groups': dict(values.get('groups') or {})}
        for kind, delta_cls in cls._DELTAS.items():
            kwargs[kind] = {
                name: delta if isinstance(delta, delta_cls)
                else delta_cls(**delta)
                for name, delta in (values.get(kind) or {}).items()}
        return cls(**kwargs)

    def to_dict(self):
        values = {kind: {name: dataclasses.asdict(delta)
                         for name, delta in getattr(self, kind).items()}
                  for kind in self._DELTAS}
        values['groups'] = dict(self.groups)
        return values

    def next_generations(self):
        """The generations rows will have once this consumption is
        applied: what apply_consumption returns."""
        values = {kind: {name: delta.generation + 1
                         for name, delta in getattr(self, kind).items()}
                  for kind in self._DELTAS}
        values['groups'] = {name: generation + 1
                            for name, generation in self.groups.items()}
        return values

    def negated(self):
        """The release of this consumption, at the same generations (no
        group swaps: a model that still counts a released member is only
        more conservative)."""
        def neg(delta):
            values = {f.name: -getattr(delta, f.name)
                      for f in dataclasses.fields(delta)
                      if f.name != 'generation'}
            return type(delta)(generation=delta.generation, **values)
        return Consumption(**{
            kind: {name: neg(delta)
                   for name, delta in getattr(self, kind).items()}
            for kind in self._DELTAS})


def _cas_width(count):
    """The rows a _cas_rows statement takes: ``count`` up to 16, else the
    next multiple of 16 (the rest are NULL names, which match no row), so
    that few statements are ever built and few parameters are wasted."""
    return count if count <= 16 else -(-count // 16) * 16


# The hot statements below are built once per shape (functools.cache): a
# fresh expression per call (and its cache key, hashed again on every
# execution) cost more CPU than running it; a statement built once hits
# SQLAlchemy's compiled cache at no cost.
@functools.cache
def _cas_statement(table, columns):
    """UPDATE one row ``:p_name`` if its generation is ``:p_generation``,
    adding ``:d_<column>`` to each column."""
    c = table.c
    values = {column: c[column] + sa.bindparam('d_' + column,
                                               type_=sa.Integer)
              for column in columns}
    values['generation'] = c.generation + 1
    return (sa.update(table)
            .where(c.name == sa.bindparam('p_name', type_=sa.String),
                   c.generation == sa.bindparam('p_generation',
                                                type_=sa.Integer))
            .values(values))


@functools.cache
def _cas_rows_statements(table, columns, width):
    """(locking read, UPDATE) of _cas_rows for ``width`` rows named
    ``:n<i>``, expected at generation ``:g<i>``, each column getting
    ``:<column>_<i>``: a CASE on the name, as one statement."""
    c = table.c
    names = [sa.bindparam('n%d' % i, type_=sa.String) for i in range(width)]

    def by_name(prefix, else_):
        return sa.case(*[(names[i], sa.bindparam('%s%d' % (prefix, i),
                                                 type_=sa.Integer))
                         for i in range(width)],
                       value=c.name, else_=else_)
    values = {column: c[column] + by_name(column + '_', 0)
              for column in columns}
    values['generation'] = c.generation + 1
    return (sa.select(c.name, c.generation).where(c.name.in_(names))
            .order_by(c.name).with_for_update(),
            sa.update(table)
            .where(c.name.in_(names), c.generation == by_name('g', None))
            .values(values))


def _cas(session, model, name, generation, increments):
    """One compare-and-swap UPDATE; True if it hit the row."""
    # Adding 0 changes nothing: such columns are left out of the SET.
    columns = tuple(sorted(c for c, amount in increments.items() if amount))
    params = {'d_' + column: increments[column] for column in columns}
    params.update(p_name=name, p_generation=generation)
    result = session.connection().execute(
        _cas_statement(model.__table__, columns), params)
    return result.rowcount == 1


def _cas_rows(session, model, rows):
    """Compare-and-swap ``rows`` (``[(name, generation, increments)]`` by
    name) of ``model``; returns the stale names.  Several rows take two
    statements, not one each (a 10-server plan swaps 5 to 10 hosts): a
    locking read of their generations, which sees the latest committed
    ones and locks the rows in name order like the UPDATEs would, then one
    UPDATE for all of them -- only if none is stale (the caller rolls
    back then)."""
    if len(rows) == 1:
        name, generation, increments = rows[0]
        return [] if _cas(session, model, name, generation,
                          increments) else [name]
    read, update, params = _cas_rows_params(model, rows)
    connection = session.connection()
    current = dict(connection.execute(read, params).all())
    # A row that does not exist is stale.
    stale = [name for name, generation, _ in rows
             if name not in current or current[name] != generation]
    if stale:
        return stale
    result = connection.execute(update, params)
    # The rows are locked: every one matches (else call them all stale).
    return [] if result.rowcount == len(rows) else [name for name, _, _
                                                    in rows]


def _cas_rows_params(model, rows):
    """(locking read, UPDATE, their parameters) for ``rows`` (see
    _cas_rows).  valet.db.reconciliation runs the UPDATE alone."""
    # Adding 0 changes nothing: columns no row changes are left out.
    columns = tuple(sorted({c for _, _, inc in rows
                            for c, amount in inc.items() if amount}))
    width = _cas_width(len(rows))
    read, update = _cas_rows_statements(model.__table__, columns, width)
    params = {}
    for i in range(width):
        name, generation, increments = (rows[i] if i < len(rows)
                                        else (None, None, {}))
        params['n%d' % i] = name
        params['g%d' % i] = generation
        for column in columns:
            params['%s_%d' % (column, i)] = increments.get(column, 0)
    return read, update, params


def host_increments(delta):
    """The usage columns a HostDelta adds to."""
    return {'vcpus_used': delta.vcpus, 'memory_mb_used': delta.memory_mb,
            'disk_gb_used': delta.disk_gb, 'nic_used_mbps': delta.nic_mbps}


# Rows are locked in one order everywhere (racks, hosts, pools; by name),
# here and in save_inventory, so that writers do not deadlock each other.
# Groups come last, after every inventory row, in every decision (the
# inventory sync never touches them).
_CAS_COLUMNS = (
    ('racks', models.Rack, lambda d: {'uplink_used_mbps': d.uplink_mbps}),
    ('hosts', models.Host, host_increments),
    ('pools', models.Pool, lambda d: {'used_gb': d.size_gb}),
)


def apply_consumption(session, consumption):
    """Apply a decision's usage inside the caller's transaction.

    Returns the new generations ``{'hosts': {name: g}, 'pools': {...},
    'racks': {...}, 'groups': {...}}``.  Raises GenerationConflict (naming
    every stale host, pool, rack and group) if any generation moved on;
    the caller's transaction then rolls back whatever it did.
    """
    new = {'hosts': {}, 'pools': {}, 'racks': {}, 'groups': {}}
    stale = {'hosts': [], 'pools': [], 'racks': [], 'groups': []}
    kinds = [(kind, model, [(name, delta.generation, increments(delta))
                            for name, delta in sorted(
                                getattr(consumption, kind).items())])
             for kind, model, increments in _CAS_COLUMNS]
    # Last (see _CAS_COLUMNS); a group that does not exist is stale.
    kinds.append(('groups', models.Group,
                  [(name, generation, {}) for name, generation
                   in sorted(consumption.groups.items())]))
    for kind, model, rows in kinds:
        if not rows:
            continue
        stale[kind] = _cas_rows(session, model, rows)
        new[kind] = {name: generation + 1 for name, generation, _ in rows
                     if name not in stale[kind]}
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


def save_inventory(db, context, inventory):
    """Store what a collector reported; never touches the ``*_used`` usage.

    Returns the names of added, changed or disabled rows:
    ``{'zones': [...], 'racks': [...], 'hosts': [...], 'pools': [...]}``.
    """
    return save_synced_inventory(db, context, inventory)[0]


def _save(session, inventory):
    changed = {}
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


@api.reads
def generation_totals(db, context):
    """``(hosts, racks, pools)``: the sum of each table's generations
    (enabled pools only: the model leaves the others out).  Generations
    only grow, so a total that moved means some row changed: one cheap
    read tells an engine whether others committed since."""
    with db.reader(context) as session:
        return tuple(int(value) for value in session.execute(
            sa.select(*generation_total_columns())).one())


def generation_total_columns():
    """The three scalar subqueries of :func:`generation_totals`, for a
    caller that reads them in the same round trip as something else."""
    def total(model, *where):
        return (sa.select(sa.func.coalesce(sa.func.sum(model.generation), 0))
                .where(*where).scalar_subquery())
    return (total(models.Host), total(models.Rack),
            total(models.Pool, models.Pool.enabled))


def _sync_marker_id():
    E = models.Event.__table__.c
    return (sa.select(E.id).where(E.kind == SYNC_EVENT)
            .order_by(E.id.desc()).limit(1).scalar_subquery())


@functools.cache
def _catch_up_queries():
    """``(by rack, marker only)``: the statements of
    :func:`catch_up_marks`."""
    H, R = models.Host.__table__.c, models.Rack.__table__.c
    marker = _sync_marker_id()
    by_rack = (sa.select(R.name, sa.func.coalesce(sa.func.sum(H.generation),
                                                  0),
                         sa.func.count(H.id), marker)
               .select_from(models.Host.__table__.join(
                   models.Rack.__table__, R.id == H.rack_id))
               .group_by(R.name))
    return by_rack, sa.select(marker)


@api.reads
def catch_up_marks(db, context, racks=True):
    """``(sync marker id, {rack: (sum, count)} or None)`` in one
    statement: the id of the newest stored inventory sync (None: none)
    and, if ``racks``, the sum of its hosts' generations and their number
    by rack -- the first reads of an engine catching up.  Generations
    only grow, so a rack whose pair moved holds a host that changed: the
    engine compares the pairs (one row a rack) with its model and reads
    only the hosts of those racks, not all of them."""
    by_rack, marker_only = _catch_up_queries()
    with db.reader(context) as session:
        connection = session.connection()
        if racks:
            rows = connection.execute(by_rack).all()
            if rows:        # the marker is on every row
                return rows[0][3], {name: (int(total), int(count))
                                    for name, total, count, _ in rows}
        marker = connection.execute(marker_only).scalar()
    return marker, {} if racks else None


@api.reads
def load_state(db, context, hosts=None, pools=None, racks=None,
               host_racks=None, unchanged=None):
    """Generations and Valet's usage, for all or the named rows
    (``host_racks``: only the hosts of these racks; an empty list of names
    reads nothing of that kind; ``unchanged``: ``{host: generation}`` the
    caller holds, hosts still at that generation are left out).

    ``{'hosts': {name: {generation, vcpus_used, memory_mb_used,
    disk_gb_used, nic_used_mbps, enabled}}, 'pools': {name: {generation,
    used_gb}}, 'racks': {name: {generation, uplink_used_mbps}}}``
    """
    def rows(kind, *filters):
        # No names, no rows: spare the round trip.
        if any(f is not None and not f for f in filters):
            return []
        given = tuple(f is not None for f in filters)
        params = {'names%d' % i: sorted(f) for i, f in enumerate(filters)
                  if f is not None}
        return connection.execute(_state_query(kind, given), params).all()
    with db.reader(context) as session:
        connection = session.connection()
        host_rows = rows('hosts', hosts, host_racks, None if not unchanged
                         else [(n, g) for n, g in unchanged.items()])
        pool_rows = rows('pools', pools)
        rack_rows = rows('racks', racks)
        return {
            'hosts': {name: {'generation': generation,
                             'vcpus_used': vcpus, 'memory_mb_used': memory,
                             'disk_gb_used': disk, 'nic_used_mbps': nic,
                             'enabled': enabled}
                      for name, generation, vcpus, memory, disk, nic,
                      enabled in host_rows},
            'pools': {name: {'generation': generation, 'used_gb': used}
                      for name, generation, used in pool_rows},
            'racks': {name: {'generation': generation,
                             'uplink_used_mbps': used}
                      for name, generation, used in rack_rows},
        }


@functools.cache
def _state_query(kind, given):
    """The Core select of :func:`load_state` for ``kind``, filtered by
    the names (and for hosts, rack names) ``given`` says, as expanding
    parameters ``names0``, ``names1`` (and ``names2``, the (host,
    generation) pairs to leave out): built once per shape."""
    H, P, R = (t.__table__.c for t in (models.Host, models.Pool,
                                       models.Rack))
    if kind == 'hosts':
        query = sa.select(H.name, H.generation, H.vcpus_used,
                          H.memory_mb_used, H.disk_gb_used,
                          H.nic_used_mbps, H.enabled)
        name = H.name
    elif kind == 'pools':
        query, name = sa.select(P.name, P.generation, P.used_gb), P.name
    else:
        query = sa.select(R.name, R.generation, R.uplink_used_mbps)
        name = R.name
    if given[0]:
        query = query.where(name.in_(sa.bindparam('names0', expanding=True)))
    if len(given) > 1 and given[1]:
        query = query.where(H.rack_id.in_(
            sa.select(R.id).where(R.name.in_(
                sa.bindparam('names1', expanding=True)))))
    if len(given) > 2 and given[2]:
        query = query.where(sa.tuple_(H.name, H.generation).not_in(
            sa.bindparam('names2', expanding=True)))
    return query


EXTERNAL_SERVER_PREFIX = 'external:'

# The events row every save writes: what the tables do not hold (the
# datacenter name, flavors, how many servers Valet did not place run on
# each host) and a marker that engines which did not collect compare to
# learn that the leader stored a newer inventory.  Only the newest one is
# kept.
SYNC_EVENT = 'inventory.synced'


def _sync_document(inventory):
    counts = {}
    for server in inventory.servers:
        counts[server.host] = counts.get(server.host, 0) + 1
    return {'name': inventory.name,
            'flavors': {f.name: {'vcpus': f.vcpus, 'ram': f.ram,
                                 'disk': f.disk,
                                 'extra_specs': dict(f.extra_specs or {})}
                        for f in inventory.flavors.values()},
            'external_servers': dict(sorted(counts.items()))}


def _last_sync(session):
    E = models.Event
    return session.execute(
        sa.select(E.id, E.payload, E.created_at).where(E.kind == SYNC_EVENT)
        .order_by(E.id.desc()).limit(1)).first()


def _record_sync(session, inventory, changed, engine_id):
    """Write this sync's record (even if nothing changed: it tells the
    other engines when the last sync was) and drop the older ones."""
    E = models.Event
    result = session.execute(sa.insert(E).values(
        kind=SYNC_EVENT, created_at=models._utcnow(), payload={
            'engine_id': engine_id, 'inventory': _sync_document(inventory),
            'changed': {kind: len(names) for kind, names in changed.items()}}))
    new_id = result.inserted_primary_key[0]
    session.execute(sa.delete(E).where(E.kind == SYNC_EVENT, E.id < new_id)
                    .execution_options(synchronize_session=False))
    return _last_sync(session)


@dataclasses.dataclass(frozen=True)
class SyncMarker:
    """Which stored inventory sync a model was built from."""
    id: int
    synced_at: datetime.datetime      # timezone-aware UTC
    engine_id: str = None


def _marker(row):
    if row is None:
        return None
    return SyncMarker(row.id, row.created_at.replace(
        tzinfo=datetime.timezone.utc),
        (row.payload or {}).get('engine_id'))


@api.writes
def save_synced_inventory(db, context, inventory, engine_id=None):
    """:func:`save_inventory` plus the sync record, in one transaction.

    Returns ``(changed, marker)``.
    """
    with db.writer(context) as session:
        changed = _save(session, inventory)
        return changed, _marker(
            _record_sync(session, inventory, changed, engine_id))


@api.reads
def sync_marker(db, context):
    """The newest stored inventory sync (a SyncMarker without its
    engine_id), or None if no inventory was ever stored: one small read
    (no payload), for polling."""
    E = models.Event
    with db.reader(context) as session:
        row = session.execute(
            sa.select(E.id, E.created_at).where(E.kind == SYNC_EVENT)
            .order_by(E.id.desc()).limit(1)).first()
    if row is None:
        return None
    return SyncMarker(row.id, row.created_at.replace(
        tzinfo=datetime.timezone.utc))


@api.reads
def load_inventory(db, context, name=None):
    """An Inventory rebuilt from the tables, so an engine can start from
    the DB.  Name, flavors and the number of servers Valet did not place
    come from the last sync record (no record: ``name`` or 'default', no
    flavors); each host's external usage comes back on one server
    ``external:<host>`` (and zero-sized ``external:<host>#n`` for the
    others); disabled pools are left out, disabled hosts are kept (with
    ``enabled=False``)."""
    return load_stored(db, context, name=name)[0]


_HOST_COLUMNS = ('name', 'zone_id', 'rack_id', 'vcpus', 'memory_mb',
                 'disk_gb', 'nic_mbps', 'cpu_allocation_ratio',
                 'ram_allocation_ratio', 'disk_allocation_ratio', 'enabled',
                 'aggregates', 'host_metadata', 'external_vcpus',
                 'external_memory_mb', 'external_disk_gb')


@api.reads
def load_stored(db, context, name=None):
    """``(inventory, marker)`` read in one transaction: the inventory as
    :func:`load_inventory` returns it and the SyncMarker it belongs to."""
    with db.reader(context) as session:
        return _load(session, name)


def _json(value, empty):
    """A JSON column read as text: most hosts hold '[]' or '{}'."""
    if value is None or value in ('[]', '{}', 'null'):
        return type(empty)()
    return value if isinstance(value, type(empty)) else jsonutils.loads(
        value)


def _load(session, name):
    # Plain column tuples from the tables, not ORM objects: a warm start
    # reads thousands of hosts and the ORM would cost more than the query.
    H, P, R, Z = (t.__table__.c for t in (models.Host, models.Pool,
                                          models.Rack, models.Zone))
    connection = session.connection()
    last = _last_sync(session)
    document = ((last.payload or {}).get('inventory') or {}) if last else {}
    result = inv.Inventory(name=name or document.get('name') or 'default')
    for fname, f in (document.get('flavors') or {}).items():
        result.flavors[fname] = inv.Flavor(fname, f['vcpus'], f['ram'],
                                           f['disk'],
                                           dict(f.get('extra_specs') or {}))
    counts = document.get('external_servers') or {}
    zones = dict(connection.execute(sa.select(Z.id, Z.name)).all())
    racks = {}
    for rack_id, rname, zone_id, uplink in connection.execute(
            sa.select(R.id, R.name, R.zone_id, R.uplink_mbps)):
        racks[rack_id] = rname
        result.racks[rname] = inv.Rack(rname, zones[zone_id], uplink)
    for zone in zones.values():
        result.zones[zone] = inv.Zone(zone)
    Host, Server = inv.Host, inv.Server
    aggregates, servers = result.aggregates, result.servers
    columns = [sa.type_coerce(H[c], sa.Text)
               if c in ('aggregates', 'host_metadata') else H[c]
               for c in _HOST_COLUMNS]
    for (hname, zone_id, rack_id, vcpus, memory_mb, disk_gb, nic_mbps,
         cpu_ratio, ram_ratio, disk_ratio, enabled, host_aggs, metadata,
         ext_vcpus, ext_memory_mb, ext_disk_gb) in connection.execute(
            sa.select(*columns).order_by(H.name)):
        host_aggs = _json(host_aggs, [])
        result.hosts[hname] = Host(
            name=hname, zone=zones[zone_id], rack=racks[rack_id],
            vcpus=vcpus, memory_mb=memory_mb, disk_gb=disk_gb,
            nic_mbps=nic_mbps, cpu_allocation_ratio=cpu_ratio,
            ram_allocation_ratio=ram_ratio, disk_allocation_ratio=disk_ratio,
            enabled=bool(enabled), aggregates=host_aggs,
            metadata=_json(metadata, {}))
        for aggregate in host_aggs:
            agg = aggregates.get(aggregate)
            if agg is None:
                agg = aggregates[aggregate] = inv.Aggregate(aggregate, [])
            agg.hosts.append(hname)
        count = counts.get(hname, 0)
        if ext_vcpus or ext_memory_mb or ext_disk_gb or count:
            servers.append(Server(
                id=EXTERNAL_SERVER_PREFIX + hname, host=hname, flavor='',
                vcpus=ext_vcpus, memory_mb=ext_memory_mb,
                disk_gb=ext_disk_gb))
            servers.extend(
                Server(id='%s%s#%d' % (EXTERNAL_SERVER_PREFIX, hname, n),
                       host=hname, flavor='', vcpus=0, memory_mb=0, disk_gb=0)
                for n in range(2, count + 1))
    for pname, zone_id, rack_id, capacity, types in connection.execute(
            sa.select(P.name, P.zone_id, P.rack_id, P.capacity_gb,
                      P.volume_types).where(P.enabled.is_(True))
            .order_by(P.name)):
        result.pools[pname] = inv.Pool(pname, zones[zone_id], capacity,
                                       racks.get(rack_id), list(types or []))
    return result, _marker(last)
