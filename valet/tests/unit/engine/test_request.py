"""Plan resources -> PlanRequest: every resource type and every error."""
import json

import pytest

from valet import exception
from valet.engine.model import inventory
from valet.engine.model import request

FLAVORS = {f.name: f for f in inventory.BUILTIN_FLAVORS}
FLAVORS['grouped'] = inventory.Flavor(
    'grouped', 2, 2048, 10, {'valet': '{"groups": ["known-aff"]}',
                             'aggregate_instance_extra_specs:ssd': 'true'})
KNOWN = {
    'known-div': {'name': 'known-div', 'type': 'diversity', 'level': 'host',
                  'members': []},
    'known-aff': {'name': 'known-aff', 'type': 'affinity', 'level': 'rack',
                  'members': []},
    'private': {'name': 'private', 'type': 'diversity', 'level': 'rack',
                'members': ['p1', 'p2']},
    'zone-ex': {'name': 'zone-ex', 'type': 'exclusivity', 'level': 'zone',
                'members': []},
}


def parse(resources, **kwargs):
    kwargs.setdefault('flavors', FLAVORS)
    kwargs.setdefault('known_groups', KNOWN)
    return request.parse_plan(resources, **kwargs)


def srv(flavor='m1.small', **props):
    return {'type': 'OS::Nova::Server', 'properties': dict(props,
                                                           flavor=flavor)}


def test_server_flavor_name_and_dict_zone_and_metadata():
    req = parse({
        'web-1': srv('m1.medium', availability_zone='az1', name='web one',
                     metadata={'valet': {'groups': ['known-div']},
                               'role': 'web'}),
        'web-2': srv({'vcpus': 3, 'ram': 1000, 'disk': 0},
                     availability_zone='az2:host7'),
    }, plan_name='p', stack_id='s', project_id='p1')
    one, two = req.servers['web-1'], req.servers['web-2']
    assert (one.name, one.flavor, one.vcpus, one.memory_mb, one.disk_gb,
            one.zone, one.host) == ('web one', 'm1.medium', 2, 4096, 40,
                                    'az1', None)
    assert one.groups == ['known-div'] and one.metadata == {'role': 'web'}
    assert (two.flavor, two.vcpus, two.memory_mb, two.disk_gb, two.zone,
            two.host) == (None, 3, 1000, 0, 'az2', 'host7')
    assert (req.plan_name, req.stack_id, req.project_id) == ('p', 's', 'p1')
    assert req.groups['known-div'].servers == ['web-1']
    assert req.new_groups == []


def test_metadata_valet_as_json_string_and_flavor_extra_spec_and_hints():
    req = parse({
        'a': srv(metadata={'valet': json.dumps({'groups': ['known-div']})}),
        'b': srv('grouped'),
        'c': srv(scheduler_hints={'valet': {'groups': 'known-div, known-aff'}}),
    })
    assert req.servers['a'].groups == ['known-div']
    assert req.servers['b'].groups == ['known-aff']
    assert req.servers['b'].extra_specs == {
        'aggregate_instance_extra_specs:ssd': 'true'}
    assert req.servers['c'].groups == ['known-aff', 'known-div']


def test_volume_and_attachment():
    req = parse({
        'db': srv(),
        'vol': {'type': 'OS::Cinder::Volume',
                'properties': {'size': 100, 'volume_type': 'ssd',
                               'availability_zone': 'az1'}},
        'att': {'type': 'OS::Cinder::VolumeAttachment',
                'properties': {'instance_uuid': {'get_resource': 'db'},
                               'volume_id': 'vol'}},
    })
    vol = req.volumes['vol']
    assert (vol.size_gb, vol.volume_type, vol.zone, vol.server) == (
        100, 'ssd', 'az1', 'db')
    assert req.servers['db'].volumes == ['vol']


def test_group_resource_and_assignment_define_new_groups():
    req = parse({
        'g': {'type': 'OS::Valet::Group',
              'properties': {'name': 'tier', 'type': 'affinity',
                             'level': 'rack', 'description': 'd'}},
        'a': srv(), 'b': srv(), 'c': srv(metadata={'valet': {
            'groups': ['g']}}),              # a group resource key works too
        'assign': {'type': 'OS::Valet::GroupAssignment',
                   'properties': {'group': {'get_resource': 'g'},
                                  'resources': ['a', {'get_resource': 'b'}]}},
        'legacy': {'type': 'ATT::Valet::GroupAssignment',
                   'properties': {'group_name': 'old', 'group_type':
                                  'diversity', 'level': 'host',
                                  'resources': ['a', 'c']}},
        'net': {'type': 'OS::Neutron::Net', 'properties': {}},
    }, groups={'caller': {'type': 'exclusivity', 'level': 'host'}})
    tier = req.groups['tier']
    assert (tier.type, tier.level, tier.description, tier.new) == (
        'affinity', 'rack', 'd', True)
    assert tier.servers == ['a', 'b', 'c']
    assert req.groups['old'].servers == ['a', 'c']
    assert req.servers['a'].groups == ['old', 'tier']
    assert sorted(g.name for g in req.new_groups) == ['caller', 'old', 'tier']


def test_redefining_a_known_group_identically_is_not_new():
    req = parse({'g': {'type': 'OS::Valet::Group',
                       'properties': {'name': 'known-div',
                                      'type': 'diversity',
                                      'level': 'host'}}})
    assert req.new_groups == []


def test_explicit_nesting_propagates_membership():
    req = parse({
        'outer': {'type': 'OS::Valet::Group', 'properties': {
            'name': 'outer', 'type': 'affinity', 'level': 'zone'}},
        'inner': {'type': 'OS::Valet::Group', 'properties': {
            'name': 'inner', 'type': 'diversity', 'level': 'host'}},
        'x': srv(), 'y': srv(),
        'a1': {'type': 'OS::Valet::GroupAssignment', 'properties': {
            'group': 'inner', 'resources': ['x', 'y']}},
        'a2': {'type': 'OS::Valet::GroupAssignment', 'properties': {
            'group': 'outer', 'resources': ['a1']}},
    })
    assert req.servers['x'].groups == ['inner', 'outer']
    assert req.groups['outer'].children == ['inner']


def test_group_with_members_is_usable_by_members_only():
    ok = parse({'a': srv(metadata={'valet': {'groups': ['private']}})},
               project_id='p2')
    assert ok.servers['a'].groups == ['private']
    with pytest.raises(exception.InvalidGroup) as info:
        parse({'a': srv(metadata={'valet': {'groups': ['private']}})},
              project_id='p3')
    assert 'resources.a.properties.metadata.valet.groups' in str(info.value)
    assert 'not a member' in str(info.value)


def test_a_plan_cannot_widen_the_members_of_a_known_group():
    resources = {
        'g': {'type': 'OS::Valet::Group', 'properties': {
            'name': 'private', 'type': 'diversity', 'level': 'rack',
            'members': ['p3']}},
        'a': srv(metadata={'valet': {'groups': ['private']}})}
    with pytest.raises(exception.InvalidGroup):
        parse(resources, project_id='p3')


def _group(name, kind, level, **extra):
    return {'type': 'OS::Valet::Group',
            'properties': dict(extra, name=name, type=kind, level=level)}


def _assign(group, resources):
    return {'type': 'OS::Valet::GroupAssignment',
            'properties': {'group': group, 'resources': resources}}


ERRORS = [
    ({'web-1': srv('m1.foo')}, exception.InvalidPlan,
     "resources.web-1.properties.flavor: unknown flavor 'm1.foo'"),
    ({'web-1': srv(None)}, exception.InvalidPlan,
     'resources.web-1.properties.flavor: a flavor name or'),
    ({'web-1': srv({'vcpus': 0, 'ram': 1, 'disk': 1})}, exception.InvalidPlan,
     'resources.web-1.properties.flavor.vcpus: 0 is not a positive integer'),
    ({'web-1': srv({'vcpus': 1, 'disk': 1})}, exception.InvalidPlan,
     'resources.web-1.properties.flavor.ram: required'),
    ({'web-1': srv(metadata={'valet': {'groups': ['nope']}})},
     exception.InvalidPlan,
     "resources.web-1.properties.metadata.valet.groups: unknown group 'nope'"),
    ({'web-1': srv(metadata={'valet': '{not json'})}, exception.InvalidPlan,
     'resources.web-1.properties.metadata.valet: not valid JSON'),
    ({'web-1': srv(metadata={'valet': {'groups': [1]}})},
     exception.InvalidPlan,
     'resources.web-1.properties.metadata.valet.groups: must be a list'),
    ({'web-1': srv(metadata=['x'])}, exception.InvalidPlan,
     'resources.web-1.properties.metadata: must be a mapping'),
    ({'x': {'properties': {}}}, exception.InvalidPlan,
     'resources.x.type: required'),
    ({'x': 'server'}, exception.InvalidPlan, 'resources.x: must be a mapping'),
    ({'p': {'type': 'OS::Valet::Pipe', 'properties': {
        'source': 'a', 'target': 'b', 'bandwidth_mbps': 5}}},
     exception.NotSupported,
     "resources.p.properties.source: 'a' is not a resource of this plan"),
    ({'a': srv(), 'p': {'type': 'OS::Valet::Pipe', 'properties': {
        'source': 'a', 'target': 'a', 'bandwidth_mbps': 5}}},
     exception.InvalidPlan,
     'resources.p.properties.target: a pipe joins two different members'),
    ({'a': srv(), 'b': srv(), 'p': {'type': 'OS::Valet::Pipe', 'properties': {
        'source': 'a', 'target': 'b', 'bandwidth_mbps': 0}}},
     exception.InvalidPlan,
     'resources.p.properties.bandwidth_mbps: 0 is not a positive integer'),
    ({'a': srv(), 'b': srv(), 'p': {'type': 'OS::Valet::Pipe', 'properties': {
        'source': 'a', 'target': 'b'}}},
     exception.InvalidPlan, 'resources.p.properties.bandwidth_mbps: required'),
    ({'a': srv(), 'g': _group('g', 'affinity', 'host'),
      'p': {'type': 'OS::Valet::Pipe', 'properties': {
          'source': 'a', 'target': 'g', 'bandwidth_mbps': 5}}},
     exception.InvalidPlan,
     "resources.p.properties.target: 'g' is a OS::Valet::Group, not a "
     'OS::Nova::Server or OS::Cinder::Volume'),
    ({'p': {'type': 'OS::Valet::Tunnel'}}, exception.NotSupported,
     'resources.p.type: unknown Valet resource type OS::Valet::Tunnel'),
    ({'v': {'type': 'OS::Cinder::Volume', 'properties': {}}},
     exception.InvalidPlan, 'resources.v.properties.size: required'),
    ({'v': {'type': 'OS::Cinder::Volume', 'properties': {'size': -1}}},
     exception.InvalidPlan,
     'resources.v.properties.size: -1 is not a positive integer'),
    ({'s': srv(), 'at': {'type': 'OS::Cinder::VolumeAttachment',
                         'properties': {'instance_uuid': 's',
                                        'volume_id': 'elsewhere'}}},
     exception.NotSupported,
     "resources.at.properties.volume_id: 'elsewhere' is not a resource of "
     'this plan'),
    ({'s': srv(), 't': srv(), 'at': {
        'type': 'OS::Cinder::VolumeAttachment',
        'properties': {'instance_uuid': 's', 'volume_id': 't'}}},
     exception.InvalidPlan,
     "resources.at.properties.volume_id: 't' is a OS::Nova::Server, not a "
     'OS::Cinder::Volume'),
    ({'s': srv(), 't': srv(),
      'v': {'type': 'OS::Cinder::Volume', 'properties': {'size': 1}},
      'a1': {'type': 'OS::Cinder::VolumeAttachment',
             'properties': {'instance_uuid': 's', 'volume_id': 'v'}},
      'a2': {'type': 'OS::Cinder::VolumeAttachment',
             'properties': {'instance_uuid': 't', 'volume_id': 'v'}}},
     exception.NotSupported,
     "resources.a2.properties.volume_id: volume 'v' is already attached to "
     "'s'; multi-attach is not supported yet"),
    ({'g': _group('known-div', 'affinity', 'host')}, exception.InvalidGroup,
     "resources.g.properties: group 'known-div' already exists as diversity "
     'at host level, not affinity at host level'),
    ({'g': _group('x', 'togetherness', 'host')}, exception.InvalidGroup,
     "resources.g.properties.type: 'togetherness' is not one of"),
    ({'g': _group('x', 'affinity', 'datacenter')}, exception.InvalidGroup,
     "resources.g.properties.level: 'datacenter' is not one of"),
    ({'g': {'type': 'OS::Valet::Group', 'properties': {'name': 'x',
                                                       'type': 'affinity'}}},
     exception.InvalidPlan, 'resources.g.properties.level: required'),
    ({'g': _group('x', 'affinity', 'host'), 'h': _group('x', 'diversity',
                                                        'host')},
     exception.InvalidGroup,
     "resources.h.properties: group 'x' is also defined at "
     'resources.g.properties as affinity at host level'),
    ({'s': srv(), 'a': _assign('nope', ['s'])}, exception.InvalidPlan,
     "resources.a.properties.group: unknown group 'nope'"),
    ({'s': srv(), 'a': _assign(None, ['s'])}, exception.InvalidPlan,
     'resources.a.properties.group: required'),
    ({'s': srv(), 'a': _assign('known-div', [])}, exception.InvalidPlan,
     'resources.a.properties.resources: must be a non-empty list'),
    ({'s': srv(), 'a': _assign('known-div', ['ghost'])},
     exception.InvalidPlan,
     "resources.a.properties.resources[0]: unknown resource 'ghost'"),
    ({'v': {'type': 'OS::Cinder::Volume', 'properties': {'size': 1}},
      'a': _assign('known-div', ['v'])}, exception.NotSupported,
     "resources.a.properties.resources[0]: volume 'v': volumes in groups are "
     'not supported yet'),
    ({'n': {'type': 'OS::Neutron::Port'}, 'a': _assign('known-div', ['n'])},
     exception.InvalidPlan,
     "resources.a.properties.resources[0]: unknown resource 'n'"),
    ({'in': _group('in', 'affinity', 'zone'),
      'out': _group('out', 'affinity', 'rack'),
      's': srv(), 'a1': _assign('in', ['s']), 'a2': _assign('out', ['a1'])},
     exception.InvalidPlan,
     "resources.a2.properties.resources[0]: affinity group 'in' (level zone) "
     "cannot be nested in affinity group 'out' (level rack)"),
    ({'in': _group('in', 'exclusivity', 'host'),
      'out': _group('out', 'diversity', 'rack'),
      's': srv(), 'a1': _assign('in', ['s']), 'a2': _assign('out', ['a1'])},
     exception.InvalidPlan,
     'resources.a2.properties.resources[0]: diversity and exclusivity groups '
     'may not contain each other'),
    ({'in': _group('in', 'affinity', 'host'),
      'out': _group('out', 'diversity', 'rack'),
      's': srv(), 'a1': _assign('in', ['s']), 'a2': _assign('out', ['a1'])},
     exception.NotSupported,
     "resources.a2.properties.resources[0]: affinity group 'in' in "
     "diversity group 'out': diversity between nested groups is not "
     'supported yet'),
    ({'in': _group('in', 'diversity', 'host'),
      'out': _group('out', 'diversity', 'rack'),
      's': srv(), 'a1': _assign('in', ['s']), 'a2': _assign('out', ['a1'])},
     exception.InvalidPlan,
     'resources.a2.properties.resources[0]: diversity groups may not '
     "contain other diversity groups ('in' in 'out')"),
    ({'in': _group('in', 'exclusivity', 'host'),
      'out': _group('out', 'exclusivity', 'rack'),
      's': srv(), 'a1': _assign('in', ['s']), 'a2': _assign('out', ['a1'])},
     exception.InvalidPlan,
     'resources.a2.properties.resources[0]: exclusivity groups may not '
     "contain other exclusivity groups ('in' in 'out')"),
    ({'in': _group('in', 'affinity', 'rack'),
      'out': _group('out', 'exclusivity', 'host'),
      's': srv(), 'a1': _assign('in', ['s']), 'a2': _assign('out', ['a1'])},
     exception.InvalidPlan,
     "resources.a2.properties.resources[0]: affinity group 'in' (level rack) "
     "cannot be nested in exclusivity group 'out' (level host)"),
    ({'in': _group('in', 'diversity', 'zone'),
      'out': _group('out', 'affinity', 'rack'),
      's': srv(), 'a1': _assign('in', ['s']), 'a2': _assign('out', ['a1'])},
     exception.InvalidPlan,
     "resources.a2.properties.resources[0]: diversity group 'in' (level "
     "zone) cannot be nested in affinity group 'out' (level rack)"),
    ({'a': _group('a', 'affinity', 'zone'), 's': srv(),
      'x1': _assign('a', ['s', 'x2']), 'x2': _assign('a', ['x1'])},
     exception.InvalidPlan,
     "resources.x1.properties.resources[1]: group 'a' cannot contain itself"),
    ({'s': srv(), 'legacy': {'type': 'ATT::Valet::GroupAssignment',
                             'properties': {'group_name': 'g',
                                            'group_type': 'affinity',
                                            'resources': ['s']}}},
     exception.InvalidPlan, 'resources.legacy.properties.level: required'),
]


@pytest.mark.parametrize('resources,error,detail', ERRORS)
def test_errors_name_resource_and_field(resources, error, detail):
    with pytest.raises(error) as info:
        parse(resources)
    assert type(info.value) is error
    assert info.value.kwargs['detail'].startswith(detail), (
        info.value.kwargs['detail'])


def test_caller_group_errors_name_the_group():
    with pytest.raises(exception.InvalidGroup) as info:
        parse({}, groups={'g': {'type': 'affinity', 'level': 'planet'}})
    assert info.value.kwargs['detail'].startswith('groups.g.level:')


def test_resources_must_be_a_mapping():
    with pytest.raises(exception.InvalidPlan):
        parse(['web-1'])


def test_nesting_cycle_is_rejected():
    resources = {
        'a': _group('a', 'affinity', 'zone'),
        'b': _group('b', 'affinity', 'zone'),
        's': srv(),
        'x': _assign('a', ['s', 'y']),
        'y': _assign('b', ['x']),
    }
    with pytest.raises(exception.InvalidPlan) as info:
        parse(resources)
    assert 'cycle' in str(info.value)
