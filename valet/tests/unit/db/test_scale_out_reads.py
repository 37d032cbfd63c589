"""What several engines read and write on every decision, in few round
trips: the answer with the generation totals, the per-rack digest of host
generations, the state of some racks only, the batched compare-and-swap of
several rows and the groups a plan creates."""
import pytest

from valet.db import groups as db_groups
from valet.db import inventory as db_inventory
from valet.db import models
from valet.db import placements as db_placements
from valet.db import plans as db_plans
from valet.db import requests as db_requests
from valet import exception
from valet.tests.unit.db import helpers

HostDelta = db_inventory.HostDelta
Consumption = db_inventory.Consumption


def _apply(db, ctx, consumption):
    with db.writer(ctx) as session:
        return db_inventory.apply_consumption(session, consumption)


def test_answer_and_generations_in_one_read(db, ctx):
    db_inventory.save_inventory(db, ctx, helpers.inventory())
    key = ('r1', 'create_plan', 's1')
    totals = db_inventory.generation_totals(db, ctx)
    assert db_requests.answer_and_generations(db, ctx, key) == (None, totals)
    assert db_requests.answer_and_generations(db, ctx) == (None, totals)
    with db.writer(ctx) as session:
        db_requests.record_answer(session, *key, {'id': 'p1'})
    _apply(db, ctx, Consumption(hosts={'r1h1': HostDelta(0, vcpus=1)}))
    answer, moved = db_requests.answer_and_generations(db, ctx, key)
    assert answer == {'id': 'p1'}
    assert moved == (totals[0] + 1,) + totals[1:]


def test_rack_digest_and_state_of_some_racks(db, ctx):
    db_inventory.save_inventory(db, ctx, helpers.inventory())
    assert db_inventory.catch_up_marks(db, ctx)[1] == {
        'r1': (0, 4), 'r2': (0, 4)}
    _apply(db, ctx, Consumption(hosts={'r2h3': HostDelta(0, vcpus=2)}))
    assert db_inventory.catch_up_marks(db, ctx)[1] == {
        'r1': (0, 4), 'r2': (1, 4)}
    state = db_inventory.load_state(db, ctx, host_racks=['r2'])
    assert sorted(state['hosts']) == ['r2h1', 'r2h2', 'r2h3', 'r2h4']
    assert state['hosts']['r2h3']['vcpus_used'] == 2
    assert sorted(state['racks']) == ['r1', 'r2']
    # Hosts still at the generation the caller holds are left out.
    state = db_inventory.load_state(db, ctx, host_racks=['r2'], unchanged={
        'r2h1': 0, 'r2h2': 0, 'r2h3': 0, 'r2h4': 5}, racks=(), pools=())
    assert sorted(state['hosts']) == ['r2h3', 'r2h4']
    # Empty lists of names read nothing of their kind.
    assert db_inventory.load_state(db, ctx, host_racks=(), racks=(),
                                   pools=()) == {
        'hosts': {}, 'racks': {}, 'pools': {}}


def test_several_hosts_swap_in_one_update(db, ctx):
    db_inventory.save_inventory(db, ctx, helpers.inventory())
    consumption = Consumption(hosts={
        'r1h1': HostDelta(0, vcpus=1, memory_mb=512),
        'r1h2': HostDelta(0, vcpus=2, disk_gb=10),
        'r2h1': HostDelta(0, nic_mbps=100)})
    assert _apply(db, ctx, consumption) == consumption.next_generations()
    hosts = db_inventory.load_state(db, ctx)['hosts']
    assert hosts['r1h1'] == {'generation': 1, 'vcpus_used': 1,
                             'memory_mb_used': 512, 'disk_gb_used': 0,
                             'nic_used_mbps': 0, 'enabled': True}
    assert (hosts['r1h2']['vcpus_used'], hosts['r1h2']['disk_gb_used'],
            hosts['r1h2']['generation']) == (2, 10, 1)
    assert (hosts['r2h1']['nic_used_mbps'], hosts['r2h1']['generation']) == (
        100, 1)
    assert hosts['r2h2']['generation'] == 0


def test_a_stale_host_among_several_changes_nothing(db, ctx):
    db_inventory.save_inventory(db, ctx, helpers.inventory())
    _apply(db, ctx, Consumption(hosts={'r1h2': HostDelta(0, vcpus=1)}))
    stale = Consumption(hosts={'r1h1': HostDelta(0, vcpus=1),
                               'r1h2': HostDelta(0, vcpus=1),
                               'r1h3': HostDelta(0, vcpus=1),
                               'ghost': HostDelta(0, vcpus=1)},
                        groups={'nowhere': 0})
    with helpers.no_change(db, models.Host, models.Group):
        with pytest.raises(exception.GenerationConflict) as raised:
            _apply(db, ctx, stale)
    assert raised.value.kwargs['hosts'] == ['ghost', 'r1h2']
    assert raised.value.kwargs['groups'] == ['nowhere']


def test_plan_groups_created_together_or_reused(db, ctx):
    db_groups.create_group(db, ctx, 'old', 'diversity', 'host')
    specs = [{'name': 'old', 'type': 'diversity', 'level': 'host'},
             {'name': 'a', 'type': 'affinity', 'level': 'rack',
              'members': ['p1', 'p2']},
             {'name': 'b', 'type': 'diversity', 'level': 'zone'}]
    with db.writer(ctx) as session:
        ids = db_groups.ensure_groups(session, specs)
    assert sorted(ids) == ['a', 'b', 'old']
    assert db_groups.get_group(db, ctx, 'old')['id'] == ids['old']
    created = db_groups.get_group(db, ctx, 'a')
    assert (created['id'], created['type'], created['level'],
            created['members']) == (ids['a'], 'affinity', 'rack',
                                    ['p1', 'p2'])
    # Again: nothing new, the same ids.
    with db.writer(ctx) as session:
        assert db_groups.ensure_groups(session, specs) == ids
    with pytest.raises(exception.InvalidGroup):
        with db.writer(ctx) as session:
            db_groups.ensure_groups(session, [
                {'name': 'b', 'type': 'affinity', 'level': 'zone'}])


def test_the_same_new_group_twice_in_one_plan(db, ctx):
    spec = {'name': 'twice', 'type': 'diversity', 'level': 'host'}
    with db.writer(ctx) as session:
        ids = db_groups.ensure_groups(session, [spec, dict(spec)])
    assert list(ids) == ['twice']
    assert db_groups.get_group(db, ctx, 'twice')['id'] == ids['twice']


def test_catch_up_marks_in_one_read(db, ctx):
    assert db_inventory.catch_up_marks(db, ctx) == (None, {})
    _, marker = db_inventory.save_synced_inventory(db, ctx,
                                                   helpers.inventory())
    _apply(db, ctx, Consumption(hosts={'r2h3': HostDelta(0, vcpus=2)}))
    assert db_inventory.catch_up_marks(db, ctx) == (
        marker.id, {'r1': (0, 4), 'r2': (1, 4)})
    assert db_inventory.catch_up_marks(db, ctx, racks=False) == (
        marker.id, None)


def test_group_changes_since_a_stamp_with_the_totals(db, ctx):
    db_inventory.save_inventory(db, ctx, helpers.inventory())
    assert db_placements.group_changes(db, ctx) == ({}, (0, 0, None))
    db_groups.create_group(db, ctx, 'old', 'diversity', 'host')
    db_plans.create_plan(
        db, ctx, {'name': 'a', 'stack_id': 's1'},
        [helpers.server('w', 'r1h1', groups=['new'])],
        groups=[{'name': 'new', 'type': 'diversity', 'level': 'rack'}],
        consumption=Consumption(hosts={'r1h1': HostDelta(0, vcpus=2)},
                                groups={'new': 0}))
    rules, (count, total, newest) = db_placements.group_changes(db, ctx)
    assert rules == db_placements.load_group_rules(db, ctx)
    assert (count, total) == (2, 1) and newest is not None
    # Stamped since: none, then all of them (totals always).
    assert db_placements.group_changes(db, ctx, since=newest.replace(
        year=newest.year + 1)) == ({}, (2, 1, newest))
    assert db_placements.group_changes(db, ctx, since=newest.replace(
        year=newest.year - 1))[0] == rules


def test_occupancy_of_some_hosts(db, ctx):
    db_inventory.save_inventory(db, ctx, helpers.inventory())
    db_plans.create_plan(
        db, ctx, {'name': 'a', 'stack_id': 's1'},
        [helpers.server('w1', 'r1h1', groups=['g1', 'g2']),
         helpers.server('w2', 'r1h1'), helpers.server('w3', 'r1h2',
                                                      groups=['g1'])],
        groups=[{'name': n, 'type': 'diversity', 'level': 'rack'}
                for n in ('g1', 'g2')])
    servers = db_placements.load_occupancy(db, ctx, ['r1h1'])
    assert sorted((s['location'], sorted(s['groups'])) for s in servers) == [
        ('r1h1', []), ('r1h1', ['g1', 'g2'])]
    assert {s['kind'] for s in servers} == {'server'}
    assert db_placements.load_occupancy(db, ctx, ['r2h1']) == []
