"""Plans: one Heat stack's decision, stored all-or-nothing.

A plan dict is ``{id, name, stack_id, project_id, placements:
{orchestration_id: {id, name, location, rack, zone, kind, reserved,
resource_id}}}``.  Writing a plan, its placements, its pipes, the groups it
defines, the capacity it consumes (generation compare-and-swap) and the
idempotency answer is one transaction: if any part fails, none of it
happened.
"""
import dataclasses
import types
import uuid

from oslo_db import exception as db_exc
import sqlalchemy as sa

from valet.db import api
from valet.db import groups as groups_db
from valet.db import inventory
from valet.db import models
from valet.db import placements as placements_db
from valet.db import requests
from valet import exception

_SUMMARY = ('id', 'name', 'location', 'rack', 'zone', 'kind', 'reserved',
            'resource_id')


def _find(session, id_or_stack_id):
    # One round trip; a match on id wins over a match on stack id.
    plans = session.scalars(sa.select(models.Plan).where(sa.or_(
        models.Plan.id == id_or_stack_id,
        models.Plan.stack_id == id_or_stack_id))).all()
    for plan in plans:
        if plan.id == id_or_stack_id:
            return plan
    if plans:
        return plans[0]
    raise exception.PlanNotFound(plan=id_or_stack_id)


def _placements_by_plan(session, plan_ids):
    query = placements_db.select_placements().where(
        models.Placement.plan_id.in_(plan_ids))
    by_plan = {pid: [] for pid in plan_ids}
    for placement in placements_db.to_dicts(session, query):
        by_plan[placement['plan_id']].append(placement)
    return by_plan


def _to_dict(plan, placements, full=False):
    return {'id': plan.id, 'name': plan.name, 'stack_id': plan.stack_id,
            'project_id': plan.project_id,
            'placements': {
                p['orchestration_id']:
                    p if full else {k: p[k] for k in _SUMMARY}
                for p in placements}}


def _dicts(session, plans, full=False):
    if not plans:
        return []
    by_plan = _placements_by_plan(session, [p.id for p in plans])
    return [_to_dict(p, by_plan[p.id], full) for p in plans]


# Core statements built once (see valet.db.inventory._cas_statement).
_INSERT_PLAN = sa.insert(models.Plan.__table__)
_INSERT_PIPES = sa.insert(models.Pipe.__table__)


def _insert_pipes(session, plan_id, pipes):
    rows = [{'id': pipe.get('id') or str(uuid.uuid4()), 'plan_id': plan_id,
             'name': pipe.get('name'), 'source': pipe['source'],
             'target': pipe['target'],
             'bandwidth_mbps': pipe.get('bandwidth_mbps') or 0}
            for pipe in pipes]
    if rows:
        session.connection().execute(_INSERT_PIPES, rows)


def _finish(session, plan_id, consumption, request, action, result=None):
    """Apply the consumption, record the answer; return the plan dict
    (``result``: the caller knows it, no need to read it back)."""
    if consumption is not None:
        inventory.apply_consumption(session, consumption)
    if result is None:
        result = _dicts(session, [_find(session, plan_id)])[0]
    if request:
        requests.record_answer(session, request['request_id'],
                               request.get('action', action),
                               request.get('stack_id', result['stack_id']),
                               result)
    return result


def _ensure_groups(session, groups, consumption):
    """ensure_groups; returns (name -> id, the consumption left to apply).
    A group this transaction inserts needs no compare-and-swap of its
    generation (no other transaction can have changed a row not committed
    yet): it is inserted at the generation the swap would leave and left
    out of the consumption -- two statements fewer for a stack that
    defines its groups."""
    swapped = {name for name, generation
               in (consumption.groups if consumption else {}).items()
               if generation == 0}
    ids, born = groups_db.ensure_swapped_groups(session, groups, swapped)
    if born:
        consumption = dataclasses.replace(consumption, groups={
            name: generation for name, generation
            in consumption.groups.items() if name not in born})
    return ids, consumption


def _duplicate(exc, stack_id):
    """Explain a unique-key violation while writing a plan."""
    if 'stack_id' in (exc.columns or ()):
        # A concurrent create of the same stack won the race.
        raise exception.PlanExists(stack_id=stack_id) from exc
    if 'orchestration_id' in (exc.columns or ()):
        raise exception.InvalidPlan(
            detail='orchestration id %s appears twice' % exc.value) from exc
    raise exc


@api.writes
def create_plan(db, context, plan, placements, pipes=(), groups=(),
                consumption=None, request=None):
    """Store a decided plan.

    :param plan: ``{name, stack_id, project_id}``
    :param placements: dicts of placement columns (``metadata`` for the
        JSON column) plus ``groups: [group names]``
    :param pipes: ``{name, source, target, bandwidth_mbps}`` dicts
    :param groups: group dicts (no id) the plan defines; created if absent
    :param consumption: an inventory.Consumption to apply (CAS)
    :param request: ``{request_id, action, stack_id}`` to record the answer
    """
    stack_id = plan['stack_id']
    try:
        with db.writer(context) as session:
            # No look-up of the stack first: the unique key on stack_id
            # refuses a second plan (_duplicate: PlanExists).
            group_ids, consumption = _ensure_groups(session, groups,
                                                    consumption)
            plan_id = plan.get('id') or str(uuid.uuid4())
            session.connection().execute(_INSERT_PLAN, {
                'id': plan_id, 'name': plan.get('name'),
                'stack_id': stack_id, 'project_id': plan.get('project_id')})
            ids = placements_db.insert(session, plan_id, placements,
                                       group_ids, plan.get('project_id'))
            _insert_pipes(session, plan_id, pipes)
            # What reading the new plan back would give, without the reads.
            result = _to_dict(
                types.SimpleNamespace(id=plan_id, name=plan.get('name'),
                                      stack_id=stack_id,
                                      project_id=plan.get('project_id')),
                [row for _, row in sorted(placements_db.inserted(
                    placements, ids).items())])
            return _finish(session, plan_id, consumption, request,
                           'create_plan', result)
    except db_exc.DBDuplicateEntry as exc:
        _duplicate(exc, stack_id)


def _upsert_placements(session, plan, placements, removed, group_ids):
    existing = dict(session.execute(
        sa.select(models.Placement.orchestration_id, models.Placement.id)
        .where(models.Placement.plan_id == plan.id)).all())
    for orchestration_id in removed:
        if orchestration_id not in existing:
            raise exception.PlacementNotFound(placement=orchestration_id)
        session.execute(sa.delete(models.Placement).where(
            models.Placement.id == existing.pop(orchestration_id)))
    new = []
    for placement in placements:
        placement_id = existing.get(placement.get('orchestration_id'))
        if placement_id is None:
            new.append(placement)
        else:
            placements_db.update_row(session, placement_id, placement,
                                     group_ids)
    placements_db.insert(session, plan.id, new, group_ids, plan.project_id)


@api.writes
def update_plan(db, context, id_or_stack_id, placements=(), removed=(),
                pipes=None, groups=(), consumption=None, request=None):
    """Change a plan in one transaction: ``placements`` are upserted by
    orchestration id (only the keys given change), ``removed`` lists the
    orchestration ids to delete, ``pipes`` (if not None) replaces them."""
    try:
        with db.writer(context) as session:
            plan = _find(session, id_or_stack_id)
            group_ids, consumption = _ensure_groups(session, groups,
                                                    consumption)
            _upsert_placements(session, plan, placements, removed,
                               group_ids)
            if pipes is not None:
                session.execute(sa.delete(models.Pipe)
                                .where(models.Pipe.plan_id == plan.id))
                _insert_pipes(session, plan.id, pipes)
            return _finish(session, plan.id, consumption, request,
                           'update_plan')
    except db_exc.DBDuplicateEntry as exc:
        _duplicate(exc, id_or_stack_id)


@api.reads
def get_plan(db, context, id_or_stack_id):
    with db.reader(context) as session:
        return _dicts(session, [_find(session, id_or_stack_id)])[0]


_EXISTS_QUERY = (
    sa.select(models.Plan.__table__.c.id)
    .where(sa.or_(models.Plan.__table__.c.id == sa.bindparam('ref'),
                  models.Plan.__table__.c.stack_id == sa.bindparam('ref')))
    .limit(1))


@api.reads
def plan_exists(db, context, id_or_stack_id):
    """Whether :func:`get_plan` would find a plan: one read of the keys
    (both indexed), no placements and no ORM objects.  The engine asks it
    before deciding a new stack."""
    with db.reader_connection(context) as connection:
        return connection.execute(
            _EXISTS_QUERY, {'ref': id_or_stack_id}).first() is not None


@api.reads
def list_plans(db, context, project_id=None):
    query = sa.select(models.Plan).order_by(models.Plan.created_at,
                                            models.Plan.stack_id)
    if project_id is not None:
        query = query.where(models.Plan.project_id == project_id)
    with db.reader(context) as session:
        return _dicts(session, session.scalars(query).all())


@api.reads
def get_pipes(db, context, id_or_stack_id):
    """The plan's pipes: ``[{id, name, source, target, bandwidth_mbps}]``."""
    with db.reader(context) as session:
        plan = _find(session, id_or_stack_id)
        rows = session.scalars(sa.select(models.Pipe)
                               .where(models.Pipe.plan_id == plan.id)
                               .order_by(models.Pipe.name, models.Pipe.id))
        return [{'id': r.id, 'name': r.name, 'source': r.source,
                 'target': r.target, 'bandwidth_mbps': r.bandwidth_mbps}
                for r in rows]


@api.writes
def delete_plan(db, context, id_or_stack_id, consumption=None, request=None):
    """Delete a plan with its placements and pipes (ON DELETE CASCADE),
    applying ``consumption`` (negative deltas: the release) in the same
    transaction.  Returns the deleted plan with full placement dicts, so
    the engine can release them from its model."""
    with db.writer(context) as session:
        plan = _find(session, id_or_stack_id)
        result = _dicts(session, [plan], full=True)[0]
        if consumption is not None:
            inventory.apply_consumption(session, consumption)
        session.execute(sa.delete(models.Plan)
                        .where(models.Plan.id == plan.id)
                        .execution_options(synchronize_session=False))
        if request:
            requests.record_answer(session, request['request_id'],
                                   request.get('action', 'delete_plan'),
                                   request.get('stack_id', plan.stack_id),
                                   result)
        return result


def _summary_query():
    """Plans whose id or stack id is ``:ref``, each with its placements'
    summary columns (NULL for a plan without placements): one statement,
    built once (its compiled form is cached by SQLAlchemy)."""
    plans = models.Plan.__table__
    placements = models.Placement.__table__
    return (sa.select(plans.c.id, plans.c.name, plans.c.stack_id,
                      plans.c.project_id, placements.c.orchestration_id,
                      *[placements.c[k].label('placement_' + k)
                        for k in _SUMMARY])
            .select_from(plans.outerjoin(
                placements, placements.c.plan_id == plans.c.id))
            .where(sa.or_(plans.c.id == sa.bindparam('ref'),
                          plans.c.stack_id == sa.bindparam('ref')))
            .order_by(placements.c.orchestration_id))


_SUMMARY_QUERY = _summary_query()


@api.reads
def get_plan_summary(db, context, id_or_stack_id):
    """What :func:`get_plan` returns, read with one statement and no ORM
    objects: valet-api's plan reads (GET, and the look-up before PUT and
    DELETE)."""
    with db.reader_connection(context) as connection:
        rows = connection.execute(_SUMMARY_QUERY,
                                  {'ref': id_or_stack_id}).all()
    if not rows:
        raise exception.PlanNotFound(plan=id_or_stack_id)
    # A match on id wins over a match on stack id (as in _find).
    plan_id = next((r.id for r in rows if r.id == id_or_stack_id),
                   rows[0].id)
    rows = [r for r in rows if r.id == plan_id]
    return _to_dict(rows[0], [
        dict({k: getattr(r, 'placement_' + k) for k in _SUMMARY},
             orchestration_id=r.orchestration_id)
        for r in rows if r.orchestration_id is not None])
