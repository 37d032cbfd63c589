"""HOT templates → plan requests, one per stack level."""
import json

import pytest

from valet.cli import template
from valet import exception
from valet.tests.functional import fixtures


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def test_three_tier_example_becomes_one_plan():
    levels = template.load_plans(fixtures.example('templates',
                                                  'three-tier.yaml'))
    assert [lvl.name for lvl in levels] == ['three-tier']
    res = levels[0].resources
    servers = [k for k, r in res.items() if r['type'] == 'OS::Nova::Server']
    assert len(servers) == 7
    # get_param resolved from the parameter default
    assert all(res[k]['properties']['image'] == 'cirros' for k in servers)


def test_nested_template_is_a_second_plan_after_its_parent():
    levels = template.load_plans(fixtures.example('templates',
                                                  'nested-parent.yaml'))
    assert len(levels) == 2
    assert levels[1].name.startswith(levels[0].name + '/')
    assert levels[0].stack_id != levels[1].stack_id
    # stable ids: loading twice gives the same stacks
    again = template.load_plans(fixtures.example('templates',
                                                 'nested-parent.yaml'))
    assert [lvl.stack_id for lvl in again] == [lvl.stack_id for lvl in levels]


def test_parameters_flow_into_nested_stacks(tmp_path):
    write(tmp_path, 'child.yaml', '''
heat_template_version: 2018-08-31
parameters:
  size: {type: string}
resources:
  s:
    type: OS::Nova::Server
    properties: {flavor: {get_param: size}}
''')
    parent = write(tmp_path, 'parent.yaml', '''
heat_template_version: 2018-08-31
parameters:
  flavor: {type: string, default: m1.small}
resources:
  kid:
    type: child.yaml
    properties: {size: {get_param: flavor}}
''')
    levels = template.load_plans(parent, {'flavor': 'm1.large'})
    assert levels[1].resources['s']['properties']['flavor'] == 'm1.large'


def test_resource_group_expands_members(tmp_path):
    path = write(tmp_path, 'rg.yaml', '''
heat_template_version: 2018-08-31
resources:
  workers:
    type: OS::Heat::ResourceGroup
    properties:
      count: 3
      resource_def:
        type: OS::Nova::Server
        properties: {name: worker-%index%, flavor: m1.tiny}
''')
    levels = template.load_plans(path)
    assert levels[0].resources == {}
    members = levels[1].resources
    assert sorted(m['name'] for m in members.values()) == [
        'worker-0', 'worker-1', 'worker-2']


def test_unresolvable_placement_property_names_the_field(tmp_path):
    path = write(tmp_path, 't.yaml', '''
heat_template_version: 2018-08-31
resources:
  s:
    type: OS::Nova::Server
    properties: {flavor: {get_attr: [other, flavor]}}
''')
    with pytest.raises(exception.InvalidTemplate) as err:
        template.load_plans(path)
    assert 'resources.s.properties.flavor' in str(err.value)
    assert path in str(err.value)


def test_unresolvable_other_property_is_dropped(tmp_path):
    path = write(tmp_path, 't.yaml', '''
heat_template_version: 2018-08-31
resources:
  s:
    type: OS::Nova::Server
    properties: {flavor: m1.tiny, user_data: {get_file: boot.sh}}
''')
    props = template.load_plans(path)[0].resources['s']['properties']
    assert props == {'flavor': 'm1.tiny'}


@pytest.mark.parametrize('text, field', [
    ('resources: {}', 'heat_template_version'),
    ('heat_template_version: 2018-08-31\nresources: [1]', 'resources'),
    ('heat_template_version: 2018-08-31\nresources:\n  a: {properties: {}}',
     'resources.a.type'),
    ('heat_template_version: 2018-08-31\nresources:\n  g:\n'
     '    type: OS::Heat::ResourceGroup\n    properties: {count: -1}',
     'resources.g.properties.count'),
    ('{bad', 'line 1'),
    ('- a list', 'top level'),
])
def test_malformed_templates_name_file_and_field(tmp_path, text, field):
    path = write(tmp_path, 'bad.yaml', text)
    with pytest.raises(exception.InvalidTemplate) as err:
        template.load_plans(path)
    assert field in str(err.value)
    assert path in str(err.value)


def test_undeclared_parameter_is_an_error(tmp_path):
    path = write(tmp_path, 't.yaml',
                 'heat_template_version: 2018-08-31\nresources: {}\n')
    with pytest.raises(exception.InvalidTemplate) as err:
        template.load_plans(path, {'nope': '1'})
    assert 'nope' in str(err.value)


def test_plan_json_is_taken_as_is(tmp_path):
    body = {'plan_name': 'p', 'stack_id': 'sid',
            'resources': {'a': {'type': 'OS::Nova::Server',
                                'properties': {'flavor': 'm1.tiny'}}}}
    path = write(tmp_path, 'plan.json', json.dumps(body))
    (level,) = template.load_plans(path)
    assert (level.name, level.stack_id, level.resources) == (
        'p', 'sid', body['resources'])
