"""``GET /v1/status`` and ``HEAD /v1/status``: is the engine answering, is
the database reachable, and what do the engines know?

The Valet 1.0 members (``ostro``: one engine's ping, ``database``) come
first and keep their shape; ``model`` (and ``engines`` for those the
``valet:status:engines`` rule allows) are read from the engines table,
where every engine writes a heartbeat (valet.engine.heartbeat).
"""
from concurrent import futures
import datetime

from oslo_db import exception as db_exc
import sqlalchemy as sa

from valet.api import util
from valet.db import engines as db_engines
from valet import exception
from valet.policies import enforcer as policy
from valet.policies import status as status_policies

# An engine whose heartbeat is older than this many intervals is stale.
STALE_INTERVALS = 3


# What a failed status read raises: the database is not there (oslo.db lets
# libpq's "Connection refused" through unwrapped).
_DATABASE_ERRORS = (db_exc.DBConnectionError, db_exc.CantStartEngineError,
                    db_exc.DBError, sa.exc.OperationalError)


def _database_read(read, db, context):
    """``read(db, context)``; DatabaseUnavailable (503) if it fails."""
    try:
        return read(db, context)
    except _DATABASE_ERRORS as exc:
        raise exception.DatabaseUnavailable(detail=str(exc)) from exc


def _select_one(db, context):
    with db.reader_connection(context) as connection:
        connection.execute(sa.text('SELECT 1'))


def _utcnow():
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


def _iso(value):
    return value.isoformat(timespec='seconds') + 'Z' if value else None


def engine_views(rows, interval, now=None):
    """The engines' rows as status shows them, each with ``alive``:
    a heartbeat within STALE_INTERVALS of the engine's own interval
    (``interval``, this API's ``[engine] heartbeat_interval``, for rows
    that do not say)."""
    now = now or _utcnow()
    views = []
    for row in rows:
        own = (row['metrics'] or {}).get('heartbeat_interval') or interval
        age = (now - row['heartbeat_at']).total_seconds()
        views.append({
            'engine_id': row['engine_id'], 'host': row['host'],
            'version': row['version'],
            'alive': age <= STALE_INTERVALS * own,
            'seconds_since_heartbeat': round(max(age, 0.0), 1),
            'started_at': _iso(row['started_at']),
            'heartbeat_at': _iso(row['heartbeat_at']),
            'generation': row['generation'], 'hosts': row['hosts'],
            'plans': row['plans'], 'last_sync_at': _iso(row['last_sync_at']),
        })
    return views


def model_summary(views, plans):
    """What the alive engines agree on: hosts (the largest model), plans
    stored, decisions committed, the latest inventory sync."""
    alive = [v for v in views if v['alive']]
    syncs = [v['last_sync_at'] for v in alive if v['last_sync_at']]
    return {
        'engines_alive': len(alive),
        'engines_stale': len(views) - len(alive),
        'hosts': max((v['hosts'] or 0 for v in alive), default=None),
        'plans': plans,
        # Decisions committed by the alive engines since they started.
        'generation': sum(v['generation'] or 0 for v in alive),
        'last_sync_at': max(syncs, default=None),
    }


def _ping_and_read(req, read):
    """(the engine's ping, ``read(db, context)``), once the caller may see
    the status.  Both run at once; the engine's failure (503
    EngineUnavailable) wins over the database's (503 DatabaseUnavailable),
    as when they ran one after the other."""
    context = util.context(req)
    svc = util.services(req)
    policy.authorize(svc.enforcer, context, status_policies.SHOW,
                     {'project_id': context.project_id})
    # The database read runs beside the ping: a status request waits for
    # the slower of the two instead of their sum.  The ping (the slower
    # one) stays on this thread, so its reply wakes this thread directly
    # rather than a pool thread that would then have to wake this one.
    reading = svc.background.submit(_database_read, read, svc.db, context)
    try:
        ostro = svc.engine_api.ping(context)
    except Exception:
        futures.wait([reading])     # never leave the read behind
        raise
    return ostro, reading.result()


@util.handler
def get_status(req):
    context = util.context(req)
    svc = util.services(req)
    # One statement is both the database check and the model summary.
    ostro, (rows, plans) = _ping_and_read(req, db_engines.read_status)
    views = engine_views(rows, svc.conf.engine.heartbeat_interval)
    status = {'ostro': ostro, 'database': {'status': 'ok'},
              'model': model_summary(views, plans)}
    try:
        policy.authorize(svc.enforcer, context, status_policies.ENGINES,
                         {'project_id': context.project_id})
    except exception.Forbidden:
        pass
    else:
        status['engines'] = views
    return util.json_response({'status': status})


@util.handler
def head_status(req):
    _ping_and_read(req, _select_one)
    return util.no_content()
