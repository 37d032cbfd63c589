"""Named placement groups and the projects allowed to use them.

A group dict is ``{id, name, description, type, level, project_id,
members}`` with ``members`` the sorted project ids (none: every project may
use the group).
"""
import contextlib
import functools
import uuid

from oslo_db import exception as db_exc
import sqlalchemy as sa

from valet.db import api
from valet.db import models
from valet import exception


def _validate(name, type, level):
    if not name:
        raise exception.InvalidGroup(detail='a group needs a name')
    if type not in models.GROUP_TYPES:
        raise exception.InvalidGroup(
            detail='type %r is not one of %s' % (
                type, ', '.join(models.GROUP_TYPES)))
    if level not in models.GROUP_LEVELS:
        raise exception.InvalidGroup(
            detail='level %r is not one of %s' % (
                level, ', '.join(models.GROUP_LEVELS)))


def _members(session, group_ids):
    """group id -> sorted member project ids."""
    members = {gid: [] for gid in group_ids}
    if group_ids:
        rows = session.execute(
            sa.select(models.GroupMember.group_id,
                      models.GroupMember.project_id)
            .where(models.GroupMember.group_id.in_(group_ids)))
        for group_id, project_id in rows:
            members[group_id].append(project_id)
    return {gid: sorted(projects) for gid, projects in members.items()}


def _to_dict(group, members):
    return {'id': group.id, 'name': group.name,
            'description': group.description, 'type': group.type,
            'level': group.level, 'project_id': group.project_id,
            'members': members}


def _dicts(session, groups):
    members = _members(session, [g.id for g in groups])
    return [_to_dict(g, members[g.id]) for g in groups]


def _find(session, id_or_name):
    """The Group row with this id, else with this name."""
    for column in (models.Group.id, models.Group.name):
        group = session.scalars(
            sa.select(models.Group).where(column == id_or_name)).first()
        if group is not None:
            return group
    raise exception.GroupNotFound(group=id_or_name)


def _insert(session, name, type, level, description=None, project_id=None):
    group_id = str(uuid.uuid4())
    session.execute(sa.insert(models.Group).values(
        id=group_id, name=name, type=type, level=level,
        description=description, project_id=project_id))
    return group_id


def _add_members(session, group_id, project_ids):
    existing = set(_members(session, [group_id])[group_id])
    new = sorted(set(project_ids) - existing)
    if new:
        session.execute(sa.insert(models.GroupMember),
                        [{'group_id': group_id, 'project_id': p}
                         for p in new])


@api.writes
def create_group(db, context, name, type, level, description=None,
                 project_id=None, members=None):
    _validate(name, type, level)
    try:
        with db.writer(context) as session:
            exists = session.scalar(
                sa.select(models.Group.id).where(models.Group.name == name))
            if exists:
                raise exception.GroupExists(name=name)
            group_id = _insert(session, name, type, level, description,
                               project_id)
            _add_members(session, group_id, members or ())
            return _dicts(session, [_find(session, group_id)])[0]
    except db_exc.DBDuplicateEntry:
        # Lost a race with another creator of the same name.
        raise exception.GroupExists(name=name) from None


@api.reads
def get_group(db, context, id_or_name):
    with db.reader(context) as session:
        return _dicts(session, [_find(session, id_or_name)])[0]


@api.reads
def list_groups(db, context):
    with db.reader(context) as session:
        groups = session.scalars(
            sa.select(models.Group).order_by(models.Group.name)).all()
        return _dicts(session, groups)


@functools.cache
def _by_name_query():
    """get_groups_by_name's statement, built once."""
    group = models.Group.__table__.c
    return (sa.select(group.id, group.name, group.description, group.type,
                      group.level, group.project_id)
            .where(group.name.in_(sa.bindparam('names', expanding=True))))


@api.reads
def get_groups_by_name(db, context, names):
    """{name: group} for those of ``names`` that exist.  Every decision
    looks its groups up: plain rows of a statement built once, not ORM
    objects."""
    names = sorted(set(names))
    if not names:
        return {}
    with db.reader(context) as session:
        groups = session.connection().execute(
            _by_name_query(), {'names': names}).all()
        return {g['name']: g for g in _dicts(session, groups)}


@api.writes
def update_group(db, context, id_or_name, description):
    with db.writer(context) as session:
        group = _find(session, id_or_name)
        group.description = description
        session.flush()
        return _dicts(session, [group])[0]


def _placed_count(session, group_id, project_ids=None):
    """How many placements are in the group (of these projects only)."""
    query = (sa.select(sa.func.count())
             .select_from(models.PlacementGroup)
             .where(models.PlacementGroup.group_id == group_id))
    if project_ids is not None:
        query = query.join(
            models.Placement,
            models.Placement.id == models.PlacementGroup.placement_id
        ).where(models.Placement.project_id.in_(project_ids))
    return session.scalar(query)


@api.writes
def delete_group(db, context, id_or_name):
    """Delete a group that has neither members nor placed servers."""
    with db.writer(context) as session:
        group = _find(session, id_or_name)
        if _members(session, [group.id])[group.id]:
            raise exception.GroupInUse(group=group.name,
                                       detail='it has members')
        placed = _placed_count(session, group.id)
        if placed:
            raise exception.GroupInUse(
                group=group.name, detail='%d placements are in it' % placed)
        session.execute(sa.delete(models.Group)
                        .where(models.Group.id == group.id)
                        .execution_options(synchronize_session=False))


@api.writes
def add_members(db, context, id_or_name, project_ids):
    """Add projects to the group's members (set union)."""
    with db.writer(context) as session:
        group = _find(session, id_or_name)
        _add_members(session, group.id, project_ids)
        return _dicts(session, [group])[0]


@api.writes
def remove_member(db, context, id_or_name, project_id=None):
    """Remove one member project, or all of them (``project_id=None``).

    Refused (GroupInUse) while a removed project still has placements in
    the group; NotFound if ``project_id`` is not a member.
    """
    with db.writer(context) as session:
        group = _find(session, id_or_name)
        members = _members(session, [group.id])[group.id]
        if project_id is not None:
            if project_id not in members:
                raise exception.NotFound(
                    'Project %s is not a member of group %s.'
                    % (project_id, group.name))
            members = [project_id]
        placed = _placed_count(session, group.id, members) if members else 0
        if placed:
            raise exception.GroupInUse(
                group=group.name,
                detail='%d placements of %s are in it'
                       % (placed, ', '.join(members)))
        session.execute(sa.delete(models.GroupMember).where(
            models.GroupMember.group_id == group.id,
            models.GroupMember.project_id.in_(members)))
        return _dicts(session, [group])[0]


def ensure_groups(session, groups):
    """Create the plan-defined ``groups`` (dicts without id) that do not
    exist yet, inside the caller's transaction; name -> id for all of them.

    An existing group of the same name must have the same type and level.
    """
    return ensure_swapped_groups(session, groups, (), look_up_first=True)[0]


def ensure_swapped_groups(session, groups, swapped, look_up_first=False):
    """:func:`ensure_groups` for a decision that also swaps the generation
    of the groups named in ``swapped`` from 0 (valet.db.plans).  Those it
    inserts (in its one-statement path) start at generation 1, what the
    swap would leave: no other transaction can have changed a row not
    committed yet, so their swap could not fail.  Returns (name -> id,
    the names of ``swapped`` inserted at generation 1)."""
    for spec in groups:
        _validate(*(spec.get(k) for k in ('name', 'type', 'level')))
    # A decision hands over the groups that were new when it looked them
    # up: inserted at once (one statement, not a read first), and if a
    # concurrent creator won one of them, the look-ups below sort it out.
    found = (_existing(session, [spec['name'] for spec in groups])
             if look_up_first else {})
    ids = _insert_new(session, [spec for spec in groups
                                if spec['name'] not in found], swapped)
    born_swapped = {name for name in ids if name in swapped}
    for spec in groups:
        name, type, level = (spec.get(k) for k in ('name', 'type', 'level'))
        if name in ids:
            continue
        existing = found.get(name) or session.execute(
            sa.select(models.Group.id, models.Group.type, models.Group.level)
            .where(models.Group.name == name)).first()
        if existing is None:
            try:
                # A savepoint, so that losing a race to a concurrent
                # creator does not abort the caller's transaction.
                with session.begin_nested():
                    ids[name] = _insert(session, name, type, level,
                                        spec.get('description'),
                                        spec.get('project_id'))
                    _add_members(session, ids[name],
                                 spec.get('members') or ())
                continue
            except db_exc.DBDuplicateEntry:
                # A locking read sees the winner's committed row even under
                # MySQL's REPEATABLE READ snapshot.
                existing = session.execute(
                    sa.select(models.Group.id, models.Group.type,
                              models.Group.level)
                    .where(models.Group.name == name)
                    .with_for_update(read=True)).one()
        if (existing.type, existing.level) != (type, level):
            raise exception.InvalidGroup(
                detail='group %s exists as %s/%s, not %s/%s' % (
                    name, existing.type, existing.level, type, level))
        ids[name] = existing.id
    return ids, born_swapped


_GROUPS = models.Group.__table__
# Statements built once (see valet.db.inventory._cas_statement).
_EXISTING = sa.select(_GROUPS.c.name, _GROUPS.c.id, _GROUPS.c.type,
                      _GROUPS.c.level).where(
    _GROUPS.c.name.in_(sa.bindparam('names', expanding=True)))
_INSERT_GROUPS = sa.insert(_GROUPS)
_INSERT_MEMBERS = sa.insert(models.GroupMember.__table__)


def _existing(session, names):
    """name -> (id, type, level) row of the groups that exist: one read."""
    if not names:
        return {}
    return {row.name: row for row in session.connection().execute(
        _EXISTING, {'names': sorted(set(names))})}


def _savepoint(session):
    """A savepoint around a statement that may lose a race to a
    concurrent creator, so that its duplicate-key error does not abort
    the caller's transaction -- except on MySQL, where a failed statement
    is rolled back alone (InnoDB statement atomicity) and the transaction
    goes on: two round trips saved."""
    if session.get_bind().dialect.name == 'mysql':
        return contextlib.nullcontext()
    return session.begin_nested()


def _insert_new(session, specs, swapped=()):
    """Insert the groups of ``specs`` (none exists yet) in one statement,
    those named in ``swapped`` at generation 1 (as the swap would have left
    them, updated_at included); name -> id, or {} if a concurrent creator
    won one of them (the caller then takes them one by one)."""
    if not specs:
        return {}
    now = models._utcnow()
    rows = [{'id': str(uuid.uuid4()), 'name': spec['name'],
             'type': spec['type'], 'level': spec['level'],
             'description': spec.get('description'),
             'project_id': spec.get('project_id'),
             'generation': 1 if spec['name'] in swapped else 0,
             'updated_at': now if spec['name'] in swapped else None}
            for spec in specs]
    members = [{'group_id': row['id'], 'project_id': project}
               for row, spec in zip(rows, specs)
               for project in sorted(set(spec.get('members') or ()))]
    try:
        with _savepoint(session):
            # The connection in the savepoint (the session begins it).
            session.connection().execute(_INSERT_GROUPS, rows)
    except db_exc.DBDuplicateEntry:
        return {}
    # The groups are new (fresh ids): their members cannot collide.
    if members:
        session.connection().execute(_INSERT_MEMBERS, members)
    return {row['name']: row['id'] for row in rows}
