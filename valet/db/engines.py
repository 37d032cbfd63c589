"""The ``engines`` table: each valet-engine's heartbeat, model summary and
metrics snapshot.  Engines write their own row; valet-api reads them all
for ``GET /v1/status`` and ``GET /metrics``.  Rows are never deleted by
the engines (a stopped engine shows as stale);
:func:`purge_engines` forgets long-dead ones."""
import sqlalchemy as sa

from oslo_db import exception as db_exc

from valet.db import api
from valet.db import models

FIELDS = ('engine_id', 'host', 'version', 'started_at', 'heartbeat_at',
          'generation', 'hosts', 'plans', 'last_sync_at', 'metrics')


def _as_dict(row):
    return {name: getattr(row, name) for name in FIELDS}


@api.writes
def heartbeat(db, context, values):
    """Insert or update the row ``values['engine_id']`` (one transaction).

    Update first: it is what every heartbeat but the first does.  Two
    writers of one id (a misconfigured duplicate engine_id) both succeed,
    the later one wins.
    """
    engine_id = values['engine_id']
    changes = {k: v for k, v in values.items() if k != 'engine_id'}
    with db.writer(context) as session:
        updated = session.execute(
            sa.update(models.Engine)
            .where(models.Engine.engine_id == engine_id)
            .values(**changes)).rowcount
        if updated:
            return
        try:
            with session.begin_nested():
                session.execute(sa.insert(models.Engine).values(**values))
        except db_exc.DBDuplicateEntry:
            # Inserted concurrently by a namesake: update it instead.
            session.execute(sa.update(models.Engine)
                            .where(models.Engine.engine_id == engine_id)
                            .values(**changes))


@api.reads
def list_engines(db, context):
    """Every engine row, by engine_id."""
    with db.reader(context) as session:
        rows = session.scalars(sa.select(models.Engine)
                               .order_by(models.Engine.engine_id)).all()
        return [_as_dict(row) for row in rows]


@api.reads
def count_plans(db, context):
    """Plans stored (all projects)."""
    with db.reader(context) as session:
        return session.scalar(sa.select(sa.func.count())
                              .select_from(models.Plan))


@api.writes
def purge_engines(db, context, before):
    """Forget engines whose last heartbeat is older than the naive-UTC
    datetime ``before``; returns how many."""
    with db.writer(context) as session:
        return session.execute(
            sa.delete(models.Engine)
            .where(models.Engine.heartbeat_at < before)).rowcount


def _status_query():
    """Every engine row (by engine_id) with the number of plans stored
    beside it; one row of NULL engine columns when there is no engine."""
    engines = models.Engine.__table__
    plans = (sa.select(sa.func.count()).select_from(models.Plan.__table__)
             .scalar_subquery().label('plans_stored'))
    one = sa.select(sa.literal(1).label('one')).subquery()
    return (sa.select(plans, *[engines.c[name] for name in FIELDS])
            .select_from(one.outerjoin(engines, sa.true()))
            .order_by(engines.c.engine_id))


_STATUS_QUERY = _status_query()


@api.reads
def read_status(db, context):
    """``(list_engines(), count_plans())`` in one statement: what
    ``GET /v1/status`` shows, and its check that the database answers."""
    with db.reader_connection(context) as connection:
        rows = connection.execute(_STATUS_QUERY).all()
    engines = [{name: getattr(row, name) for name in FIELDS}
               for row in rows if row.engine_id is not None]
    return engines, rows[0].plans_stored
