"""Stack level → plan resources, on stand-ins for Heat's objects."""
from valet.plugins.heat import plan


class Resource:
    def __init__(self, name, kind, props, uuid=None, resource_id=None):
        self.name, self._kind, self.properties = name, kind, props
        self.uuid, self.resource_id = uuid, resource_id

    def type(self):
        return self._kind


class Stack:
    def __init__(self, resources, id='s-1', name='top', root='s-1',
                 path=((None, 'top'),)):
        self.resources = {r.name: r for r in resources}
        self.id, self.name, self._root, self._path = id, name, root, path

    def root_stack_id(self):
        return self._root

    def path_in_stack(self):
        return list(self._path)


def stack():
    return Stack([
        Resource('grp', 'OS::Valet::Group',
                 {'name': 'web', 'type': 'diversity', 'level': 'host'},
                 'u-grp'),
        Resource('web-1', 'OS::Nova::Server',
                 {'flavor': 'm1.small', 'metadata': {'role': 'web'}},
                 'u-web1'),
        Resource('web-2', 'OS::Nova::Server', {'flavor': 'm1.small'},
                 'u-web2'),
        Resource('vol', 'OS::Cinder::Volume', {'size': 10}, 'u-vol'),
        Resource('att', 'OS::Cinder::VolumeAttachment',
                 {'instance_uuid': 'web-1', 'volume_id': 'vol'}, 'u-att'),
        Resource('assign', 'ATT::Valet::GroupAssignment',
                 {'group': 'grp', 'resources': ['web-1', 'web-2']}, 'u-as'),
        Resource('pipe', 'OS::Valet::Pipe',
                 {'source': 'web-1', 'target': 'vol', 'bandwidth': 100},
                 'u-pipe'),
        Resource('net', 'OS::Neutron::Net', {}, 'u-net'),
    ])


def test_members_are_keyed_by_heat_uuid_and_references_translated():
    resources = plan.plan_resources(stack())
    assert set(resources) == {'u-grp', 'u-web1', 'u-web2', 'u-vol', 'u-att',
                              'u-as', 'u-pipe'}
    assert resources['u-as']['type'] == 'OS::Valet::GroupAssignment'
    assert resources['u-as']['properties'] == {
        'group': 'u-grp', 'resources': ['u-web1', 'u-web2']}
    assert resources['u-att']['properties'] == {
        'instance_uuid': 'u-web1', 'volume_id': 'u-vol'}
    assert resources['u-pipe']['properties'] == {
        'source': 'u-web1', 'target': 'u-vol', 'bandwidth_mbps': 100}


def test_heat_hints_become_metadata():
    web = plan.plan_resources(stack())['u-web1']
    expected = {'heat_root_stack_id': 's-1', 'heat_stack_id': 's-1',
                'heat_stack_name': 'top', 'heat_path_in_stack': ['top'],
                'heat_resource_name': 'web-1', 'heat_resource_uuid': 'u-web1'}
    assert web['metadata'] == expected
    assert web['properties']['metadata'] == dict(expected, role='web')
    assert plan.plan_resources(stack())['u-vol']['metadata'][
        'heat_resource_name'] == 'vol'


def test_update_keeps_keys_and_keys_new_members_by_path():
    old = stack()
    old.resources['web-1'].resource_id = 'nova-1'
    new = Stack([
        Resource('web-1', 'OS::Nova::Server', {'flavor': 'm1.small'}),
        Resource('web-3', 'OS::Nova::Server', {'flavor': 'm1.small'}),
        Resource('pipe', 'OS::Valet::Pipe',
                 {'source': 'nova-1', 'target': 'web-3', 'bandwidth': 5}),
    ], path=((None, 'top'),))
    resources = plan.plan_resources(new, keys_from=old)
    assert set(resources) == {'u-web1', 'heat:s-1/web-3', 'u-pipe'}
    assert resources['u-pipe']['properties']['source'] == 'u-web1'
    assert resources['u-pipe']['properties']['target'] == 'heat:s-1/web-3'
    assert resources['heat:s-1/web-3']['metadata']['valet_key'] == (
        'heat:s-1/web-3')


def test_nested_stack_hints_carry_the_path():
    child = Stack([Resource('db', 'OS::Nova::Server', {'flavor': 'x'}, 'u')],
                  id='s-2', name='top-back-xyz', root='s-1',
                  path=((None, 'top'), ('back', 'top-back-xyz')))
    meta = plan.plan_resources(child)['u']['metadata']
    assert meta['heat_path_in_stack'] == ['top', 'back,top-back-xyz']
    assert meta['heat_root_stack_id'] == 's-1'


def test_unresolvable_properties_are_left_out():
    class Props(dict):
        def get(self, name, default=None):
            if name == 'flavor':
                raise ValueError('get_attr of a resource not created yet')
            return super().get(name, default)
    s = Stack([Resource('web', 'OS::Nova::Server',
                        Props(name='web', flavor='x'), 'u')])
    assert 'flavor' not in plan.plan_resources(s)['u']['properties']
