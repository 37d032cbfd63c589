"""The in-memory model: capacity, state, occupancy, apply/release, CAS."""
import time

import pytest

from valet.engine.model import datacenter
from valet.engine.optimizer import decision as decision_mod
from valet.tests.unit.engine import fixtures


def test_effective_capacity_ratio_standby_external():
    dc = fixtures.make_dc({'z': {'r': 2}}, vcpus=10, memory_mb=1000,
                          disk_gb=100, servers=[('rh01', 'm1.tiny')],
                          standby_ratio=0.3)
    host = dc.hosts['rh01']
    # The inventory's ratios are the Host defaults (1.0), all explicit.
    assert (host.vcpus, host.memory_mb, host.disk_gb) == (7 - 1, 700 - 512,
                                                          70 - 1)
    assert host.external == 1 and host.occupied
    assert dc.racks['r'].external == 1
    assert dc.hosts['rh02'].vcpus == 7 and not dc.hosts['rh02'].occupied


def test_ratios_replace_only_defaulted_kinds():
    inv = fixtures.make_inventory({'z': {'r': 2}}, vcpus=10)
    inv.hosts['rh01'].cpu_allocation_ratio = 2.0      # explicit
    inv.hosts['rh02'].default_ratios = ['cpu']
    dc = datacenter.Datacenter.build(inv, ratios={'cpu': 3.0, 'ram': 9.0})
    assert dc.hosts['rh01'].vcpus == 20
    assert dc.hosts['rh02'].vcpus == 30
    assert dc.hosts['rh02'].memory_mb == 16384


def test_small_example_capacities():
    dc = fixtures.small_dc()
    assert dc.hosts['r03h01'].vcpus == 64              # ssd aggregate: 2.0
    assert dc.hosts['r01h01'].vcpus == 64 - 4          # m1.large runs there
    assert dc.hosts['r04h06'].enabled is False
    assert dc.summary() == {'datacenter': 'small', 'hosts': 19, 'racks': 4,
                            'zones': 1, 'pools': 4}


def test_state_sets_usage_generation_and_enabled():
    state = {'hosts': {'rh01': {'generation': 7, 'vcpus_used': 3,
                                'memory_mb_used': 100, 'disk_gb_used': 10,
                                'nic_used_mbps': 5, 'enabled': False}},
             'pools': {'p': {'generation': 4, 'used_gb': 30}}}
    dc = fixtures.make_dc({'z': {'r': 2}}, pools=[('p', 'z', 'r', 100)],
                          state=state,
                          placements=[{'kind': 'server', 'location': 'rh02',
                                       'vcpus': 1, 'groups': ['g']}])
    h1, h2 = dc.hosts['rh01'], dc.hosts['rh02']
    assert (h1.generation, h1.vcpus_used, h1.memory_mb_used,
            h1.disk_gb_used, h1.nic_used_mbps, h1.enabled) == (
        7, 3, 100, 10, 5, False)
    # With a state, usage comes from it only; placements give occupancy.
    assert (h2.generation, h2.vcpus_used, h2.members) == (0, 0, 1)
    assert (dc.pools['p'].generation, dc.pools['p'].used_gb) == (4, 30)


def test_without_state_usage_comes_from_placements():
    dc = fixtures.make_dc({'z': {'r': 2}}, pools=[('p', 'z', 'r', 100)],
                          placements=[
                              {'kind': 'server', 'location': 'rh01',
                               'vcpus': 2, 'memory_mb': 10, 'disk_gb': 1,
                               'groups': []},
                              {'kind': 'volume', 'location': 'p',
                               'disk_gb': 40}])
    assert dc.hosts['rh01'].vcpus_used == 2
    assert dc.pools['p'].used_gb == 40


def test_group_occupancy_and_dedication():
    placements = [
        {'kind': 'server', 'location': 'r1h01', 'groups': ['ex', 'web']},
        {'kind': 'server', 'location': 'r1h01', 'groups': ['ex']},
        {'kind': 'server', 'location': 'r2h01', 'groups': ['web']},
        {'kind': 'server', 'location': 'r2h02', 'groups': ['rex']},
        {'kind': 'server', 'location': 'gone', 'groups': ['web']},
    ]
    dc = fixtures.make_dc({'z': {'r1': 2, 'r2': 2}}, placements=placements,
                          groups={'ex': {'type': 'exclusivity',
                                         'level': 'host'},
                                  'rex': {'type': 'exclusivity',
                                          'level': 'rack'},
                                  'web': {'type': 'diversity',
                                          'level': 'host'}})
    assert dc.group_hosts['web'] == {'r1h01': 1, 'r2h01': 1}
    assert dc.group_racks['web'] == {'r1': 1, 'r2': 1}
    assert dc.group_zones['ex'] == {'z': 2}
    assert dc.hosts['r1h01'].members == 2
    assert dc.hosts['r1h01'].groups == {'ex': 2, 'web': 1}
    assert dc.dedicated_hosts() == {'r1h01': {'ex'}}
    assert dc.dedicated_racks() == {'r2': {'rex'}}
    assert dc.racks['r2'].members == 2


def _decision():
    return decision_mod.Decision(placements={
        'a': decision_mod.Location('server', 'a', 'rh01', 'r', 'z', 2, 100,
                                   10, ('g',), 'x'),
        'b': decision_mod.Location('server', 'b', 'rh01', 'r', 'z', 1, 50, 5,
                                   ('g', 'h'), 'x'),
        'v': decision_mod.Location('volume', 'v', 'p', 'r', 'z', 0, 0, 30),
    }, groups={'g': {'type': 'affinity', 'level': 'host'}})


def test_apply_release_consumption_and_generations():
    dc = fixtures.make_dc({'z': {'r': 2}}, pools=[('p', 'z', 'r', 100)],
                          state={'hosts': {'rh01': {'generation': 3}},
                                 'pools': {'p': {'generation': 9}}})
    decision = _decision()
    consumption = dc.consumption_for(decision)
    assert consumption == {
        'hosts': {'rh01': {'generation': 3, 'vcpus': 3, 'memory_mb': 150,
                           'disk_gb': 15}},
        'pools': {'p': {'generation': 9, 'size_gb': 30}},
        # Groups the model does not know yet: never given members.
        'groups': {'g': 0, 'h': 0}}
    dc.define_groups({'g': {'type': 'affinity', 'level': 'host',
                            'generation': 5}})
    assert dc.consumption_for(decision)['groups'] == {'g': 5, 'h': 0}
    decision.new_groups = ['h']     # inserted by the decision's write at 0
    dc.apply(decision)
    host = dc.hosts['rh01']
    assert (host.vcpus_used, host.memory_mb_used, host.disk_gb_used) == (
        3, 150, 15)
    assert host.groups == {'g': 2, 'h': 1} and host.members == 2
    assert dc.pools['p'].used_gb == 30
    assert dc.groups['g'] == {'type': 'affinity', 'level': 'host'}
    assert dc.group_generations == {'g': 5, 'h': 0}
    dc.set_generations({'hosts': {'rh01': 4}, 'pools': {'p': 10},
                        'groups': {'g': 6}})
    assert dc.group_generations == {'g': 6, 'h': 0}
    placements = decision.as_placements(stack_id='s1')
    assert placements[0]['stack_id'] == 's1'
    released = dc.release_consumption(placements)
    assert released == {
        'hosts': {'rh01': {'generation': 4, 'vcpus': -3, 'memory_mb': -150,
                           'disk_gb': -15}},
        'pools': {'p': {'generation': 10, 'size_gb': -30}}}
    dc.release(placements)
    assert (host.vcpus_used, host.memory_mb_used, host.disk_gb_used) == (
        0, 0, 0)
    assert host.groups == {} and host.members == 0
    assert dc.pools['p'].used_gb == 0
    assert 'g' not in dc.group_hosts


@pytest.mark.parametrize('hosts,placements', [(5000, 100000)])
def test_builds_at_scale(hosts, placements):
    racks = {'r%03d' % i: 20 for i in range(hosts // 20)}
    inv = fixtures.make_inventory({'z1': racks}, vcpus=64)
    names = sorted(inv.hosts)
    rows = [{'kind': 'server', 'location': names[i % hosts], 'vcpus': 1,
             'memory_mb': 10, 'disk_gb': 1,
             'groups': ['g%d' % (i % 500)]} for i in range(placements)]
    start = time.monotonic()
    dc = datacenter.Datacenter.build(inv, placements=rows)
    elapsed = time.monotonic() - start
    assert dc.summary()['hosts'] == hosts
    assert sum(h.members for h in dc.hosts.values()) == placements
    assert elapsed < 5.0
