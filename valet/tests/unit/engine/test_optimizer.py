"""Ostro scenarios: assert the relations on the hosts it returns."""
import os

import pytest

from valet import exception
from valet.engine.model import loader
from valet.engine.optimizer import search
from valet.tests.unit.engine import fixtures as fx

TWO_ZONES = {'z1': {'a': 3, 'b': 3}, 'z2': {'c': 3, 'd': 3}}


def decide(dc, resources, groups=None, known=None, seed=0):
    req = fx.plan(dc, resources, groups=groups, known=known)
    before = fx.snapshot(dc)
    result = search.place(dc, req, seed=seed)
    assert fx.snapshot(dc) == before, 'place() changed the datacenter'
    fx.check_decision(dc, req, result)
    return req, result


def units(result, keys, attr):
    return [getattr(result.placements[k], attr) for k in keys]


@pytest.mark.parametrize('level,attr', [
    ('host', 'location'), ('rack', 'rack'), ('zone', 'zone')])
def test_affinity_same_unit(level, attr):
    dc = fx.make_dc(TWO_ZONES)
    resources = fx.servers('s', 4, flavor='m1.medium', groups=['g'])
    _, result = decide(dc, resources, {'g': {'type': 'affinity',
                                             'level': level}})
    assert len(set(units(result, resources, attr))) == 1


@pytest.mark.parametrize('level,attr,count', [
    ('host', 'location', 12), ('rack', 'rack', 4), ('zone', 'zone', 2)])
def test_diversity_pairwise_different(level, attr, count):
    dc = fx.make_dc(TWO_ZONES)
    resources = fx.servers('s', count, flavor='m1.small', groups=['g'])
    _, result = decide(dc, resources, {'g': {'type': 'diversity',
                                             'level': level}})
    found = units(result, resources, attr)
    assert len(set(found)) == len(found) == count


@pytest.mark.parametrize('level', ['host', 'rack'])
def test_exclusivity_keeps_outsiders_away(level):
    # Existing servers on some hosts: exclusive members must avoid them.
    dc = fx.make_dc({'z': {'a': 2, 'b': 2, 'c': 2}},
                    servers=[('ah01', 'm1.tiny'), ('bh02', 'm1.tiny')])
    resources = fx.servers('ex', 3, flavor='m1.small', groups=['e'])
    resources.update(fx.servers('other', 4, flavor='m1.small'))
    _, result = decide(dc, resources, {'e': {'type': 'exclusivity',
                                             'level': level}})
    attr = 'location' if level == 'host' else 'rack'
    exclusive = set(units(result, ['ex-1', 'ex-2', 'ex-3'], attr))
    others = set(units(result, ['other-%d' % i for i in range(1, 5)], attr))
    assert not exclusive & others
    assert 'ah01' not in {result.placements[k].location for k in
                          ('ex-1', 'ex-2', 'ex-3')}
    if level == 'rack':
        assert exclusive == {'c'}


def test_capacity_never_exceeded_and_consolidates():
    dc = fx.make_dc({'z': {'a': 4}}, vcpus=4, memory_mb=8192, disk_gb=100)
    resources = fx.servers('s', 7, flavor='m1.medium')     # 2 vCPU, 4 GB
    _, result = decide(dc, resources)
    hosts = [p.location for p in result.placements.values()]
    # Two per host at most; consolidation opens only the hosts it needs.
    assert max(hosts.count(h) for h in hosts) == 2
    assert len(set(hosts)) == 4


def test_availability_zone_and_forced_host():
    dc = fx.make_dc(TWO_ZONES)
    _, result = decide(dc, {
        'a': fx.server(zone='z2'), 'b': fx.server(zone='z1:bh02'),
        'c': fx.server(zone='z2')})
    assert result.placements['a'].zone == 'z2'
    assert result.placements['b'].location == 'bh02'


def test_flavor_extra_specs_match_aggregate_metadata():
    dc = fx.small_dc()
    _, result = decide(dc, {'fast-%d' % i: fx.server('ssd.large')
                            for i in range(3)})
    assert {p.rack for p in result.placements.values()} == {'r03'}


def test_rack_affinity_backtracks_to_a_rack_that_fits():
    # Rack a is in use (preferred by consolidation) but cannot hold the pair.
    # Its hosts have 16 vCPUs free in total, but no host has 8.
    dc = fx.make_dc({'z': {'a': 4, 'b': 2}}, vcpus=8,
                    servers=[('ah0%d' % i, 'm1.large') for i in range(1, 5)])
    resources = fx.servers('s', 2, flavor='m1.xlarge', groups=['pair'])
    _, result = decide(dc, resources, {'pair': {'type': 'affinity',
                                                'level': 'rack'}})
    assert set(units(result, resources, 'rack')) == {'b'}
    assert result.stats['backtracks'] >= 1


def test_zone_affinity_tries_the_next_zone():
    # z1 has room in total but no host for the xlarge member.
    dc = fx.make_dc({'z1': {'a': 3}, 'z2': {'b': 2}}, vcpus=8,
                    servers=[('ah0%d' % i, 'm1.large') for i in range(1, 4)])
    resources = fx.servers('s', 1, flavor='m1.xlarge', groups=['g'])
    resources.update(fx.servers('t', 2, flavor='m1.small', groups=['g']))
    # Two rack-level units (s-1 and t-*) bound only at zone level.
    resources['t-1']['properties']['metadata']['valet']['groups'].append('r')
    resources['t-2']['properties']['metadata']['valet']['groups'].append('r')
    _, result = decide(dc, resources, {
        'g': {'type': 'affinity', 'level': 'zone'},
        'r': {'type': 'affinity', 'level': 'rack'}})
    assert set(units(result, resources, 'zone')) == {'z2'}
    assert result.stats['backtracks'] >= 1


def test_restart_puts_the_failed_unit_first():
    # The big server would take the only ssd host (in use, tightest fit);
    # the ssd-only server then fails, and a restart places it first.
    dc = fx.make_dc({'z': {'a': 2}}, vcpus=4,
                    host_overrides={'ah01': {'metadata': {'ssd': 'true'}}},
                    servers=[('ah01', 'm1.tiny')])
    dc.flavors['ssd'] = type(dc.flavors['m1.small'])(
        'ssd', 2, 1024, 10, {'aggregate_instance_extra_specs:ssd': 'true'})
    _, result = decide(dc, {'big': fx.server({'vcpus': 3, 'ram': 1024,
                                              'disk': 10}),
                            'fast': fx.server('ssd')})
    assert result.placements['fast'].location == 'ah01'
    assert result.placements['big'].location == 'ah02'
    assert result.stats['restarts'] == 1


def test_volume_follows_its_server_rack_and_zone():
    dc = fx.make_dc(TWO_ZONES, pools=[('pa', 'z1', 'a', 1000),
                                      ('pc', 'z2', 'c', 1000),
                                      ('pd', 'z2', 'd', 1000)])
    _, result = decide(dc, {
        'db': fx.server('m1.large', zone='z2'),
        'vol': {'type': 'OS::Cinder::Volume', 'properties': {'size': 500}},
        'att': {'type': 'OS::Cinder::VolumeAttachment',
                'properties': {'instance_uuid': 'db', 'volume_id': 'vol'}}})
    server, volume = result.placements['db'], result.placements['vol']
    assert volume.kind == 'volume' and volume.zone == server.zone == 'z2'
    assert volume.rack == server.rack


def test_server_goes_where_its_volume_fits():
    dc = fx.make_dc(TWO_ZONES, pools=[('pa', 'z1', 'a', 100),
                                      ('pc', 'z2', 'c', 1000)])
    _, result = decide(dc, {
        'db': fx.server('m1.large'),
        'vol': {'type': 'OS::Cinder::Volume', 'properties': {'size': 500}},
        'att': {'type': 'OS::Cinder::VolumeAttachment',
                'properties': {'instance_uuid': 'db', 'volume_id': 'vol'}}})
    assert result.placements['db'].zone == 'z2'
    assert result.placements['vol'].location == 'pc'


@pytest.mark.parametrize('kind,level', [
    ('diversity', 'host'), ('diversity', 'rack'), ('affinity', 'host'),
    ('affinity', 'rack'), ('exclusivity', 'host'), ('exclusivity', 'rack')])
def test_global_groups_across_two_plans(kind, level):
    dc = fx.make_dc({'z': {'a': 3, 'b': 3, 'c': 3}})
    groups = {'g': {'type': kind, 'level': level}}
    first = fx.servers('one', 2 if kind != 'diversity' or level == 'host'
                       else 1, groups=['g'])
    first['outsider-1'] = fx.server()
    _, result1 = decide(dc, first, groups)
    dc.apply(result1)
    known = {'g': dict(groups['g'], name='g', members=[])}
    second = fx.servers('two', 2, groups=['g'])
    second['outsider-2'] = fx.server()
    # The checker compares the second plan with the first's occupancy.
    _, result2 = decide(dc, second, known=known)
    attr = {'host': 'location', 'rack': 'rack'}[level]
    old = {getattr(p, attr) for k, p in result1.placements.items()
           if 'g' in p.groups}
    new = {getattr(p, attr) for k, p in result2.placements.items()
           if 'g' in p.groups}
    if kind == 'affinity':
        assert old == new and len(new) == 1
    elif kind == 'diversity':
        assert not old & new
    else:
        assert getattr(result2.placements['outsider-2'], attr) not in (
            old | new)


def test_exclusivity_of_a_group_the_plan_does_not_name():
    # The model knows 'e' owns host ah01; an unrelated plan avoids it.
    dc = fx.make_dc({'z': {'a': 2}}, placements=[
        {'kind': 'server', 'location': 'ah01', 'vcpus': 1, 'groups': ['e']}],
        groups={'e': {'type': 'exclusivity', 'level': 'host'}})
    _, result = decide(dc, fx.servers('s', 3))
    assert {p.location for p in result.placements.values()} == {'ah02'}


def test_known_exclusivity_groups_hold_without_model_definitions():
    # The model was built without group types; the DB's groups (passed to
    # parse_plan) still keep outsiders off the exclusive host.
    dc = fx.make_dc({'z': {'a': 2}}, placements=[
        {'kind': 'server', 'location': 'ah01', 'vcpus': 1, 'groups': ['e']}])
    known = {'e': {'name': 'e', 'type': 'exclusivity', 'level': 'host',
                   'members': []}}
    req, result = decide(dc, fx.servers('s', 3), known=known)
    assert req.known_exclusive == {'e': 'host'}
    assert {p.location for p in result.placements.values()} == {'ah02'}


def test_nested_templates_share_a_global_group():
    dc = fx.small_dc()
    parent = fx.hot_to_resources(_template('nested-parent.yaml'))
    req1, result1 = decide(dc, parent)
    assert [g.name for g in req1.new_groups] == ['nested-spread']
    dc.apply(result1)
    known = {'nested-spread': {'name': 'nested-spread', 'type': 'diversity',
                               'level': 'host', 'members': []}}
    child = fx.hot_to_resources(_template('nested-child.yaml'))
    req2, result2 = decide(dc, child, known=known)
    assert req2.new_groups == []
    hosts = [p.location for p in list(result1.placements.values())
             + list(result2.placements.values())]
    assert len(hosts) == len(set(hosts)) == 4


def _template(name):
    return os.path.join(str(loader.examples_dir()), 'templates', name)


@pytest.mark.parametrize('name', ['three-tier.yaml', 'rack-affinity.yaml',
                                  'with-volume.yaml'])
def test_example_templates_place_on_the_small_datacenter(name):
    dc = fx.small_dc()
    _, result = decide(dc, fx.hot_to_resources(_template(name)))
    if name == 'three-tier.yaml':
        webs = units(result, ['web-1', 'web-2', 'web-3'], 'location')
        assert len(set(webs)) == 3
        assert len(set(units(result, ['db-1', 'db-2'], 'rack'))) == 2
    if name == 'rack-affinity.yaml':
        assert len(set(units(result, ['left', 'right'], 'rack'))) == 1
    if name == 'with-volume.yaml':
        assert result.placements['db-data'].rack == result.placements[
            'db'].rack


def test_deterministic_and_seeded():
    dc = fx.make_dc(TWO_ZONES)
    resources = fx.servers('s', 4, groups=['g'])
    resources.update(fx.servers('t', 5, flavor='m1.large'))
    groups = {'g': {'type': 'diversity', 'level': 'rack'}}
    runs = [decide(dc, resources, groups)[1].placements for _ in range(3)]
    assert runs[0] == runs[1] == runs[2]
    seeded = [decide(dc, resources, groups, seed=7)[1].placements
              for _ in range(2)]
    assert seeded[0] == seeded[1]


def _fail(dc, resources, groups=None, known=None):
    req = fx.plan(dc, resources, groups=groups, known=known)
    before = fx.snapshot(dc)
    with pytest.raises(exception.PlacementFailed) as info:
        search.place(dc, req)
    assert fx.snapshot(dc) == before
    reason = info.value.reason
    assert set(reason) >= {'code', 'group', 'type', 'level', 'member',
                           'eliminated', 'hosts_considered'}
    assert reason['member'] in info.value.message
    return reason


def test_diversity_unsatisfiable_explains_itself():
    dc = fx.make_dc({'z': {'a': 3, 'b': 2}})
    reason = _fail(dc, fx.servers('web', 6, groups=['web']),
                   {'web': {'type': 'diversity', 'level': 'host'}})
    assert reason['code'] == 'diversity_unsatisfiable'
    assert (reason['group'], reason['type'], reason['level']) == (
        'web', 'diversity', 'host')
    assert reason['member'].startswith('web-')
    assert reason['eliminated'] == {'diversity': 5}
    assert reason['hosts_considered'] == 5


def test_capacity_then_diversity_counts():
    # Two hosts are full; the other two take web-1 and web-2.
    dc = fx.make_dc({'z': {'a': 4}}, vcpus=2, servers=[
        ('ah01', 'm1.medium'), ('ah02', 'm1.medium')])
    reason = _fail(dc, fx.servers('web', 3, groups=['web']),
                   {'web': {'type': 'diversity', 'level': 'host'}})
    assert reason['code'] == 'diversity_unsatisfiable'
    assert reason['eliminated'] == {'capacity': 2, 'diversity': 2}
    assert reason['hosts_considered'] == 4


def test_capacity_failure():
    dc = fx.make_dc({'z': {'a': 2}}, vcpus=2)
    reason = _fail(dc, {'huge': fx.server('m1.xlarge')})
    assert reason['code'] == 'capacity'
    assert reason['group'] is None and reason['member'] == 'huge'
    assert reason['eliminated'] == {'capacity': 2}


def test_zone_unsatisfiable():
    dc = fx.make_dc(TWO_ZONES)
    reason = _fail(dc, {'x': fx.server(zone='mars')})
    assert reason['code'] == 'zone_unsatisfiable'
    assert reason['eliminated'] == {'zone': 12}


def test_host_affinity_too_big_for_any_host():
    dc = fx.make_dc({'z': {'a': 3}}, vcpus=4)
    reason = _fail(dc, fx.servers('s', 3, flavor='m1.medium', groups=['g']),
                   {'g': {'type': 'affinity', 'level': 'host'}})
    assert reason['code'] == 'affinity_unsatisfiable'
    assert (reason['group'], reason['level']) == ('g', 'host')
    assert reason['eliminated'] == {'capacity': 3}


def test_rack_affinity_too_big_for_any_rack():
    dc = fx.make_dc({'z': {'a': 2, 'b': 2}}, vcpus=8)
    reason = _fail(dc, fx.servers('s', 3, flavor='m1.xlarge', groups=['g']),
                   {'g': {'type': 'affinity', 'level': 'rack'}})
    assert reason['code'] == 'affinity_unsatisfiable'
    assert (reason['group'], reason['type'], reason['level']) == (
        'g', 'affinity', 'rack')
    assert reason['eliminated'] == {'affinity': 4}


def test_exclusivity_unsatisfiable():
    dc = fx.make_dc({'z': {'a': 2}}, servers=[('ah01', 'm1.tiny'),
                                              ('ah02', 'm1.tiny')])
    reason = _fail(dc, fx.servers('e', 1, groups=['e']),
                   {'e': {'type': 'exclusivity', 'level': 'host'}})
    assert reason['code'] == 'exclusivity_unsatisfiable'
    assert reason['group'] == 'e'
    assert reason['eliminated'] == {'exclusivity': 2}


def test_global_affinity_pins_to_a_full_host():
    dc = fx.make_dc({'z': {'a': 2}}, vcpus=2, placements=[
        {'kind': 'server', 'location': 'ah01', 'vcpus': 2, 'groups': ['g']}])
    known = {'g': {'name': 'g', 'type': 'affinity', 'level': 'host',
                   'members': []}}
    reason = _fail(dc, fx.servers('s', 1, groups=['g']), known=known)
    assert reason['code'] == 'affinity_unsatisfiable'
    assert reason['eliminated'] == {'capacity': 1, 'affinity': 1}


def test_volume_without_room_explains_pools():
    dc = fx.make_dc({'z': {'a': 2}}, pools=[('p', 'z', 'a', 10)])
    reason = _fail(dc, {
        's': fx.server(),
        'v': {'type': 'OS::Cinder::Volume', 'properties': {'size': 50}}})
    assert reason['code'] == 'capacity'
    assert reason['member'] == 'v'
    assert reason['eliminated'] == {'capacity': 1}


CONTRADICTIONS = [
    ({'g': {'type': 'affinity', 'level': 'host'},
      'd': {'type': 'diversity', 'level': 'rack'}},
     {'a': ['g', 'd'], 'b': ['g', 'd']}, 'diversity group'),
    ({'e1': {'type': 'exclusivity', 'level': 'host'},
      'e2': {'type': 'exclusivity', 'level': 'host'}},
     {'a': ['e1', 'e2']}, 'member of exclusivity groups'),
    ({'g': {'type': 'affinity', 'level': 'host'},
      'e': {'type': 'exclusivity', 'level': 'host'}},
     {'a': ['g', 'e'], 'b': ['g']}, 'not in its exclusivity group'),
]


@pytest.mark.parametrize('groups,members,message', CONTRADICTIONS)
def test_contradictory_plans_are_invalid(groups, members, message):
    dc = fx.make_dc(TWO_ZONES)
    resources = {key: fx.server(groups=names)
                 for key, names in members.items()}
    req = fx.plan(dc, resources, groups=groups)
    with pytest.raises(exception.InvalidPlan) as info:
        search.place(dc, req)
    assert message in str(info.value)


def test_affinity_across_two_requested_zones_is_invalid():
    dc = fx.make_dc(TWO_ZONES)
    req = fx.plan(dc, {'a': fx.server(groups=['g'], zone='z1'),
                       'b': fx.server(groups=['g'], zone='z2')},
                  groups={'g': {'type': 'affinity', 'level': 'rack'}})
    with pytest.raises(exception.InvalidPlan) as info:
        search.place(dc, req)
    assert 'availability zones z1, z2' in str(info.value)


def test_rack_affinity_with_host_diversity_is_fine():
    dc = fx.make_dc(TWO_ZONES)
    resources = fx.servers('s', 3, groups=['g', 'd'])
    _, result = decide(dc, resources, {
        'g': {'type': 'affinity', 'level': 'rack'},
        'd': {'type': 'diversity', 'level': 'host'}})
    assert len(set(units(result, resources, 'rack'))) == 1
    assert len(set(units(result, resources, 'location'))) == 3


def test_candidate_hosts_restrict_every_server():
    dc = fx.make_dc(TWO_ZONES)
    req = fx.plan(dc, fx.servers('s', 3))
    result = search.place(dc, req, candidate_hosts=['ch01', 'dh03'])
    assert {p.location for p in result.placements.values()} <= {'ch01',
                                                                'dh03'}
    with pytest.raises(exception.PlacementFailed) as info:
        search.place(dc, req, candidate_hosts=[])
    assert info.value.reason['code'] == 'candidates_unsatisfiable'
    assert info.value.reason['eliminated'] == {'candidates': 12}


def test_disabled_hosts_are_never_used():
    dc = fx.make_dc({'z': {'a': 2}}, state={'hosts': {'ah01': {
        'enabled': False}}})
    _, result = decide(dc, fx.servers('s', 2))
    assert {p.location for p in result.placements.values()} == {'ah02'}
    dc.hosts['ah02'].enabled = False
    reason = _fail(dc, fx.servers('s', 1))
    assert reason['code'] == 'no_enabled_host'


def test_volume_types_and_unattached_volumes():
    dc = fx.small_dc()
    _, result = decide(dc, {
        'fast': {'type': 'OS::Cinder::Volume',
                 'properties': {'size': 10, 'volume_type': 'ssd'}},
        'plain': {'type': 'OS::Cinder::Volume', 'properties': {
            'size': 10, 'availability_zone': 'nova'}}})
    assert result.placements['fast'].location == 'cinder@ssd#r03'
    assert result.placements['plain'].zone == 'nova'
    reason = _fail(dc, {'v': {'type': 'OS::Cinder::Volume', 'properties': {
        'size': 10, 'volume_type': 'ssd', 'availability_zone': 'elsewhere'}}})
    assert reason['code'] == 'zone_unsatisfiable'


def test_nested_groups_from_assignments_are_honoured():
    dc = fx.make_dc(TWO_ZONES)
    resources = fx.servers('s', 3)
    resources.update({
        'outer': {'type': 'OS::Valet::Group', 'properties': {
            'name': 'outer', 'type': 'affinity', 'level': 'rack'}},
        'inner': {'type': 'OS::Valet::Group', 'properties': {
            'name': 'inner', 'type': 'diversity', 'level': 'host'}},
        'a1': {'type': 'OS::Valet::GroupAssignment', 'properties': {
            'group': 'inner', 'resources': ['s-1', 's-2', 's-3']}},
        'a2': {'type': 'OS::Valet::GroupAssignment', 'properties': {
            'group': 'outer', 'resources': ['a1']}}})
    _, result = decide(dc, resources)
    assert len(set(units(result, ['s-1', 's-2', 's-3'], 'rack'))) == 1
    assert len(set(units(result, ['s-1', 's-2', 's-3'], 'location'))) == 3


def test_decision_round_trips_through_the_model():
    dc = fx.small_dc()
    _, result = decide(dc, fx.hot_to_resources(_template(
        'three-tier.yaml')))
    assert result.groups == {
        'three-tier-db': {'type': 'diversity', 'level': 'rack'},
        'three-tier-web': {'type': 'diversity', 'level': 'host'}}
    assert result.new_groups == ['three-tier-db', 'three-tier-web']
    before = fx.snapshot(dc)
    dc.apply(result)
    dc.release(result.as_placements('stack'))
    after = fx.snapshot(dc)
    assert after[:5] == before[:5]


def test_empty_plan_and_volume_only_plan():
    dc = fx.small_dc()
    assert search.place(dc, fx.plan(dc, {})).placements == {}
    _, result = decide(dc, {'v': {'type': 'OS::Cinder::Volume',
                                  'properties': {'size': 1}}})
    assert result.placements['v'].kind == 'volume'
