"""valet.db.reconciliation: the notification batch's compare-and-swap and
its one-transaction find-and-write (also run on MariaDB and PostgreSQL by
valet/tests/services/db/test_key_paths.py)."""
import pytest

from valet.db import inventory as db_inventory
from valet.db import models
from valet.db import reconciliation as db_rec
from valet import exception
from valet.tests.unit.db import helpers

HostDelta = db_inventory.HostDelta
Consumption = db_inventory.Consumption


def _usage(db, ctx):
    state = db_inventory.load_state(db, ctx)['hosts']
    return {name: (row['generation'], row['vcpus_used'], row['memory_mb_used'])
            for name, row in state.items()}


def test_batch_cas_over_many_hosts(db, ctx):
    """More hosts than one CAS statement holds: each gets its own delta,
    and every generation moves on once."""
    db_inventory.save_inventory(db, ctx, helpers.inventory(hosts=15, racks=2))
    before = _usage(db, ctx)
    deltas = {name: HostDelta(before[name][0], i + 1, 100 * (i + 1))
              for i, name in enumerate(sorted(before))}
    generations = db_rec.apply_batch(db, ctx,
                                     consumption=Consumption(hosts=deltas))
    after = _usage(db, ctx)
    assert generations['hosts'] == {n: g + 1 for n, (g, _, _) in
                                    before.items()}
    for i, name in enumerate(sorted(before)):
        generation, vcpus, memory = before[name]
        assert after[name] == (generation + 1, vcpus + i + 1,
                               memory + 100 * (i + 1))


def test_batch_cas_stale_generation_writes_nothing(db, ctx):
    db_inventory.save_inventory(db, ctx, helpers.inventory(hosts=15, racks=2))
    before = _usage(db, ctx)
    deltas = {name: HostDelta(before[name][0], 1) for name in before}
    # One stale host, in the last chunk of the sorted names.
    last = sorted(before)[-1]
    deltas[last] = HostDelta(before[last][0] + 1, 1)
    with helpers.no_change(db, models.Host, models.Placement, models.Event):
        with pytest.raises(exception.GenerationConflict):
            db_rec.apply_batch(
                db, ctx, consumption=Consumption(hosts=deltas),
                inserts=[helpers.server('vm-1', 'r1h1')],
                events=[('instance.unplanned', {'instance': 'vm-1'})])


def test_reconcile_batch_finds_then_writes(db, ctx):
    db_inventory.save_inventory(db, ctx, helpers.inventory())
    db_rec.apply_batch(db, ctx, inserts=[
        dict(helpers.server('vm-1', 'r1h1'), resource_id='vm-1',
             metadata={'unplanned': True})])
    seen = []

    def decide(rows):
        seen.append(rows)
        return {'deletes': [rows['vm-1']['id']],
                'events': [('instance.deleted', {'instance': 'vm-1'})]}
    assert db_rec.reconcile_batch(db, ctx, ['vm-1', 'vm-2'], decide) == {
        'hosts': {}, 'pools': {}, 'racks': {}}
    (rows,) = seen
    assert set(rows) == {'vm-1'}
    assert rows['vm-1']['metadata'] == {'unplanned': True}
    assert rows['vm-1']['groups'] == [] and rows['vm-1']['stack_id'] is None
    assert db_rec.find_instances(db, ctx, ['vm-1']) == {}
    assert [e['payload'] for e in db_rec.list_events(
        db, ctx, kind='instance.deleted')] == [{'instance': 'vm-1'}]
    # Nothing to write: no transaction outcome, None.
    assert db_rec.reconcile_batch(db, ctx, ['vm-1'], lambda rows: None) \
        is None
