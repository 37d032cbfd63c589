"""What Nova's notifications change, written in one transaction.

The notification applier (valet/engine/notifications/reconcile.py)
decides; this module writes: placements it adds (servers Valet never
planned), moves, resizes, confirms or deletes, the usage that follows
(compare-and-swap on each host's generation, as decisions do), host
``enabled`` flips (which bump the generation so other engines' CAS sees
them) and one ``events`` row per reconciliation.
"""
import uuid

import sqlalchemy as sa

from valet.db import api
from valet.db import inventory
from valet.db import models
from valet.db import placements as db_placements
from valet import exception


_PLACEMENTS = models.Placement.__table__
_PLANS = models.Plan.__table__
_EVENTS = models.Event.__table__

# Statements built once: a batch runs each of them, and building (and
# hashing for the compiled cache) a statement costs more than running it.
_PLACEMENT_GROUPS = models.PlacementGroup.__table__
_GROUPS = models.Group.__table__
_FIND = (
    sa.select(*[_PLACEMENTS.c[c] for c in ('id', 'plan_id')
                + db_placements.COLUMNS + ('metadata',)],
              _PLANS.c.stack_id, _GROUPS.c.name.label('group_name'))
    .select_from(
        _PLACEMENTS
        .outerjoin(_PLANS, _PLANS.c.id == _PLACEMENTS.c.plan_id)
        # One row per group of a placement: no second query for them.
        .outerjoin(_PLACEMENT_GROUPS,
                   _PLACEMENT_GROUPS.c.placement_id == _PLACEMENTS.c.id)
        .outerjoin(_GROUPS, _GROUPS.c.id == _PLACEMENT_GROUPS.c.group_id))
    .where(sa.or_(
        _PLACEMENTS.c.resource_id.in_(sa.bindparam('by_resource',
                                                   expanding=True)),
        sa.and_(_PLACEMENTS.c.plan_id.is_(None),
                _PLACEMENTS.c.orchestration_id.in_(
                    sa.bindparam('by_orchestration', expanding=True)))))
    .order_by(_PLACEMENTS.c.plan_id, _PLACEMENTS.c.orchestration_id))
_INSERT_PLACEMENTS = sa.insert(_PLACEMENTS)
_DELETE_PLACEMENTS = sa.delete(_PLACEMENTS).where(
    _PLACEMENTS.c.id.in_(sa.bindparam('ids', expanding=True)))
_INSERT_EVENTS = sa.insert(_EVENTS)
_UPDATES = {}        # changed columns -> UPDATE statement
_HOSTS = models.Host.__table__
_ENABLE_HOST = (
    sa.update(_HOSTS)
    .where(_HOSTS.c.name == sa.bindparam('p_name', type_=sa.String))
    .values(enabled=sa.bindparam('p_enabled', type_=sa.Boolean),
            generation=_HOSTS.c.generation + 1))
_HOST_GENERATIONS = sa.select(
    _HOSTS.c.name, _HOSTS.c.generation).where(
    _HOSTS.c.name.in_(sa.bindparam('names', expanding=True)))


@api.reads
def find_instances(db, context, uuids):
    """{instance uuid: placement dict} for the placements of these Nova
    instances (by resource id; ad-hoc ones also by orchestration id)."""
    with db.reader(context) as session:
        return _find(session, uuids)


def _find(session, uuids):
    """find_instances in the caller's transaction.  Plain rows, not ORM
    objects: the same dicts as valet.db.placements.to_dicts at a fraction
    of the cost."""
    uuids = sorted(set(uuids))
    if not uuids:
        return {}
    rows = {}
    for row in session.connection().execute(
            _FIND, {'by_resource': uuids, 'by_orchestration': uuids}):
        placement = rows.get(row.id)
        if placement is None:
            placement = rows[row.id] = dict(row._mapping, groups=[])
            del placement['group_name']
            placement['metadata'] = placement['metadata'] or {}
        if row.group_name is not None:
            placement['groups'].append(row.group_name)
    wanted = set(uuids)
    found = {}
    for row in rows.values():
        row['groups'].sort()
        key = row['resource_id'] if row['resource_id'] in wanted \
            else row['orchestration_id']
        # A resource id match wins over an orchestration id one.
        if key not in found or row['resource_id'] == key:
            found[key] = row
    return found


@api.writes
def reconcile_batch(db, context, uuids, decide):
    """Find the placements of the instances ``uuids``, let
    ``decide(rows)`` say what changes (apply_batch's keyword arguments, or
    None for nothing) and write it, in one transaction: one connection and
    one commit per batch.  Returns the new generations (None if nothing
    was written).  ``decide`` may run again (a deadlock is retried)."""
    with db.writer(context) as session:
        changes = decide(_find(session, uuids))
        if not changes:
            return None
        return _write(session, **changes)


@api.writes
def apply_batch(db, context, consumption=None, inserts=(), updates=(),
                deletes=(), hosts_enabled=None, events=()):
    """Write one batch; returns the new generations ``{'hosts': {name:
    generation}, 'pools': {}, 'racks': {}}`` of every host it touched.

    ``consumption``: a :class:`valet.db.inventory.Consumption` (raises
    GenerationConflict if a generation moved on; nothing is written then);
    ``inserts``: placement dicts (ad-hoc); ``updates``: ``(placement id,
    {column: value})``; ``deletes``: placement ids; ``hosts_enabled``:
    ``{host: bool}``; ``events``: ``(kind, payload dict)``.
    """
    with db.writer(context) as session:
        return _write(session, consumption, inserts, updates, deletes,
                      hosts_enabled, events)


def _write(session, consumption=None, inserts=(), updates=(), deletes=(),
           hosts_enabled=None, events=()):
    """apply_batch in the caller's transaction.  Core statements on the
    session's connection: the ORM session adds nothing to them."""
    generations = {'hosts': {}, 'pools': {}, 'racks': {}}
    connection = session.connection()
    if inserts:
        _insert_placements(session, inserts)
    if updates:
        _update_placements(session, updates)
    if deletes:
        connection.execute(_DELETE_PLACEMENTS, {'ids': sorted(deletes)})
    if consumption is not None:
        for kind, names in _cas(session, consumption).items():
            generations.setdefault(kind, {}).update(names)
    if hosts_enabled:
        names = sorted(hosts_enabled)
        for name in names:
            connection.execute(_ENABLE_HOST, {
                'p_name': name, 'p_enabled': bool(hosts_enabled[name])})
        generations['hosts'].update(connection.execute(
            _HOST_GENERATIONS, {'names': names}).all())
    if events:
        now = models._utcnow()
        connection.execute(_INSERT_EVENTS, [
            {'kind': kind, 'payload': payload, 'created_at': now}
            for kind, payload in events])
    return generations


def _insert_placements(session, placements):
    """Ad-hoc placements without groups, as one executemany (Core: the
    ORM's bulk insert costs more than the statement)."""
    if any(p.get('groups') for p in placements):
        db_placements.insert(session, None, list(placements))
        return
    now = models._utcnow()
    rows = []
    columns = db_placements.COLUMNS
    for placement in placements:
        row = dict(db_placements._INSERT_DEFAULTS, id=str(uuid.uuid4()),
                   plan_id=None, created_at=now)
        row.update((k, placement[k]) for k in columns if k in placement)
        row['metadata'] = row.pop('meta', None) or placement.get(
            'metadata') or {}
        rows.append(row)
    session.connection().execute(_INSERT_PLACEMENTS, rows)


def _update_placements(session, updates):
    """One executemany UPDATE per set of changed columns (a batch has
    hundreds of rows, and building a statement per row is what costs)."""
    by_columns = {}
    for placement_id, values in updates:
        row = {('metadata' if k in ('meta', 'metadata') else k): v
               for k, v in values.items()}
        by_columns.setdefault(tuple(sorted(row)), []).append(
            dict({'v_' + k: v for k, v in row.items()}, p_id=placement_id))
    for columns, params in sorted(by_columns.items()):
        statement = _UPDATES.get(columns)
        if statement is None:
            statement = _UPDATES[columns] = (
                sa.update(_PLACEMENTS)
                .where(_PLACEMENTS.c.id == sa.bindparam('p_id'))
                .values({c: sa.bindparam('v_' + c) for c in columns}))
        session.connection().execute(statement, params)


_HOSTS_CAS = (
    sa.update(_HOSTS)
    .where(_HOSTS.c.name == sa.bindparam('p_name'),
           _HOSTS.c.generation == sa.bindparam('p_generation'))
    .values(vcpus_used=_HOSTS.c.vcpus_used + sa.bindparam('p_vcpus'),
            memory_mb_used=_HOSTS.c.memory_mb_used
            + sa.bindparam('p_memory_mb'),
            disk_gb_used=_HOSTS.c.disk_gb_used + sa.bindparam('p_disk_gb'),
            nic_used_mbps=_HOSTS.c.nic_used_mbps
            + sa.bindparam('p_nic_mbps'),
            generation=_HOSTS.c.generation + 1))


def _cas(session, consumption):
    """The hosts' compare-and-swap: on MySQL one UPDATE for all of them,
    a CASE on the name (valet.db.inventory's statement, built once per
    width; an executemany UPDATE would run row by row, a round trip
    each); an executemany UPDATE where the driver runs it in process and
    counts the rows it hit (sqlite); else
    valet.db.inventory.apply_consumption.  Either way the rows are locked
    in name order and a stale generation rolls the batch back."""
    dialect = session.get_bind().dialect
    if (consumption.pools or consumption.racks or consumption.groups
            or not consumption.hosts):
        return inventory.apply_consumption(session, consumption)
    deltas = sorted(consumption.hosts.items())
    if dialect.name == 'mysql':
        rows = [(name, d.generation, inventory.host_increments(d))
                for name, d in deltas]
        _, update, params = inventory._cas_rows_params(models.Host, rows)
        result = session.connection().execute(update, params)
        if result.rowcount != len(rows):
            raise _stale(consumption)
        return consumption.next_generations()
    if not dialect.supports_sane_multi_rowcount:
        return inventory.apply_consumption(session, consumption)
    params = [{'p_name': name, 'p_generation': d.generation,
               'p_vcpus': d.vcpus, 'p_memory_mb': d.memory_mb,
               'p_disk_gb': d.disk_gb, 'p_nic_mbps': d.nic_mbps}
              for name, d in deltas]
    result = session.connection().execute(_HOSTS_CAS, params)
    if result.rowcount != len(params):
        raise _stale(consumption)
    return consumption.next_generations()


def _stale(consumption):
    names = sorted(consumption.hosts)
    return exception.GenerationConflict(
        detail='stale generation of hosts among %s' % ', '.join(names),
        hosts=names, pools=[], racks=[], groups=[])


@api.reads
def list_events(db, context, kind=None, limit=None):
    """Reconciliation events, oldest first: ``{id, kind, payload,
    created_at}``."""
    E = models.Event
    query = sa.select(E).order_by(E.id)
    if kind is not None:
        query = query.where(E.kind == kind)
    if limit is not None:
        query = query.limit(limit)
    with db.reader(context) as session:
        return [{'id': row.id, 'kind': row.kind, 'payload': row.payload,
                 'created_at': row.created_at}
                for row in session.scalars(query)]
