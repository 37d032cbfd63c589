"""valet.db.placements: look-ups, filters, ad-hoc placements."""
import pytest

from valet.db import groups as db_groups
from valet.db import inventory as db_inventory
from valet.db import models
from valet.db import placements as db_placements
from valet.db import plans as db_plans
from valet import exception
from valet.tests.unit.db import helpers


@pytest.fixture
def plan(db, ctx):
    db_inventory.save_inventory(db, ctx, helpers.inventory())
    db_groups.create_group(db, ctx, 'web', 'diversity', 'host')
    return db_plans.create_plan(
        db, ctx, {'name': 'app', 'stack_id': 'stack-1', 'project_id': 'p1'},
        [helpers.server('web-1', 'r1h1', groups=['web'], reserved=True,
                        resource_id='vm-1', metadata={'tier': 'web',
                                                      'n': 1}),
         helpers.server('web-2', 'r1h2', groups=['web']),
         helpers.server('db-1', 'r2h1', rack='r2', vcpus=4,
                        project_id='p2'),
         helpers.volume('db-vol', 'cinder@lvm#p1', size_gb=100)])


def test_get_placement(db, ctx, plan):
    web1 = db_placements.get_placement(db, ctx, 'web-1')
    for key in ('id', 'name', 'orchestration_id', 'resource_id',
                'location', 'reserved', 'plan_id', 'metadata'):
        assert key in web1
    assert web1['orchestration_id'] == 'web-1'
    assert web1['plan_id'] == plan['id']
    assert web1['stack_id'] == 'stack-1'
    assert web1['metadata'] == {'tier': 'web', 'n': 1}
    assert web1['reserved'] is True and web1['groups'] == ['web']
    assert db_placements.get_placement(db, ctx, web1['id']) == web1
    assert db_placements.get_placement(db, ctx, 'vm-1') == web1
    with pytest.raises(exception.PlacementNotFound):
        db_placements.get_placement(db, ctx, 'nope')


def _ids(placements):
    return sorted(p['orchestration_id'] for p in placements)


def test_list_placements_filters(db, ctx, plan):
    every = db_placements.list_placements(db, ctx)
    assert _ids(every) == ['db-1', 'db-vol', 'web-1', 'web-2']
    assert db_placements.list_placements(db, ctx, {}) == every
    listed = db_placements.list_placements
    assert _ids(listed(db, ctx, {'location': 'r1h1'})) == ['web-1']
    assert _ids(listed(db, ctx, {'reserved': 'true'})) == ['web-1']
    assert _ids(listed(db, ctx, {'reserved': False})) == [
        'db-1', 'db-vol', 'web-2']
    assert _ids(listed(db, ctx, {'kind': 'volume'})) == ['db-vol']
    assert _ids(listed(db, ctx, {'vcpus': '4'})) == ['db-1']
    assert _ids(listed(db, ctx, {'project_id': 'p2'})) == ['db-1']
    assert _ids(listed(db, ctx, {'plan_id': plan['id'],
                                 'rack': 'r2'})) == ['db-1']
    assert len(listed(db, ctx, {'stack_id': 'stack-1'})) == 4
    # Other keys match metadata values (query strings are strings).
    assert _ids(listed(db, ctx, {'tier': 'web'})) == ['web-1', 'web-2']
    assert _ids(listed(db, ctx, {'n': '1'})) == ['web-1']
    assert listed(db, ctx, {'tier': 'web', 'location': 'r2h1'}) == []
    with pytest.raises(exception.Invalid):
        listed(db, ctx, {'vcpus': 'many'})


def test_load_all(db, ctx, plan):
    everything = {p['orchestration_id']: p
                  for p in db_placements.load_all(db, ctx)}
    assert set(everything) == {'web-1', 'web-2', 'db-1', 'db-vol'}
    db1 = everything['db-1']
    assert (db1['vcpus'], db1['memory_mb'], db1['disk_gb']) == (4, 4096, 40)
    assert (db1['location'], db1['rack'], db1['zone'], db1['kind']) == (
        'r2h1', 'r2', 'z1', 'server')
    assert db1['groups'] == [] and db1['stack_id'] == 'stack-1'
    assert everything['web-2']['groups'] == ['web']
    assert everything['db-vol']['disk_gb'] == 100
    assert db_placements.load_all(db, ctx, stack_id='stack-1') == \
        db_placements.load_all(db, ctx)
    assert db_placements.load_all(db, ctx, stack_id='other') == []


def test_ad_hoc_placement_lifecycle(db, ctx, plan):
    consumption = helpers.host_deltas(db, ctx, {'r2h2': (1, 512, 1)})
    created = db_placements.create_placement(
        db, ctx, helpers.server('vm-9', 'r2h2', rack='r2', groups=['web'],
                                vcpus=1, memory_mb=512, disk_gb=1),
        consumption=consumption,
        request={'request_id': 'req-9', 'action': 'schedule_instance',
                 'stack_id': ''})
    assert created['plan_id'] is None and created['stack_id'] is None
    assert created['groups'] == ['web']
    state = db_inventory.load_state(db, ctx)['hosts']['r2h2']
    assert (state['vcpus_used'], state['generation']) == (1, 1)

    reserved = db_placements.update_placement(
        db, ctx, 'vm-9', {'reserved': True, 'resource_id': 'uuid-9'})
    assert reserved['reserved'] is True
    assert db_placements.get_placement(db, ctx, 'uuid-9') == reserved

    release = helpers.host_deltas(db, ctx, {'r2h2': (-1, -512, -1)})
    deleted = db_placements.delete_placement(db, ctx, 'uuid-9',
                                             consumption=release)
    assert deleted == reserved
    assert db_inventory.load_state(db, ctx)['hosts']['r2h2'][
        'vcpus_used'] == 0
    with pytest.raises(exception.PlacementNotFound):
        db_placements.get_placement(db, ctx, 'vm-9')


def test_ad_hoc_placement_errors(db, ctx, plan):
    with helpers.no_change(db, models.Placement, models.Host):
        with pytest.raises(exception.PlanNotFound):
            db_placements.create_placement(
                db, ctx, helpers.server('x', 'r1h1', plan_id='nope'))
        with pytest.raises(exception.GroupNotFound):
            db_placements.create_placement(
                db, ctx, helpers.server('x', 'r1h1', groups=['nope']))
        with pytest.raises(exception.GenerationConflict):
            db_placements.create_placement(
                db, ctx, helpers.server('x', 'r1h1'),
                consumption=db_inventory.Consumption(hosts={
                    'r1h1': db_inventory.HostDelta(99, 1)}))
        with pytest.raises(exception.Invalid):
            db_placements.create_placement(db, ctx, {'name': 'no-id'})
