from valet.plugins import groups
from valet.plugins import hints


def test_parent_names_from_heat_and_hint_forms():
    tuples = [(None, 'top'), ('backend', 'top-backend-x1'),
              ('db', 'top-backend-x1-db-y2')]
    strings = ['top', 'backend,top-backend-x1', 'db,top-backend-x1-db-y2']
    assert hints.parent_names(tuples) == ['backend', 'db']
    assert hints.parent_names(strings) == ['backend', 'db']
    assert hints.parent_names('top') == []
    assert hints.parent_names(None) == []


def test_path_key_ignores_random_stack_names():
    a = hints.path_key('root', ['top', 'backend,top-backend-abc'], 'web')
    b = hints.path_key('root', [(None, 'top'), ('backend', 'other')], 'web')
    assert a == b == 'heat:root/backend/web'
    assert hints.path_key(None, [], 'web') is None


def test_nova_and_cinder_hint_shapes():
    nova = {'heat_resource_uuid': ['u-1'], 'heat_root_stack_id': ['r'],
            'heat_path_in_stack': ['top', 'child,top-child-1'],
            'heat_resource_name': ['db'], 'other': ['x']}
    cinder = {'heat_resource_uuid': 'u-1', 'heat_root_stack_id': 'r',
              'heat_path_in_stack': ['top', 'child,top-child-1'],
              'heat_resource_name': 'db'}
    for given in (nova, cinder):
        found = hints.from_scheduler_hints(given)
        assert found['heat_resource_uuid'] == 'u-1'
        assert hints.lookup_keys(found) == ['u-1', 'heat:r/child/db']


def test_single_element_path_survives_nova_flattening():
    found = hints.from_scheduler_hints({'heat_path_in_stack': 'top',
                                        'heat_root_stack_id': 'r',
                                        'heat_resource_name': 'web'})
    assert hints.lookup_keys(found) == ['heat:r/web']


def test_no_heat_hints_no_keys():
    assert hints.lookup_keys(hints.from_scheduler_hints({})) == []


def test_group_names_from_every_spec_shape():
    assert groups.group_names({'groups': ['a', 'b']}, '{"groups": ["b", "c"]}',
                              ['{"groups": "d"}'], 'e, f', None) == [
        'a', 'b', 'c', 'd', 'e', 'f']
    assert groups.group_names('{not json') == []
    assert groups.group_names(42) == []
