"""valet.db.inventory: inventory sync, usage CAS, loading the model."""
import pytest

from valet.db import inventory as db_inventory
from valet.db import models
from valet import exception
from valet.engine.model import inventory as inv
from valet.tests.unit.db import helpers

HostDelta = db_inventory.HostDelta
PoolDelta = db_inventory.PoolDelta
RackDelta = db_inventory.RackDelta
Consumption = db_inventory.Consumption


def _server(host, vcpus=1, memory_mb=512, disk_gb=10, sid=None):
    return inv.Server(id=sid or 'vm-%s-%d' % (host, vcpus), host=host,
                      flavor='f', vcpus=vcpus, memory_mb=memory_mb,
                      disk_gb=disk_gb)


def test_save_inventory_creates_rows(db, ctx):
    changed = db_inventory.save_inventory(db, ctx, helpers.inventory())
    assert changed['zones'] == ['z1']
    assert changed['racks'] == ['r1', 'r2']
    assert len(changed['hosts']) == 8 and changed['pools'] == [
        'cinder@lvm#p1']
    state = db_inventory.load_state(db, ctx)
    assert state['hosts']['r1h1'] == {
        'generation': 0, 'vcpus_used': 0, 'memory_mb_used': 0,
        'disk_gb_used': 0, 'nic_used_mbps': 0, 'enabled': True}
    assert state['pools'] == {'cinder@lvm#p1': {'generation': 0,
                                                'used_gb': 0}}
    assert state['racks']['r1'] == {'generation': 0, 'uplink_used_mbps': 0}


def test_save_inventory_twice_is_stable(db, ctx):
    inventory = helpers.inventory(servers=[_server('r1h1')])
    db_inventory.save_inventory(db, ctx, inventory)
    before = db_inventory.load_state(db, ctx)
    with helpers.no_change(db, models.Zone, models.Rack, models.Pool):
        changed = db_inventory.save_inventory(db, ctx, inventory)
    assert changed == {'zones': [], 'racks': [], 'hosts': [], 'pools': []}
    assert db_inventory.load_state(db, ctx) == before


def test_save_inventory_never_touches_usage(db, ctx):
    db_inventory.save_inventory(db, ctx, helpers.inventory())
    _apply(db, ctx, Consumption(
        hosts={'r1h1': HostDelta(0, 4, 8192, 100, 1000)},
        pools={'cinder@lvm#p1': PoolDelta(0, 300)},
        racks={'r1': RackDelta(0, 2000)}))
    inventory = helpers.inventory(servers=[_server('r1h1', vcpus=3)])
    inventory.hosts['r1h1'].vcpus = 32
    inventory.pools['cinder@lvm#p1'].capacity_gb = 9000
    inventory.racks['r1'].uplink_mbps = 80000
    changed = db_inventory.save_inventory(db, ctx, inventory)
    assert changed['hosts'] == ['r1h1']
    assert changed['pools'] == ['cinder@lvm#p1'] and changed['racks'] == [
        'r1']
    state = db_inventory.load_state(db, ctx)
    # Capacity changed: the generation moved on, the usage did not.
    assert state['hosts']['r1h1'] == {
        'generation': 2, 'vcpus_used': 4, 'memory_mb_used': 8192,
        'disk_gb_used': 100, 'nic_used_mbps': 1000, 'enabled': True}
    assert state['pools']['cinder@lvm#p1'] == {'generation': 2,
                                               'used_gb': 300}
    assert state['racks']['r1'] == {'generation': 2,
                                    'uplink_used_mbps': 2000}
    assert state['hosts']['r1h2']['generation'] == 0
    loaded = db_inventory.load_inventory(db, ctx)
    assert loaded.hosts['r1h1'].vcpus == 32
    assert loaded.external_usage() == {'r1h1': (3, 512, 10)}


def _apply(db, ctx, consumption):
    with db.writer(ctx) as session:
        return db_inventory.apply_consumption(session, consumption)


def test_hosts_and_pools_no_longer_reported_are_disabled(db, ctx):
    db_inventory.save_inventory(db, ctx, helpers.inventory())
    smaller = helpers.inventory(pools=0)
    del smaller.hosts['r2h4']
    changed = db_inventory.save_inventory(db, ctx, smaller)
    assert changed['hosts'] == ['r2h4']
    assert changed['pools'] == ['cinder@lvm#p1']
    state = db_inventory.load_state(db, ctx)
    assert state['hosts']['r2h4']['enabled'] is False
    assert state['hosts']['r2h4']['generation'] == 1
    assert helpers.count(db, models.Host) == 8     # kept, not deleted
    loaded = db_inventory.load_inventory(db, ctx)
    assert loaded.hosts['r2h4'].enabled is False
    assert loaded.pools == {}
    # Reported again: enabled again.
    db_inventory.save_inventory(db, ctx, helpers.inventory())
    assert db_inventory.load_state(db, ctx)['hosts']['r2h4'][
        'enabled'] is True


def test_apply_consumption(db, ctx):
    db_inventory.save_inventory(db, ctx, helpers.inventory())
    consumption = Consumption(
        hosts={'r1h1': HostDelta(0, vcpus=2, memory_mb=1024, disk_gb=10,
                                 nic_mbps=100),
               'r1h2': HostDelta(0, vcpus=1)},
        pools={'cinder@lvm#p1': PoolDelta(0, size_gb=50)},
        racks={'r1': RackDelta(0, uplink_mbps=100)})
    generations = _apply(db, ctx, consumption)
    assert generations == {'hosts': {'r1h1': 1, 'r1h2': 1},
                           'pools': {'cinder@lvm#p1': 1},
                           'racks': {'r1': 1}, 'groups': {}}
    assert generations == consumption.next_generations()
    state = db_inventory.load_state(db, ctx)
    assert state['hosts']['r1h1']['nic_used_mbps'] == 100
    assert state['pools']['cinder@lvm#p1']['used_gb'] == 50
    # Release at the new generations: back to zero.
    release = Consumption.from_dict(consumption.to_dict()).negated()
    for kind, names in generations.items():
        for name, generation in names.items():
            getattr(release, kind)[name].generation = generation
    _apply(db, ctx, release)
    state = db_inventory.load_state(db, ctx)
    assert state['hosts']['r1h1']['vcpus_used'] == 0
    assert state['hosts']['r1h1']['generation'] == 2
    assert state['pools']['cinder@lvm#p1']['used_gb'] == 0


def test_apply_consumption_stale_generation(db, ctx):
    db_inventory.save_inventory(db, ctx, helpers.inventory())
    _apply(db, ctx, Consumption(hosts={'r1h1': HostDelta(0, 1)}))
    stale = Consumption(hosts={'r1h2': HostDelta(0, 1),
                               'r1h1': HostDelta(0, 1),
                               'ghost': HostDelta(0, 1)},
                        pools={'cinder@lvm#p1': PoolDelta(3, 10)})
    with helpers.no_change(db, models.Host, models.Pool):
        with pytest.raises(exception.GenerationConflict) as raised:
            _apply(db, ctx, stale)
    assert raised.value.kwargs['hosts'] == ['ghost', 'r1h1']
    assert raised.value.kwargs['pools'] == ['cinder@lvm#p1']
    assert raised.value.kwargs['racks'] == []
    assert raised.value.kwargs['groups'] == []
    assert 'r1h1' in str(raised.value)


def test_apply_consumption_many_rows(db, ctx):
    """More rows than a statement of exact width holds (the rest are
    padded): each row gets its own delta, columns no row changes stay, a
    stale row is named alone and nothing is written."""
    db_inventory.save_inventory(db, ctx, helpers.inventory(hosts=10))
    names = sorted(db_inventory.load_state(db, ctx)['hosts'])
    assert len(names) == 20
    consumption = Consumption(hosts={
        name: HostDelta(0, vcpus=i + 1, memory_mb=0 if i % 2 else 100 * i,
                        nic_mbps=7 if i == 3 else 0)
        for i, name in enumerate(names)})
    assert _apply(db, ctx, consumption) == consumption.next_generations()
    state = db_inventory.load_state(db, ctx)['hosts']
    for i, name in enumerate(names):
        assert (state[name]['generation'], state[name]['vcpus_used'],
                state[name]['memory_mb_used'], state[name]['disk_gb_used'],
                state[name]['nic_used_mbps']) == (
            1, i + 1, 0 if i % 2 else 100 * i, 0, 7 if i == 3 else 0)
    stale = Consumption(hosts={name: HostDelta(1 if i != 11 else 0, vcpus=1)
                               for i, name in enumerate(names)})
    with helpers.no_change(db, models.Host):
        with pytest.raises(exception.GenerationConflict) as raised:
            _apply(db, ctx, stale)
    assert raised.value.kwargs['hosts'] == [names[11]]


def _group_generation(db, ctx, name):
    from valet.db import placements as db_placements
    return db_placements.load_group_rules(db, ctx)[name]['generation']


def test_apply_consumption_group_cas(db, ctx):
    """Adding members to existing groups swaps their generations, after
    the inventory rows; a stale or unknown group rolls everything back."""
    from valet.db import groups as db_groups
    db_inventory.save_inventory(db, ctx, helpers.inventory())
    db_groups.create_group(db, ctx, 'web', 'diversity', 'rack')
    db_groups.create_group(db, ctx, 'db', 'affinity', 'zone')
    assert _group_generation(db, ctx, 'web') == 0
    consumption = Consumption(hosts={'r1h1': HostDelta(0, vcpus=1)},
                              groups={'web': 0, 'db': 0})
    generations = _apply(db, ctx, consumption)
    assert generations['groups'] == {'db': 1, 'web': 1}
    assert generations == consumption.next_generations()
    assert _group_generation(db, ctx, 'web') == 1
    # The release swaps no group.
    assert consumption.negated().groups == {}
    assert Consumption.from_dict(consumption.to_dict()) == consumption
    # A stale engine still at generation 0 of 'web' (its host is fresh).
    stale = Consumption(hosts={'r2h1': HostDelta(0, vcpus=1)},
                        groups={'web': 0, 'db': 1, 'ghost': None})
    with helpers.no_change(db, models.Host, models.Group):
        with pytest.raises(exception.GenerationConflict) as raised:
            _apply(db, ctx, stale)
    assert raised.value.kwargs['groups'] == ['ghost', 'web']
    assert raised.value.kwargs['hosts'] == []
    assert 'groups ghost, web' in str(raised.value)
    assert _group_generation(db, ctx, 'db') == 1


def test_load_state_filters(db, ctx):
    db_inventory.save_inventory(db, ctx, helpers.inventory())
    state = db_inventory.load_state(db, ctx, hosts=['r1h1', 'r2h2'],
                                    pools=[], racks=['r2'])
    assert set(state['hosts']) == {'r1h1', 'r2h2'}
    assert state['pools'] == {} and set(state['racks']) == {'r2'}


def test_load_inventory_round_trip(db, ctx):
    original = helpers.inventory(
        servers=[_server('r1h1', 2, 1024, 20, 'a'),
                 _server('r1h1', 1, 512, 10, 'b'),
                 _server('r2h3', 4, 4096, 0, 'c')])
    # A host whose rack and zone the collector did not list themselves.
    original.hosts['lonely'] = inv.Host('lonely', 'z2', 'lonely', 8, 16384,
                                        100, enabled=False)
    db_inventory.save_inventory(db, ctx, original)
    loaded = db_inventory.load_inventory(db, ctx, name='dc-test')
    assert loaded.name == 'dc-test'
    assert loaded.hosts == original.hosts
    assert set(loaded.zones) == {'z1', 'z2'}
    assert loaded.racks['r1'] == original.racks['r1']
    assert loaded.racks['lonely'] == inv.Rack('lonely', 'z2', 0)
    assert loaded.pools == original.pools
    assert loaded.flavors == {}
    assert loaded.external_usage() == original.external_usage()
    assert sorted(loaded.aggregates) == ['agg-r1', 'agg-r2']
    assert loaded.aggregates['agg-r1'].hosts == [
        'r1h1', 'r1h2', 'r1h3', 'r1h4']


def test_consumption_helpers():
    consumption = Consumption.from_dict({
        'hosts': {'h': {'generation': 3, 'vcpus': 2, 'memory_mb': 5}},
        'pools': {'p': PoolDelta(1, 7)}})
    assert consumption.hosts['h'] == HostDelta(3, 2, 5)
    assert consumption.pools['p'] == PoolDelta(1, 7)
    assert consumption.racks == {}
    assert consumption.negated().hosts['h'] == HostDelta(3, -2, -5)
    assert consumption.next_generations() == {
        'hosts': {'h': 4}, 'pools': {'p': 2}, 'racks': {}, 'groups': {}}
    assert Consumption.from_dict(consumption.to_dict()) == consumption
