"""``GET /v1/status`` and ``HEAD /v1/status``: is the engine answering, is
the database reachable?"""
from oslo_db import exception as db_exc
import sqlalchemy as sa

from valet.api import util
from valet import exception
from valet.policies import enforcer as policy
from valet.policies import status as status_policies


def _database_status(db, context):
    try:
        with db.reader(context) as session:
            session.execute(sa.text('SELECT 1'))
    except (db_exc.DBConnectionError, db_exc.CantStartEngineError,
            db_exc.DBError) as exc:
        raise exception.DatabaseUnavailable(detail=str(exc)) from exc
    return {'status': 'ok'}


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
    return util.json_response({'status': _status(req)})


@util.handler
def head_status(req):
    _status(req)
    return util.no_content()
