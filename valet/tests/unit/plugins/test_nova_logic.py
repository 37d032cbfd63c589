"""The Nova filter's decisions on stand-ins (real Nova: tests/plugins)."""
from valet import exception
from valet.plugins.nova import decide
from valet.plugins.nova import request
from valet.tests.unit.plugins import fakes

HEAT = {'heat_resource_uuid': ['u-web'], 'heat_root_stack_id': ['root'],
        'heat_path_in_stack': ['top'], 'heat_resource_name': ['web'],
        'heat_stack_id': ['root']}


def test_request_from_spec():
    spec = fakes.request_spec(
        'i-1', HEAT, availability_zone='nova',
        flavor=fakes.flavor('m1.big', 4, 8192, 40, 10,
                            {'valet': '{"groups": ["g2"]}', 'hw:x': '1'}))
    req = request.from_spec(
        spec, metadata_loader=lambda: {'valet': {'groups': ['g1']}})
    assert req.instance_uuid == 'i-1'
    assert req.flavor == {'name': 'm1.big', 'vcpus': 4, 'ram': 8192,
                          'disk': 50, 'extra_specs': {
                              'valet': '{"groups": ["g2"]}', 'hw:x': '1'}}
    assert req.groups() == ['g1', 'g2']
    assert req.availability_zone == 'nova'
    assert req.lookup_keys == ['u-web', 'heat:root/web']
    assert req.move is None


def test_unset_fields_are_not_read():
    spec = fakes.NovaObject(instance_uuid='i-2')
    req = request.from_spec(spec)
    assert req.flavor is None and req.heat == {} and req.move is None


def test_moves_are_recognised():
    assert request.move_kind(fakes.request_spec(
        hints={'_nova_check_type': ['rebuild']})) == 'rebuild'
    assert request.move_kind(fakes.request_spec(
        ignore_hosts=['src'])) == 'move'
    assert request.move_kind(fakes.request_spec(ignore_hosts=[])) is None


def test_planned_server_is_reserved_by_heat_uuid():
    engine = fakes.FakeEngine(reserve={'location': 'h2'})
    req = request.from_spec(fakes.request_spec('i-1', HEAT))
    assert decide.placement_for(engine, None, req, ['h1', 'h2']) == {
        'location': 'h2'}
    assert engine.calls == [('reserve', {
        'orchestration_id': 'u-web', 'instance_uuid': 'i-1',
        'action': 'reserve', 'args': (['h1', 'h2'],)})]


def test_falls_back_to_the_path_key_then_ad_hoc():
    def reserve(orchestration_id, **kw):
        if orchestration_id == 'heat:root/web':
            return {'location': 'h1'}
        raise exception.PlacementNotFound(placement=orchestration_id)
    engine = fakes.FakeEngine(reserve=reserve)
    req = request.from_spec(fakes.request_spec('i-1', HEAT))
    assert decide.placement_for(engine, None, req, ['h1'])['location'] == 'h1'
    assert [c[1]['orchestration_id'] for c in engine.calls] == [
        'u-web', 'heat:root/web']

    engine = fakes.FakeEngine(reserve=fakes.not_found,
                              schedule_instance={'location': 'h3'})
    assert decide.placement_for(engine, None, req, ['h3'])['location'] == 'h3'
    assert [c[0] for c in engine.calls] == ['reserve', 'reserve',
                                            'schedule_instance']


def test_ad_hoc_server_sends_flavor_groups_zone_candidates():
    engine = fakes.FakeEngine(schedule_instance={'location': 'h1'})
    spec = fakes.request_spec('i-9', {'valet': ['{"groups": ["db"]}']},
                              availability_zone='az1')
    decide.placement_for(engine, None, request.from_spec(spec), ['h1', 'h2'])
    (method, kwargs), = engine.calls
    assert method == 'schedule_instance'
    assert kwargs['args'][0] == 'i-9'
    assert kwargs['args'][1]['name'] == 'm1.small'
    assert kwargs['groups'] == ['db']
    assert kwargs['az'] == 'az1'
    assert kwargs['candidate_hosts'] == ['h1', 'h2']


def test_a_move_of_a_known_instance_is_a_replan_by_instance_uuid():
    engine = fakes.FakeEngine(reserve={'location': 'h4'})
    spec = fakes.request_spec('i-1', dict(HEAT, _nova_check_type=['rebuild']))
    decide.placement_for(engine, None, request.from_spec(spec), ['h4'])
    (method, kwargs), = engine.calls
    assert kwargs['resource_id'] == 'i-1' and kwargs['action'] == 'replan'


def test_server_metadata_is_read_only_for_ad_hoc_placements():
    reads = []

    def loader():
        reads.append(1)
        return {'valet': '{"groups": ["m"]}'}
    engine = fakes.FakeEngine(reserve={'location': 'h1'})
    req = request.from_spec(fakes.request_spec('i-1', HEAT), loader)
    decide.placement_for(engine, None, req, ['h1'])
    assert reads == []
    engine = fakes.FakeEngine(schedule_instance={'location': 'h1'})
    req = request.from_spec(fakes.request_spec('i-2'), loader)
    decide.placement_for(engine, None, req, ['h1'])
    assert reads == [1] and engine.calls[0][1]['groups'] == ['m']
