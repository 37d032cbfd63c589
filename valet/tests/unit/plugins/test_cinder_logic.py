from valet.plugins.cinder import decide
from valet.plugins.cinder import request
from valet.tests.unit.plugins import fakes


def props(hints=None, **volume):
    volume.setdefault('size', 10)
    return {'request_spec': {'volume_id': 'v-1',
                             'volume_properties': dict(volume)},
            'volume_type': {'name': 'ssd'}, 'size': volume['size'],
            'scheduler_hints': hints or {}}


def test_request_from_filter_properties():
    req = request.from_filter_properties(props(
        {'heat_resource_uuid': 'u-vol', 'heat_root_stack_id': 'r',
         'heat_path_in_stack': ['top'], 'heat_resource_name': 'data'},
        availability_zone='nova', project_id='p1'))
    assert (req.volume_id, req.size_gb, req.volume_type,
            req.availability_zone, req.project_id) == (
        'v-1', 10, 'ssd', 'nova', 'p1')
    assert req.lookup_keys == ['u-vol', 'heat:r/data']


def test_planned_volume_then_ad_hoc():
    engine = fakes.FakeEngine(schedule_volume={'location': 'c@lvm#r1'})
    req = request.from_filter_properties(props({'heat_resource_uuid': 'u'}))
    decide.placement_for(engine, None, req, ['c@lvm#r1'])
    (_m, kwargs), = engine.calls
    assert kwargs['orchestration_id'] == 'u'
    assert kwargs['args'] == ('v-1', 10)
    assert kwargs['candidate_pools'] == ['c@lvm#r1']

    calls = []

    def schedule(**kw):
        calls.append(kw.get('orchestration_id'))
        if kw.get('orchestration_id'):
            return fakes.not_found()
        return {'location': 'c@lvm#r2'}
    engine = fakes.FakeEngine(schedule_volume=schedule)
    assert decide.placement_for(engine, None, req, ['c@lvm#r2']) == {
        'location': 'c@lvm#r2'}
    assert calls == ['u', None]


def test_selection_matches_pools_and_hosts():
    import types

    import pytest

    from valet.plugins import selection
    pools = [types.SimpleNamespace(backend_id='c@lvm#r1', host='c@lvm'),
             types.SimpleNamespace(backend_id='c@lvm#r2', host='c@lvm')]

    def names(b):
        return {b.backend_id, b.host}
    assert selection.pick(pools, {'location': 'c@lvm#r2'}, names) == [
        pools[1]]
    with pytest.raises(selection.NotAmongCandidates):
        selection.pick(pools, {'location': 'other#p'}, names)


def test_local_to_instance_hint_names_the_consumer():
    engine = fakes.FakeEngine(schedule_volume={'location': 'c@lvm#r1'})
    req = request.from_filter_properties(props({'local_to_instance': 'i-1'}))
    assert req.server == 'i-1'
    decide.placement_for(engine, None, req, ['c@lvm#r1'])
    (_m, kwargs), = engine.calls
    assert kwargs['server'] == 'i-1'
