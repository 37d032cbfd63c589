"""The engines table: heartbeat upserts, listing, purging."""
import datetime

from valet.db import engines as db_engines
from valet.db import plans as db_plans
from valet.tests.unit.db import helpers

T0 = datetime.datetime(2026, 1, 1, 12, 0, 0)


def _row(engine_id, at, **extra):
    values = {'engine_id': engine_id, 'host': 'node-1', 'version': '1.0',
              'started_at': T0, 'heartbeat_at': at, 'generation': 0,
              'hosts': 19, 'plans': 0, 'last_sync_at': None,
              'metrics': {'conflicts': 0}}
    values.update(extra)
    return values


def test_heartbeat_inserts_then_updates():
    db = helpers.sqlite_database()
    ctx = helpers.ctx()
    db_engines.heartbeat(db, ctx, _row('e1', T0))
    later = T0 + datetime.timedelta(seconds=10)
    db_engines.heartbeat(db, ctx, _row('e1', later, generation=3,
                                       metrics={'conflicts': 2}))
    db_engines.heartbeat(db, ctx, _row('e2', T0))
    rows = db_engines.list_engines(db, ctx)
    assert [r['engine_id'] for r in rows] == ['e1', 'e2']
    assert rows[0]['heartbeat_at'] == later
    assert rows[0]['generation'] == 3
    assert rows[0]['metrics'] == {'conflicts': 2}
    assert rows[0]['started_at'] == T0


def test_purge_forgets_old_engines():
    db = helpers.sqlite_database()
    ctx = helpers.ctx()
    db_engines.heartbeat(db, ctx, _row('old', T0))
    db_engines.heartbeat(db, ctx, _row(
        'new', T0 + datetime.timedelta(hours=2)))
    assert db_engines.purge_engines(
        db, ctx, T0 + datetime.timedelta(hours=1)) == 1
    assert [r['engine_id'] for r in db_engines.list_engines(db, ctx)] == [
        'new']
    assert db_engines.count_plans(db, ctx) == 0


def test_read_status_is_list_engines_and_count_plans(db, ctx):
    assert db_engines.read_status(db, ctx) == ([], 0)
    db_engines.heartbeat(db, ctx, _row('e2', T0))
    db_engines.heartbeat(db, ctx, _row('e1', T0, metrics={
        'heartbeat_interval': 5}))
    db_plans.create_plan(db, ctx, {'name': 'app', 'stack_id': 's1',
                                   'project_id': 'p1'}, [])
    engines, plans = db_engines.read_status(db, ctx)
    assert engines == db_engines.list_engines(db, ctx)
    assert [e['engine_id'] for e in engines] == ['e1', 'e2']
    assert engines[0]['metrics'] == {'heartbeat_interval': 5}
    assert plans == db_engines.count_plans(db, ctx) == 1
