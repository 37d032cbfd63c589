"""Nova notifications reconcile the model and the DB (engine on sqlite;
payloads are the canonical samples built with Nova's classes)."""
import pytest

from valet import context as valet_context
from valet.db import inventory as db_inventory
from valet.db import placements as db_placements
from valet.db import reconciliation as db_rec
from valet import exception
from valet.engine.notifications import reconcile
from valet.tests.unit.engine.notifications import helpers as h

SMALL = ('m1.small', 1, 2048, 20)
LARGE = ('m1.large', 4, 8192, 80)


@pytest.fixture
def engine(tmp_path):
    manager = h.make_engine(tmp_path)
    yield manager
    manager.db.dispose()


def apply(manager, *messages):
    reconcile.Reconciler(manager).apply(h.parse(messages))


def admin():
    return valet_context.get_admin_context()


def db_host(manager, name):
    return db_inventory.load_state(manager.db, admin(),
                                   hosts=[name])['hosts'][name]


def kinds(manager):
    # Only the reconciler's events (the inventory sync logs its own).
    return [e['kind'] for e in db_rec.list_events(manager.db, admin())
            if e['kind'].split('.')[0] in ('instance', 'host', 'aggregate')]


def test_unplanned_server_counts_until_nova_deletes_it(engine):
    host = engine.datacenter.hosts['r01h02']
    generation = host.generation
    apply(engine, h.instance('instance.create.end', 'vm-1', 'r01h02', LARGE))
    assert (host.vcpus_used, host.memory_mb_used, host.disk_gb_used) == (
        4, 8192, 80)
    assert host.members == 1
    row = db_placements.get_placement(engine.db, admin(), 'vm-1')
    assert (row['location'], row['reserved'], row['plan_id']) == (
        'r01h02', True, None)
    assert row['metadata']['unplanned'] is True
    state = db_host(engine, 'r01h02')
    assert state['vcpus_used'] == 4 and state['memory_mb_used'] == 8192
    assert state['generation'] == generation + 1 == host.generation
    # A redelivered notification changes nothing.
    apply(engine, h.instance('instance.create.end', 'vm-1', 'r01h02', LARGE))
    assert host.vcpus_used == 4 and db_host(engine, 'r01h02')[
        'vcpus_used'] == 4

    apply(engine, h.instance('instance.delete.end', 'vm-1', 'r01h02'))
    assert (host.vcpus_used, host.members) == (0, 0)
    assert db_host(engine, 'r01h02')['vcpus_used'] == 0
    with pytest.raises(exception.PlacementNotFound):
        db_placements.get_placement(engine.db, admin(), 'vm-1')
    assert kinds(engine) == ['instance.unplanned', 'instance.deleted']


def test_unplanned_server_keeps_exclusive_groups_away(engine):
    hosts = sorted(engine.datacenter.hosts)
    for i, name in enumerate(hosts[:-1]):
        apply(engine, h.instance('instance.create.end', 'vm-%d' % i, name,
                                 SMALL))
    plan = engine.create_plan(h.ctx(), 'x', 'stack-x', {
        'ex': h.group('ex', 'exclusivity'),
        'a': h.server('m1.small', ['ex'])})
    # Only the one host Nova left empty is exclusive-able.
    assert plan['placements']['a']['location'] == hosts[-1]


def test_unplanned_servers_are_capacity(engine):
    for i in range(4):     # 4 x 4 vCPUs fill r01h01
        apply(engine, h.instance('instance.create.end', 'big-%d' % i,
                                 'r01h01', LARGE))
    with pytest.raises(exception.PlacementFailed):
        engine.create_plan(h.ctx(), 'x', 'stack-y', {'a': h.server()},
                           locations=['r01h01'])


def _planned(engine, stack='stack-p', uuid_='vm-p'):
    plan = engine.create_plan(h.ctx(), 'p', stack, {'a': h.server()})
    placement = plan['placements']['a']
    row = db_placements.list_placements(engine.db, admin(),
                                        {'stack_id': stack})[0]
    engine.reserve(h.ctx(), None, orchestration_id=row['id'],
                   instance_uuid=uuid_)
    return placement['location']


def test_planned_server_on_its_host_is_confirmed(engine):
    planned = _planned(engine)
    used = engine.datacenter.hosts[planned].vcpus_used
    apply(engine, h.instance('instance.create.end', 'vm-p', planned, SMALL))
    row = db_placements.get_placement(engine.db, admin(), 'vm-p')
    assert row['reserved'] and row['metadata']['nova_host'] == planned
    assert 'moved_by_nova' not in row['metadata']
    assert engine.datacenter.hosts[planned].vcpus_used == used
    assert engine.invalid_placements(admin()) == []
    assert kinds(engine) == ['instance.confirmed']


def test_planned_server_nova_put_elsewhere_moves_and_is_invalid(engine):
    planned = _planned(engine)
    other = next(n for n in sorted(engine.datacenter.hosts) if n != planned)
    apply(engine, h.instance('instance.create.end', 'vm-p', other, SMALL))
    dc = engine.datacenter
    assert dc.hosts[planned].vcpus_used == 0
    assert dc.hosts[other].vcpus_used == 1 and dc.hosts[other].members == 1
    assert db_host(engine, planned)['vcpus_used'] == 0
    assert db_host(engine, other)['vcpus_used'] == 1
    row = db_placements.get_placement(engine.db, admin(), 'vm-p')
    assert row['location'] == other
    assert row['metadata']['moved_by_nova']['planned'] == planned
    invalid = engine.invalid_placements(admin())
    assert [(i['resource_id'], i['reasons']) for i in invalid] == [
        ('vm-p', ['moved_by_nova'])]
    assert kinds(engine) == ['instance.moved']
    # Nova puts it back (live migration): the mark goes.
    apply(engine, h.instance('instance.live_migration_post.end', 'vm-p',
                             planned, SMALL))
    assert engine.invalid_placements(admin()) == []
    assert dc.hosts[planned].vcpus_used == 1 and dc.hosts[other].vcpus_used == 0


def test_resize_confirm_changes_usage(engine):
    planned = _planned(engine)
    apply(engine, h.instance('instance.resize_confirm.end', 'vm-p', planned,
                             LARGE))
    assert engine.datacenter.hosts[planned].vcpus_used == 4
    assert db_host(engine, planned)['disk_gb_used'] == 80
    row = db_placements.get_placement(engine.db, admin(), 'vm-p')
    assert (row['flavor'], row['vcpus']) == ('m1.large', 4)


def test_planned_server_deleted_in_nova_keeps_its_plan(engine):
    planned = _planned(engine)
    apply(engine, h.instance('instance.delete.end', 'vm-p', planned))
    row = db_placements.list_placements(engine.db, admin(),
                                        {'stack_id': 'stack-p'})[0]
    assert row['reserved'] is False
    # The plan still holds its capacity until Heat releases it.
    assert engine.datacenter.hosts[planned].vcpus_used == 1
    engine.delete_plan(h.ctx(), 'stack-p')
    assert engine.datacenter.hosts[planned].vcpus_used == 0
    assert db_host(engine, planned)['vcpus_used'] == 0


def test_disabled_or_down_hosts_leave_the_candidate_set(engine):
    planned = _planned(engine)
    generation = db_host(engine, planned)['generation']
    apply(engine, h.service(planned, disabled=True))
    assert engine.datacenter.hosts[planned].enabled is False
    state = db_host(engine, planned)
    assert state['enabled'] is False
    assert state['generation'] == generation + 1
    assert engine.datacenter.hosts[planned].generation == generation + 1
    invalid = engine.invalid_placements(admin())
    assert invalid[0]['reasons'] == ['host_disabled']
    with pytest.raises(exception.PlacementFailed):
        engine.create_plan(h.ctx(), 'x', 'stack-d', {'a': h.server()},
                           locations=[planned])
    other = next(n for n in engine.datacenter.hosts if n != planned)
    apply(engine, h.service(other, forced_down=True))
    assert engine.datacenter.hosts[other].enabled is False
    # An aggregate change stores the inventory: the host stays disabled.
    apply(engine, h.aggregate('fast', ['r02h01', other], {'fast': 'true'},
                              'aggregate.add_host.end'))
    assert engine.datacenter.hosts[other].enabled is False
    assert db_host(engine, other)['enabled'] is False
    apply(engine, h.service(planned), h.service(other))
    assert engine.datacenter.hosts[planned].enabled is True
    assert engine.datacenter.hosts[other].enabled is True
    assert kinds(engine) == ['host.disabled', 'host.disabled',
                             'aggregate.changed', 'host.enabled',
                             'host.enabled']


def test_aggregate_changes_reach_the_model_and_the_db(engine):
    apply(engine, h.aggregate('fast', ['r02h01', 'r02h02'],
                              {'fast': 'true', 'cpu_allocation_ratio': '2.0'},
                              'aggregate.add_host.end'))
    host = engine.datacenter.hosts['r02h02']
    assert host.metadata == {'fast': 'true', 'cpu_allocation_ratio': '2.0'}
    assert host.aggregates == ('fast',)
    assert host.vcpus == 32         # 16 physical x 2.0
    stored = db_inventory.load_inventory(engine.db, admin()).hosts['r02h02']
    assert stored.aggregates == ['fast']
    apply(engine, h.aggregate('fast', ['r02h02'], {'fast': 'true'},
                              'aggregate.remove_host.end'))
    assert engine.datacenter.hosts['r02h01'].aggregates == ()
    assert engine.datacenter.hosts['r02h01'].metadata == {}
    assert kinds(engine) == ['aggregate.changed', 'aggregate.changed']


def test_a_batch_keeps_the_last_event_of_each_instance(engine):
    apply(engine,
          h.instance('instance.create.end', 'vm-1', 'r01h01', SMALL),
          h.instance('instance.create.end', 'vm-2', 'r01h01', SMALL),
          h.instance('instance.delete.end', 'vm-1', 'r01h01'))
    assert engine.datacenter.hosts['r01h01'].vcpus_used == 1
    assert kinds(engine) == ['instance.unplanned']


def test_unknown_hosts_and_bad_payloads(engine):
    bad = h.instance('instance.create.end', 'vm-x', 'r01h01', SMALL)
    del bad['payload']['nova_object.data']['host']
    assert h.parse([bad, {'event_type': 'instance.create.end',
                          'publisher_id': 'x', 'payload': {}}]) == []
    apply(engine, h.instance('instance.create.end', 'vm-y', 'nowhere', SMALL))
    assert kinds(engine) == ['instance.unknown_host']
    assert sum(x.vcpus_used for x in engine.datacenter.hosts.values()) == 0


def test_lost_cas_reloads_and_retries(engine):
    # Another engine consumed on r01h01 behind this one's back.
    host = engine.datacenter.hosts['r01h01']
    with engine.db.writer(admin()) as session:
        db_inventory.apply_consumption(session, db_inventory.Consumption(
            hosts={'r01h01': db_inventory.HostDelta(host.generation,
                                                    vcpus=2)}))
    apply(engine, h.instance('instance.create.end', 'vm-1', 'r01h01', SMALL))
    assert engine.datacenter.hosts['r01h01'].vcpus_used == 3
    assert db_host(engine, 'r01h01')['vcpus_used'] == 3


def test_found_rows_are_the_placement_dicts(engine):
    """The batch's own query returns what the placements module would,
    groups included (the model moves group members with them)."""
    from valet.db import models
    engine.create_plan(h.ctx(), 'g', 'stack-g', {
        'ex': h.group('ex', 'exclusivity'),
        'a': h.server('m1.small', ['ex'])})
    row = db_placements.list_placements(engine.db, admin(),
                                        {'stack_id': 'stack-g'})[0]
    engine.reserve(h.ctx(), None, orchestration_id=row['id'],
                   instance_uuid='vm-g')
    found = db_rec.find_instances(engine.db, admin(), ['vm-g', 'vm-none'])
    with engine.db.reader(admin()) as session:
        (expected,) = db_placements.to_dicts(
            session, db_placements.select_placements().where(
                models.Placement.resource_id == 'vm-g'))
    assert found == {'vm-g': expected}
    assert expected['groups'] and expected['stack_id'] == 'stack-g'
