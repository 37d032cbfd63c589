"""Table-driven scenarios for every hard rule of DESIGN §5.2.

Each scenario decides on a small datacenter and asserts the relations on
the hosts it got (same / different / exclusive / within capacity); the
shared checker (``fixtures.check_decision``) recomputes every rule and
capacity on top.
"""
import pytest

from valet import exception
from valet.engine.model import datacenter
from valet.engine.optimizer import extra_specs
from valet.engine.optimizer import search
from valet.tests.unit.engine import fixtures as fx

TWO_ZONES = {'z1': {'a': 3, 'b': 3}, 'z2': {'c': 3, 'd': 3}}
ATTR = {'host': 'location', 'rack': 'rack', 'zone': 'zone'}


def decide(dc, resources, groups=None, known=None, **kwargs):
    req = fx.plan(dc, resources, groups=groups, known=known)
    before = fx.snapshot(dc)
    result = search.place(dc, req, **kwargs)
    assert fx.snapshot(dc) == before
    fx.check_decision(dc, req, result)
    return req, result


def spots(result, keys, level):
    return [getattr(result.placements[k], ATTR[level]) for k in keys]


def fail(dc, resources, groups=None, **kwargs):
    req = fx.plan(dc, resources, groups=groups)
    with pytest.raises(exception.PlacementFailed) as info:
        search.place(dc, req, **kwargs)
    return info.value.reason


# -- groups at every level -----------------------------------------------

@pytest.mark.parametrize('kind', ['affinity', 'diversity', 'exclusivity'])
@pytest.mark.parametrize('level', ['host', 'rack', 'zone'])
def test_group_rule_at_every_level(kind, level):
    dc = fx.make_dc(TWO_ZONES, servers=[('ah01', 'm1.tiny')])
    count = {'host': 3, 'rack': 3, 'zone': 2}[level]
    res = fx.servers('g', count, groups=['g'])
    res.update(fx.servers('other', 3))
    _, result = decide(dc, res, {'g': {'type': kind, 'level': level}})
    mine = spots(result, ['g-%d' % i for i in range(1, count + 1)], level)
    others = spots(result, ['other-%d' % i for i in range(1, 4)], level)
    if kind == 'affinity':
        assert len(set(mine)) == 1
    elif kind == 'diversity':
        assert len(set(mine)) == len(mine)
    else:
        assert not set(mine) & set(others)
        # The server Valet did not place keeps its unit for itself.
        external = {'host': 'ah01', 'rack': 'a', 'zone': 'z1'}[level]
        assert external not in mine


def test_zone_exclusivity_needs_an_empty_zone():
    dc = fx.make_dc(TWO_ZONES, servers=[('ah01', 'm1.tiny'),
                                        ('ch01', 'm1.tiny')])
    reason = fail(dc, fx.servers('e', 1, groups=['e']),
                  {'e': {'type': 'exclusivity', 'level': 'zone'}})
    assert reason['code'] == 'exclusivity_unsatisfiable'
    assert (reason['group'], reason['level']) == ('e', 'zone')
    assert reason['eliminated'] == {'exclusivity': 12}


def test_a_group_mixing_all_three_types():
    # Same rack, different hosts, and nobody else in that rack.
    dc = fx.make_dc(TWO_ZONES)
    res = fx.servers('s', 3, groups=['aff', 'div', 'exc'])
    res.update(fx.servers('x', 4))
    _, result = decide(dc, res, {
        'aff': {'type': 'affinity', 'level': 'rack'},
        'div': {'type': 'diversity', 'level': 'host'},
        'exc': {'type': 'exclusivity', 'level': 'rack'}})
    keys = ['s-1', 's-2', 's-3']
    assert len(set(spots(result, keys, 'rack'))) == 1
    assert len(set(spots(result, keys, 'host'))) == 3
    assert not set(spots(result, keys, 'rack')) & set(
        spots(result, ['x-%d' % i for i in range(1, 5)], 'rack'))


def test_exclusivity_nested_in_affinity_and_affinity_in_exclusivity():
    dc = fx.make_dc(TWO_ZONES)
    res = fx.servers('s', 4)
    res.update(fx.servers('x', 2))
    res.update({
        'outer': {'type': 'OS::Valet::Group', 'properties': {
            'name': 'outer', 'type': 'exclusivity', 'level': 'rack'}},
        'pair': {'type': 'OS::Valet::Group', 'properties': {
            'name': 'pair', 'type': 'affinity', 'level': 'host'}},
        'a1': {'type': 'OS::Valet::GroupAssignment', 'properties': {
            'group': 'pair', 'resources': ['s-1', 's-2']}},
        'a2': {'type': 'OS::Valet::GroupAssignment', 'properties': {
            'group': 'outer', 'resources': ['a1', 's-3', 's-4']}}})
    req, result = decide(dc, res)
    assert req.servers['s-1'].groups == ['outer', 'pair']
    assert result.placements['s-1'].location == result.placements[
        's-2'].location
    racks = set(spots(result, ['s-1', 's-2', 's-3', 's-4'], 'rack'))
    assert not racks & set(spots(result, ['x-1', 'x-2'], 'rack'))


# -- capacity ----------------------------------------------------------------

def test_aggregate_ratio_overrides_the_config_default():
    inv = fx.make_inventory({'z': {'a': 2}}, vcpus=4)
    inv.hosts['ah01'].cpu_allocation_ratio = 1.0      # from an aggregate
    inv.hosts['ah02'].default_ratios = ['cpu']        # config decides
    dc = datacenter.Datacenter.build(inv, ratios={'cpu': 4.0})
    _, result = decide(dc, fx.servers('s', 5, flavor={'vcpus': 3, 'ram': 64,
                                                      'disk': 1}))
    hosts = [p.location for p in result.placements.values()]
    assert hosts.count('ah01') == 1 and hosts.count('ah02') == 4


def test_standby_reserve_is_kept_free():
    dc = fx.make_dc({'z': {'a': 1}}, vcpus=10, standby_ratio=0.5)
    decide(dc, fx.servers('s', 5, flavor={'vcpus': 1, 'ram': 64, 'disk': 1}))
    reason = fail(dc, fx.servers('s', 6, flavor={'vcpus': 1, 'ram': 64,
                                                 'disk': 1}))
    assert reason['code'] == 'capacity'


def test_volume_size_against_pool_capacity():
    dc = fx.make_dc({'z': {'a': 2, 'b': 2}}, pools=[
        ('pa', 'z', 'a', 100), ('pb', 'z', 'b', 1000)])
    _, result = decide(dc, {'s': fx.server(), 'v': fx.volume(500),
                            'at': fx.attach('s', 'v')})
    assert result.placements['v'].location == 'pb'
    dc.apply(result)
    reason = fail(dc, {'w': fx.volume(600)})
    assert reason['code'] == 'capacity' and reason['member'] == 'w'


# -- pipes -----------------------------------------------------------------

def test_heavy_pipes_stay_on_one_host_then_one_rack():
    dc = fx.make_dc({'z': {'a': 3, 'b': 3}}, nic_mbps=10000,
                    uplink_mbps=40000)
    res = {'a': fx.server('m1.large'), 'b': fx.server('m1.large'),
           'p': fx.pipe('a', 'b', 1000)}
    _, result = decide(dc, res)
    assert result.placements['a'].location == result.placements[
        'b'].location
    assert result.stats['pipe_cost'] == 0
    res['d'] = {'type': 'OS::Valet::Group', 'properties': {
        'name': 'apart', 'type': 'diversity', 'level': 'host'}}
    for key in ('a', 'b'):
        res[key]['properties']['metadata'] = {'valet': {'groups': ['apart']}}
    _, result = decide(dc, res)
    assert result.placements['a'].rack == result.placements['b'].rack
    assert result.stats['pipe_cost'] == 1000
    assert result.bandwidth == {'hosts': {
        result.placements['a'].location: 1000,
        result.placements['b'].location: 1000}, 'racks': {}}


def test_pipe_bandwidth_against_host_nic():
    dc = fx.make_dc({'z': {'a': 3}}, nic_mbps=1000)
    res = {'a': fx.server(groups=['apart']), 'b': fx.server(groups=['apart']),
           'p': fx.pipe('a', 'b', 1500)}
    reason = fail(dc, res, {'apart': {'type': 'diversity', 'level': 'host'}})
    # The peer's host is taken by diversity, every other by its NIC.
    assert reason['eliminated'] == {'bandwidth': 2, 'diversity': 1}


def test_pipe_bandwidth_against_rack_uplink():
    dc = fx.make_dc({'z': {'a': 2, 'b': 2}}, nic_mbps=10000,
                    uplink_mbps=500)
    res = {'a': fx.server(groups=['apart']), 'b': fx.server(groups=['apart']),
           'p': fx.pipe('a', 'b', 800)}
    groups = {'apart': {'type': 'diversity', 'level': 'rack'}}
    reason = fail(dc, res, groups)
    assert reason['eliminated'] == {'bandwidth': 2, 'diversity': 2}
    res['p'] = fx.pipe('a', 'b', 400)
    _, result = decide(dc, res, groups)
    assert result.bandwidth['racks'] == {'a': 400, 'b': 400}


def test_pipe_between_server_and_volume_uses_uplink_when_racks_differ():
    dc = fx.make_dc({'z': {'a': 2, 'b': 2}}, nic_mbps=10000,
                    uplink_mbps=40000,
                    pools=[('pa', 'z', 'a', 100), ('pb', 'z', 'b', 1000)])
    res = {'s': fx.server(zone='z:ah01'), 'v': fx.volume(500),
           'at': fx.attach('s', 'v'), 'p': fx.pipe('s', 'v', 300)}
    _, result = decide(dc, res)
    assert result.placements['v'].location == 'pb'
    assert result.bandwidth == {'hosts': {'ah01': 300},
                                'racks': {'a': 300, 'b': 300}}
    assert result.stats['pipe_cost'] == 600


def test_pipe_cost_and_bandwidth_count_each_pipe_once():
    dc = fx.make_dc({'z': {'a': 4}}, vcpus=4, nic_mbps=10000)
    res = fx.servers('s', 6, flavor='m1.medium')
    for i in range(1, 6):
        res['p%d' % i] = fx.pipe('s-%d' % i, 's-%d' % (i + 1), 100)
    _, result = decide(dc, res)
    hosts = result.hosts()
    hops = sum(1 for i in range(1, 6)
               if hosts['s-%d' % i] != hosts['s-%d' % (i + 1)])
    # Two per host at most: a chain of six needs at least two hops.
    assert 2 <= hops <= 3
    assert result.stats['pipe_cost'] == 100 * hops
    assert sum(result.bandwidth['hosts'].values()) == 2 * 100 * hops


# -- zones, extra specs, candidates -----------------------------------------

def test_availability_zone_of_every_server():
    dc = fx.make_dc(TWO_ZONES)
    _, result = decide(dc, {'a': fx.server(zone='z1'),
                            'b': fx.server(zone='z2'),
                            'c': fx.server(zone='z2')})
    assert spots(result, ['a', 'b', 'c'], 'zone') == ['z1', 'z2', 'z2']


@pytest.mark.parametrize('value,requirement,ok', [
    ('true', 'true', True), ('false', 'true', False),
    ('8', '= 4', True), ('2', '= 4', False), ('4', '== 4', True),
    ('5', '!= 4', True), ('4', '>= 4', True), ('3', '<= 2', False),
    ('abc', 's== abc', True), ('abc', 's!= abc', False),
    ('b', 's> a', True), ('b', 's>= c', False), ('a', 's< b', True),
    ('a', 's<= a', True), ('ssd,nvme', '<in> nvme', True),
    ('ssd', '<or> hdd <or> ssd', True), ('x y z', '<all-in> x z', True),
    ('x y', '<all-in> x q', False),
])
def test_extra_spec_operators(value, requirement, ok):
    assert extra_specs.match(value, requirement) is ok


def test_extra_specs_pick_matching_aggregate_hosts():
    dc = fx.make_dc({'z': {'a': 2, 'b': 2}}, host_overrides={
        'bh01': {'metadata': {'cpu': 'fast', 'gen': '5'}},
        'bh02': {'metadata': {'cpu': 'fast', 'gen': '3'}}})
    flavor = {'vcpus': 1, 'ram': 64, 'disk': 1, 'extra_specs': {
        'aggregate_instance_extra_specs:cpu': 'fast', 'gen': '>= 4',
        'hw:cpu_policy': 'dedicated'}}
    _, result = decide(dc, {'s': fx.server(flavor)})
    assert result.placements['s'].location == 'bh01'


def test_candidate_hosts_passed_by_nova():
    dc = fx.make_dc(TWO_ZONES)
    _, result = decide(dc, fx.servers('s', 2, groups=['d']),
                       {'d': {'type': 'diversity', 'level': 'host'}},
                       candidate_hosts=['bh02', 'dh01', 'dh02'])
    assert set(spots(result, ['s-1', 's-2'], 'host')) <= {'bh02', 'dh01',
                                                          'dh02'}


# -- membership -----------------------------------------------------------

def test_group_with_members_is_only_for_those_projects():
    dc = fx.make_dc(TWO_ZONES)
    known = {'private': {'name': 'private', 'type': 'diversity',
                         'level': 'host', 'members': ['p1']}}
    res = fx.servers('s', 2, groups=['private'])
    fx.plan(dc, res, known=known, project_id='p1')
    with pytest.raises(exception.InvalidGroup) as info:
        fx.plan(dc, res, known=known, project_id='p2')
    assert 'not a member' in str(info.value)


# -- replans ----------------------------------------------------------------

def test_replan_credits_released_members_and_keeps_fixed_ones():
    dc = fx.make_dc({'z': {'a': 2}}, vcpus=16)
    req, first = decide(dc, {'a': fx.server({'vcpus': 12, 'ram': 64,
                                             'disk': 1}),
                             'b': fx.server('m1.tiny'),
                             'p': fx.pipe('a', 'b', 100)})
    dc.apply(first)
    old = first.as_placements('st')
    bigger = fx.plan(dc, {'a': fx.server({'vcpus': 15, 'ram': 64,
                                          'disk': 1}),
                          'b': fx.server('m1.tiny'),
                          'p': fx.pipe('a', 'b', 100)})
    bigger.fixed = {'b': first.placements['b']}
    del bigger.servers['b']
    bigger.servers['a'].previous = first.placements['a'].location
    a_row = [p for p in old if p['orchestration_id'] == 'a']
    result = search.place(dc, bigger, released=a_row)
    # 15 + 1 vCPUs fit beside b only with the old 12 credited back.
    assert result.placements['a'].location == first.placements[
        'a'].location
    assert set(result.placements) == {'a'}


def test_excluded_hosts_of_a_migration():
    dc = fx.make_dc({'z': {'a': 3}})
    req = fx.plan(dc, {'s': fx.server()})
    req.servers['s'].excluded = frozenset({'ah01', 'ah02'})
    assert search.place(dc, req).placements['s'].location == 'ah03'
    req.servers['s'].excluded = frozenset({'ah01', 'ah02', 'ah03'})
    with pytest.raises(exception.PlacementFailed) as info:
        search.place(dc, req)
    assert info.value.reason['code'] == 'excluded_hosts_unsatisfiable'
