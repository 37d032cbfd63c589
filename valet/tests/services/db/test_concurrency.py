"""Two engines at once on a real server: the generation CAS and the unique
keys decide, row locks make the loser wait for the winner's commit."""
import threading
import time

from oslo_db import exception as db_exc
import pytest
import sqlalchemy as sa

from valet.db import api
from valet.db import groups as db_groups
from valet.db import inventory as db_inventory
from valet.db import models
from valet.db import plans as db_plans
from valet import exception
from valet.tests.unit.db import helpers


@pytest.fixture
def other(db):
    """A second engine's Database (its own pool) on the same database."""
    second = api.Database(db.url.render_as_string(hide_password=False),
                          max_retries=0)
    yield second
    second.dispose()


def _while_holding(db, ctx, work, contender):
    """Run ``work(session)`` in a writer, start ``contender`` in a thread
    while that transaction is still open, commit, and return what the
    contender returned or raised."""
    outcome = {}

    def run():
        try:
            outcome['result'] = contender()
        except Exception as exc:   # handed to the test
            outcome['error'] = exc

    thread = threading.Thread(target=run)
    with db.writer(ctx) as session:
        work(session)
        thread.start()
        time.sleep(0.5)        # the contender now waits on our row locks
    thread.join(30)
    assert not thread.is_alive()
    return outcome


def test_cas_loser_waits_then_conflicts(db, other, ctx):
    db_inventory.save_inventory(db, ctx, helpers.inventory())
    decision = db_inventory.Consumption(
        hosts={'r1h1': db_inventory.HostDelta(0, vcpus=4)})

    def contender():
        with other.writer(helpers.ctx()) as session:
            return db_inventory.apply_consumption(session, decision)

    outcome = _while_holding(
        db, ctx, lambda s: db_inventory.apply_consumption(s, decision),
        contender)
    assert isinstance(outcome.get('error'), exception.GenerationConflict)
    assert outcome['error'].kwargs['hosts'] == ['r1h1']
    state = db_inventory.load_state(db, ctx)['hosts']['r1h1']
    assert (state['vcpus_used'], state['generation']) == (4, 1)


def test_same_stack_created_twice(db, other, ctx):
    db_inventory.save_inventory(db, ctx, helpers.inventory())
    plan = {'name': 'a', 'stack_id': 'stack-1', 'project_id': 'p1'}

    def work(session):
        session.execute(sa.insert(models.Plan).values(
            id='first', name='a', stack_id='stack-1'))

    outcome = _while_holding(db, ctx, work, lambda: db_plans.create_plan(
        other, helpers.ctx(), plan, [helpers.server('w', 'r1h1')]))
    assert isinstance(outcome.get('error'), exception.PlanExists)
    # Found by the unique key, not by the look-up before the insert.
    assert isinstance(outcome['error'].__cause__, db_exc.DBDuplicateEntry)
    assert [p['id'] for p in db_plans.list_plans(db, ctx)] == ['first']


def test_plan_defined_group_created_concurrently(db, other, ctx):
    db_inventory.save_inventory(db, ctx, helpers.inventory())
    group = {'name': 'web', 'type': 'diversity', 'level': 'host'}

    def work(session):
        db_groups.ensure_groups(session, [group])

    outcome = _while_holding(db, ctx, work, lambda: db_plans.create_plan(
        other, helpers.ctx(), {'name': 'a', 'stack_id': 'stack-1'},
        [helpers.server('w', 'r1h1', groups=['web'])], groups=[group]))
    assert 'error' not in outcome, outcome
    # Both used the one group the first transaction created.
    assert len(db_groups.list_groups(db, ctx)) == 1
    placed = db_plans.get_plan(db, ctx, 'stack-1')['placements']['w']
    assert placed['location'] == 'r1h1'
