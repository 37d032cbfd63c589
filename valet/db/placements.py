"""Placements: where each planned (or ad-hoc) server and volume goes.

One dict shape everywhere: ``{id, name, orchestration_id, resource_id,
location, reserved, plan_id, metadata}`` (what REST v1 shows) plus
``stack_id, kind, rack, zone, flavor, vcpus, memory_mb, disk_gb,
project_id, groups`` (what the engine rebuilds its model from).

The session-level helpers (``insert``, ``update_row``, ``to_dicts``) are
shared with ``plans.py``, which writes placements in the plan's
transaction.
"""
import functools
import uuid

from oslo_db import exception as db_exc
from oslo_serialization import jsonutils
from oslo_utils import strutils
import sqlalchemy as sa

from valet.db import api
from valet.db import inventory
from valet.db import models
from valet.db import requests
from valet import exception

# Columns a caller may set; 'metadata' is stored in the ``meta`` attribute.
COLUMNS = ('name', 'orchestration_id', 'resource_id', 'kind', 'location',
           'rack', 'zone', 'reserved', 'flavor', 'vcpus', 'memory_mb',
           'disk_gb', 'project_id')
_INT_COLUMNS = ('vcpus', 'memory_mb', 'disk_gb')
_FILTER_COLUMNS = COLUMNS + ('id', 'plan_id')


def _values(placement):
    values = {c: placement[c] for c in COLUMNS if c in placement}
    for key in ('meta', 'metadata'):     # either name is accepted
        if key in placement:
            values['meta'] = placement[key] or {}
    return values


def _group_names(session, placement_ids=None):
    """placement id -> sorted group names (all placements if None)."""
    query = (sa.select(models.PlacementGroup.placement_id, models.Group.name)
             .join(models.Group,
                   models.Group.id == models.PlacementGroup.group_id))
    if placement_ids is not None:
        if not placement_ids:
            return {}
        query = query.where(
            models.PlacementGroup.placement_id.in_(placement_ids))
    names = {}
    for placement_id, name in session.execute(query):
        names.setdefault(placement_id, []).append(name)
    return {pid: sorted(group) for pid, group in names.items()}


def _to_dict(row, stack_id, groups):
    placement = {c: getattr(row, c) for c in COLUMNS}
    placement.update(id=row.id, plan_id=row.plan_id, stack_id=stack_id,
                     metadata=row.meta or {}, groups=groups)
    return placement


def select_placements():
    """Placement rows with their plan's stack id."""
    return (sa.select(models.Placement, models.Plan.stack_id)
            .outerjoin(models.Plan,
                       models.Plan.id == models.Placement.plan_id))


def to_dicts(session, query=None):
    """Placement dicts for the rows that ``query`` (built on
    :func:`select_placements`; default: all) selects, by plan and
    orchestration id."""
    everything = query is None
    query = select_placements() if everything else query
    # populate_existing: rows this session already holds may have been
    # changed since by UPDATE statements.
    rows = session.execute(
        query.order_by(models.Placement.plan_id,
                       models.Placement.orchestration_id)
        .execution_options(populate_existing=True)).all()
    groups = _group_names(
        session, None if everything else [row.id for row, _ in rows])
    return [_to_dict(row, stack_id, groups.get(row.id, []))
            for row, stack_id in rows]


def _group_ids(session, names, known=None):
    """name -> id for ``names``; ``known`` are ids already at hand."""
    ids = {n: i for n, i in (known or {}).items() if n in names}
    missing = set(names) - set(ids)
    if missing:
        ids.update(session.execute(
            sa.select(models.Group.name, models.Group.id)
            .where(models.Group.name.in_(missing))).all())
    unknown = sorted(set(names) - set(ids))
    if unknown:
        raise exception.GroupNotFound(group=', '.join(unknown))
    return ids


def _set_groups(session, placement_id, names, known=None):
    session.execute(sa.delete(models.PlacementGroup).where(
        models.PlacementGroup.placement_id == placement_id))
    ids = _group_ids(session, set(names), known)
    if ids:
        session.execute(sa.insert(models.PlacementGroup),
                        [{'placement_id': placement_id, 'group_id': gid}
                         for gid in sorted(ids.values())])


# Every column a batched insert sets, so all rows share one statement.
_INSERT_DEFAULTS = {'resource_id': None, 'kind': 'server', 'location': None,
                    'rack': None, 'zone': None, 'reserved': False,
                    'flavor': None, 'vcpus': 0, 'memory_mb': 0, 'disk_gb': 0,
                    'project_id': None, 'meta': {}, 'name': None}


# Core statements built once: the ORM's bulk insert (and a statement
# built per call) cost more CPU than the insert itself.
_INSERT_PLACEMENTS = sa.insert(models.Placement.__table__)
_INSERT_LINKS = sa.insert(models.PlacementGroup.__table__)


def insert(session, plan_id, placements, group_ids=None, project_id=None):
    """Insert placement dicts (with ``groups: [names]``) into a plan (or
    none: ad-hoc); returns their ids by orchestration id.  ``group_ids``
    (name -> id) saves look-ups of groups the caller just ensured.

    Two executemany statements whatever the number of placements: one for
    the placements, one for their group links.
    """
    ids, rows, names = {}, [], set()
    now = models._utcnow()
    for placement in placements:
        if not placement.get('orchestration_id'):
            raise exception.Invalid(detail='a placement needs an '
                                           'orchestration_id')
        values = dict(_INSERT_DEFAULTS, **_values(placement))
        if values['project_id'] is None:
            values['project_id'] = project_id
        # The table's column is 'metadata' (the ORM attribute 'meta').
        values['metadata'] = values.pop('meta')
        values.update(id=placement.get('id') or str(uuid.uuid4()),
                      plan_id=plan_id, created_at=now)
        rows.append(values)
        names.update(placement.get('groups') or ())
        ids[values['orchestration_id']] = values['id']
    if not rows:
        return ids
    connection = session.connection()
    connection.execute(_INSERT_PLACEMENTS, rows)
    known = _group_ids(session, names, group_ids)
    links = [{'placement_id': row_id, 'group_id': known[name]}
             for placement, row_id in zip(placements, (r['id'] for r in rows))
             for name in sorted(set(placement.get('groups') or ()))]
    if links:
        connection.execute(_INSERT_LINKS, links)
    return ids


def inserted(placements, ids):
    """orchestration id -> the columns :func:`insert` stored for each of
    ``placements`` (``ids``: what it returned), defaults included."""
    rows = {}
    for placement in placements:
        key = placement['orchestration_id']
        values = dict(_INSERT_DEFAULTS, **_values(placement))
        values['id'] = ids[key]
        rows[key] = values
    return rows


def update_row(session, placement_id, placement, group_ids=None):
    """Change the given columns (and groups, if ``groups`` is given)."""
    values = _values(placement)
    if values:
        session.execute(sa.update(models.Placement)
                        .where(models.Placement.id == placement_id)
                        .values(**values)
                        .execution_options(synchronize_session=False))
    if 'groups' in placement:
        _set_groups(session, placement_id, placement['groups'] or (),
                    group_ids)


def find(session, id_or_orchestration_id):
    """The placement dict with this id, else orchestration id, else
    resource id (Nova instance / Cinder volume uuid)."""
    for column in (models.Placement.id, models.Placement.orchestration_id,
                   models.Placement.resource_id):
        query = select_placements().where(column == id_or_orchestration_id)
        found = to_dicts(session, query)
        if found:
            return found[0]
    raise exception.PlacementNotFound(placement=id_or_orchestration_id)


def _finish(session, result, consumption, request, action, stack_id):
    if consumption is not None:
        inventory.apply_consumption(session, consumption)
    if request:
        requests.record_answer(session, request['request_id'],
                               request.get('action', action),
                               request.get('stack_id', stack_id), result)
    return result


@api.reads
def get_placement(db, context, id_or_orchestration_id):
    with db.reader(context) as session:
        return find(session, id_or_orchestration_id)


def _matches(value, wanted):
    """Query-string values are strings: compare loosely."""
    if value == wanted:
        return True
    if isinstance(value, bool) and isinstance(wanted, str):
        return strutils.bool_from_string(wanted, default=None) is value
    return value is not None and str(value) == str(wanted)


def _coerce(column, value):
    if column == 'reserved' and isinstance(value, str):
        return strutils.bool_from_string(value, strict=True)
    if column in _INT_COLUMNS:
        return int(value)
    return value


@api.reads
def list_placements(db, context, filters=None):
    """Placements matching every filter: own fields (and ``stack_id``)
    compare in SQL, any other key must equal that metadata value."""
    query = select_placements()
    meta = {}
    for key, value in (filters or {}).items():
        if key in _FILTER_COLUMNS:
            try:
                value = _coerce(key, value)
            except ValueError:
                raise exception.Invalid(
                    detail='%s=%s is not a valid filter' % (key, value)
                ) from None
            query = query.where(getattr(models.Placement, key) == value)
        elif key == 'stack_id':
            query = query.where(models.Plan.stack_id == value)
        else:
            meta[key] = value
    with db.reader(context) as session:
        placements = to_dicts(session, query)
    return [p for p in placements
            if all(_matches(p['metadata'].get(k), v)
                   for k, v in meta.items())]


@api.reads
def list_by_group(db, context, group_id):
    """Placements that are members of the group with this id."""
    query = select_placements().where(models.Placement.id.in_(
        sa.select(models.PlacementGroup.placement_id)
        .where(models.PlacementGroup.group_id == group_id)))
    with db.reader(context) as session:
        return to_dicts(session, query)


@api.reads
def server_instance_ids(db, context):
    """Instance uuids of the servers Valet placed (and Nova booted): what
    a collector must not count again as servers Valet did not place."""
    placement = models.Placement.__table__.c
    with db.reader(context) as session:
        return {uuid for (uuid,) in session.connection().execute(
            sa.select(placement.resource_id).where(
                placement.kind == 'server',
                placement.resource_id.is_not(None)))}


def _json(value):
    """A JSON column read as text (see load_all): most rows hold '{}'."""
    if value is None or value == '{}' or value == 'null':
        return {}
    return value if isinstance(value, dict) else jsonutils.loads(value)


@api.reads
def load_all(db, context, stack_id=None, locations=None):
    """Every placement (of one stack, or on the named hosts/pools, if
    given), with its groups, for the
    engine's model: the dicts :func:`to_dicts` makes, read as plain
    column tuples from the tables (a warm start reads 100,000 of them;
    ORM objects and per-row JSON decoding cost several times the query).
    """
    P = models.Placement.__table__.c
    plan = models.Plan.__table__.c
    columns = [P[c] for c in COLUMNS] + [
        P.id, P.plan_id, sa.type_coerce(P['metadata'], sa.Text), plan.stack_id]
    query = (sa.select(*columns)
             .select_from(models.Placement.__table__.outerjoin(
                 models.Plan.__table__, plan.id == P.plan_id))
             .order_by(P.plan_id, P.orchestration_id))
    if stack_id is not None:
        query = query.where(plan.stack_id == stack_id)
    if locations is not None:
        query = query.where(P.location.in_(sorted(locations)))
    with db.reader(context) as session:
        connection = session.connection()
        rows = connection.execute(query).all()
        links = models.PlacementGroup.__table__.c
        group = models.Group.__table__.c
        names = sa.select(links.placement_id, group.name).join_from(
            models.PlacementGroup.__table__, models.Group.__table__,
            group.id == links.group_id)
        if stack_id is not None or locations is not None:
            names = names.where(links.placement_id.in_([r[-4] for r in rows]))
        groups = {}
        for placement_id, name in connection.execute(names):
            found = groups.get(placement_id)
            if found is None:
                groups[placement_id] = [name]
            else:
                found.append(name)
    keys = COLUMNS + ('id', 'plan_id', 'metadata', 'stack_id')
    result = []
    append = result.append
    for row in rows:
        placement = dict(zip(keys, row))
        placement['metadata'] = _json(placement['metadata'])
        found = groups.get(placement['id'])
        placement['groups'] = sorted(found) if found else []
        append(placement)
    return result


@api.reads
def load_group_rules(db, context):
    """``{name: {'type', 'level', 'generation'}}`` of every group: what
    the model needs of the groups its placements name (no ORM objects, no
    members); the generation is what decisions adding members swap."""
    return group_changes(db, context)[0]


@functools.cache
def _group_changes_query(recent):
    """Totals of every group (one row, ``name`` NULL) and the rules of the
    groups stamped since the ``since`` parameter (all, if not
    ``recent``), in one statement: on PostgreSQL READ COMMITTED one
    snapshot, so the rows can be checked against the totals."""
    group = models.Group.__table__.c
    stamp = sa.func.coalesce(group.updated_at, group.created_at)
    totals = sa.select(
        sa.null(), sa.null(), sa.null(), sa.func.count(),
        sa.func.coalesce(sa.func.sum(group.generation), 0),
        sa.func.max(stamp))
    # No stamp on these rows: a datetime costs more to parse than the rest.
    rules = sa.select(group.name, group.type, group.level, group.generation,
                      sa.null(), sa.null())
    if recent:
        rules = rules.where(stamp >= sa.bindparam('since'))
    return sa.union_all(totals, rules)


@api.reads
def group_changes(db, context, since=None):
    """``(rules, (count, generation sum, newest stamp))``: the rules of
    the groups created or updated at or after the naive-UTC ``since``
    (every group if None), as :func:`load_group_rules` gives them, and
    the totals of all groups, read together.  Stamps come from the
    writers' clocks: they only tell which rows to read, and a caller
    proves it missed none by the totals (generations only grow)."""
    recent = since is not None
    query = _group_changes_query(recent)
    rules, totals = {}, None
    with db.reader(context) as session:
        rows = session.connection().execute(
            query, {'since': since} if recent else {})
        for name, kind, level, generation, total, stamp in rows:
            if name is None:
                totals = (int(generation), int(total), stamp)
            else:
                rules[name] = {'type': kind, 'level': level,
                               'generation': generation}
    return rules, totals


@functools.cache
def _occupancy_query():
    P = models.Placement.__table__.c
    links = models.PlacementGroup.__table__.c
    group = models.Group.__table__.c
    return (sa.select(P.id, P.location, group.name)
            .select_from(models.Placement.__table__
                         .outerjoin(models.PlacementGroup.__table__,
                                    links.placement_id == P.id)
                         .outerjoin(models.Group.__table__,
                                    group.id == links.group_id))
            .where(P.kind == 'server',
                   P.location.in_(sa.bindparam('hosts', expanding=True))))


@api.reads
def load_occupancy(db, context, hosts):
    """The servers placed on ``hosts``, with only what occupancy needs
    (``{'kind', 'location', 'groups'}``): what an engine catching up
    reads of the hosts other engines changed (usage comes with the
    hosts' rows).  One statement, one row per server and group."""
    servers = {}
    with db.reader(context) as session:
        rows = session.connection().execute(
            _occupancy_query(), {'hosts': sorted(hosts)})
        for placement_id, location, group in rows:
            server = servers.get(placement_id)
            if server is None:
                server = servers[placement_id] = {
                    'kind': 'server', 'location': location, 'groups': []}
            if group is not None:
                server['groups'].append(group)
    return list(servers.values())


@api.writes
def create_placement(db, context, placement, consumption=None,
                     request=None):
    """Store one placement (ad-hoc unless it names a ``plan_id``) in one
    transaction with its consumption and idempotency answer."""
    try:
        with db.writer(context) as session:
            ids = insert(session, placement.get('plan_id'), [placement])
            result = find(session, ids[placement['orchestration_id']])
            return _finish(session, result, consumption, request,
                           'create_placement', result['stack_id'])
    except db_exc.DBReferenceError:
        raise exception.PlanNotFound(plan=placement.get('plan_id')) from None


@api.writes
def update_placement(db, context, id_or_orchestration_id, values,
                     consumption=None, request=None):
    """Change a placement (reserve: ``reserved``/``resource_id``; replan:
    ``location``/``rack``/``zone``; ``groups`` replaces its groups)."""
    with db.writer(context) as session:
        placement_id = find(session, id_or_orchestration_id)['id']
        update_row(session, placement_id, values)
        result = find(session, placement_id)
        return _finish(session, result, consumption, request,
                       'update_placement', result['stack_id'])


@api.writes
def delete_placement(db, context, id_or_orchestration_id, consumption=None,
                     request=None):
    """Delete a placement (releasing ``consumption``); returns it."""
    with db.writer(context) as session:
        result = find(session, id_or_orchestration_id)
        session.execute(sa.delete(models.Placement)
                        .where(models.Placement.id == result['id'])
                        .execution_options(synchronize_session=False))
        return _finish(session, result, consumption, request,
                       'delete_placement', result['stack_id'])
