"""``GET /v1/status`` and ``HEAD /v1/status``: is the engine answering, is
the database reachable, and what do the engines know?

The Valet 1.0 members (``ostro``: one engine's ping, ``database``) come
first and keep their shape; ``model`` (and ``engines`` for those the
``valet:status:engines`` rule allows) are read from the engines table,
where every engine writes a heartbeat (valet.engine.heartbeat).
"""
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


def _database_status(db, context):
    try:
        with db.reader(context) as session:
            session.execute(sa.text('SELECT 1'))
    except (db_exc.DBConnectionError, db_exc.CantStartEngineError,
            db_exc.DBError,
            # oslo.db lets libpq's "Connection refused" through unwrapped.
            sa.exc.OperationalError) as exc:
        raise exception.DatabaseUnavailable(detail=str(exc)) from exc
    return {'status': 'ok'}


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


def _status(req):
    context = util.context(req)
    svc = util.services(req)
    policy.authorize(svc.enforcer, context, status_policies.SHOW,
                     {'project_id': context.project_id})
    # Either raises a 503 (EngineUnavailable / DatabaseUnavailable).
    ostro = svc.engine_api.ping(context)
    database = _database_status(svc.db, context)
    return {'ostro': ostro, 'database': database}


@util.handler
def get_status(req):
    status = _status(req)
    context = util.context(req)
    svc = util.services(req)
    views = engine_views(db_engines.list_engines(svc.db, context),
                         svc.conf.engine.heartbeat_interval)
    status['model'] = model_summary(
        views, db_engines.count_plans(svc.db, context))
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
    _status(req)
    return util.no_content()
