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


@api.reads
def find_instances(db, context, uuids):
    """{instance uuid: placement dict} for the placements of these Nova
    instances (by resource id; ad-hoc ones also by orchestration id)."""
    uuids = sorted(set(uuids))
    if not uuids:
        return {}
    P = models.Placement
    query = db_placements.select_placements().where(sa.or_(
        P.resource_id.in_(uuids),
        sa.and_(P.plan_id.is_(None), P.orchestration_id.in_(uuids))))
    with db.reader(context) as session:
        rows = db_placements.to_dicts(session, query)
    found = {}
    for row in rows:
        key = row['resource_id'] if row['resource_id'] in uuids \
            else row['orchestration_id']
        # A resource id match wins over an orchestration id one.
        if key not in found or row['resource_id'] == key:
            found[key] = row
    return found


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
    generations = {'hosts': {}, 'pools': {}, 'racks': {}}
    with db.writer(context) as session:
        if inserts:
            _insert_placements(session, inserts)
        if updates:
            _update_placements(session, updates)
        if deletes:
            session.execute(
                sa.delete(models.Placement)
                .where(models.Placement.id.in_(sorted(deletes)))
                .execution_options(synchronize_session=False))
        if consumption is not None:
            for kind, names in _cas(session, consumption).items():
                generations.setdefault(kind, {}).update(names)
        if hosts_enabled:
            H = models.Host
            for name, enabled in sorted(hosts_enabled.items()):
                session.execute(
                    sa.update(H).where(H.name == name)
                    .values(enabled=bool(enabled),
                            generation=H.generation + 1)
                    .execution_options(synchronize_session=False))
            generations['hosts'].update(session.execute(
                sa.select(H.name, H.generation)
                .where(H.name.in_(sorted(hosts_enabled)))).all())
        if events:
            now = models._utcnow()
            session.execute(sa.insert(models.Event.__table__), [
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
    for placement in placements:
        row = dict(db_placements._INSERT_DEFAULTS, id=str(uuid.uuid4()),
                   plan_id=None, created_at=now, updated_at=None)
        row.update((k, placement[k]) for k in db_placements.COLUMNS
                   if k in placement)
        row['metadata'] = row.pop('meta', None) or placement.get(
            'metadata') or {}
        rows.append(row)
    session.execute(sa.insert(models.Placement.__table__), rows)


def _update_placements(session, updates):
    """One executemany UPDATE per set of changed columns (a batch has
    hundreds of rows, and building a statement per row is what costs)."""
    table = models.Placement.__table__
    by_columns = {}
    for placement_id, values in updates:
        row = {('metadata' if k in ('meta', 'metadata') else k): v
               for k, v in values.items()}
        by_columns.setdefault(tuple(sorted(row)), []).append(
            dict({'v_' + k: v for k, v in row.items()}, p_id=placement_id))
    for columns, params in sorted(by_columns.items()):
        session.execute(
            sa.update(table).where(table.c.id == sa.bindparam('p_id'))
            .values({c: sa.bindparam('v_' + c) for c in columns}), params)


def _cas(session, consumption):
    """The hosts' compare-and-swap as one executemany UPDATE where the
    driver counts the rows an executemany hit (sqlite, MySQL); else one
    UPDATE per row (valet.db.inventory.apply_consumption)."""
    dialect = session.get_bind().dialect
    if (consumption.pools or consumption.racks or consumption.groups
            or not consumption.hosts
            or not dialect.supports_sane_multi_rowcount):
        return inventory.apply_consumption(session, consumption)
    hosts = models.Host.__table__
    c = hosts.c
    params = [{'p_name': name, 'p_generation': d.generation,
               'p_vcpus': d.vcpus, 'p_memory_mb': d.memory_mb,
               'p_disk_gb': d.disk_gb, 'p_nic_mbps': d.nic_mbps}
              for name, d in sorted(consumption.hosts.items())]
    result = session.execute(
        sa.update(hosts)
        .where(c.name == sa.bindparam('p_name'),
               c.generation == sa.bindparam('p_generation'))
        .values(vcpus_used=c.vcpus_used + sa.bindparam('p_vcpus'),
                memory_mb_used=c.memory_mb_used + sa.bindparam('p_memory_mb'),
                disk_gb_used=c.disk_gb_used + sa.bindparam('p_disk_gb'),
                nic_used_mbps=c.nic_used_mbps + sa.bindparam('p_nic_mbps'),
                generation=c.generation + 1), params)
    if result.rowcount != len(params):
        names = sorted(consumption.hosts)
        raise exception.GenerationConflict(
            detail='stale generation of hosts among %s' % ', '.join(names),
            hosts=names, pools=[], racks=[], groups=[])
    return consumption.next_generations()


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
