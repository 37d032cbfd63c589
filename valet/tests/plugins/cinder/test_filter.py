"""ValetFilter through Cinder's filter handler with real PoolStates and
filter properties, against a real engine in process (DESIGN §2 flow 4)."""
import pytest

from valet import context as valet_context
from valet.engine import rpcapi
from valet.tests.plugins.cinder import helpers
from valet.tests.plugins import engine


def plan(aio, stack_id, resources):
    api = rpcapi.EngineAPI(aio.conf, aio.transport, timeout=30)
    ctx = valet_context.RequestContext(project_id='p1', roles=['member'])
    return api.create_plan(ctx, stack_id, stack_id, resources)['placements']


def stack_with_volume(size=100):
    return {
        'u-db': {'type': 'OS::Nova::Server',
                 'properties': {'flavor': 'm1.large'}},
        'u-vol': {'type': 'OS::Cinder::Volume', 'properties': {'size': size}},
        'u-att': {'type': 'OS::Cinder::VolumeAttachment',
                  'properties': {'instance_uuid': 'u-db',
                                 'volume_id': 'u-vol'}}}


def create(pools, **props):
    cls = helpers.valet_filter_class()
    passed = helpers.run_filters([cls], helpers.pool_states(pools),
                                 helpers.filter_properties(**props))
    return helpers.names(passed)


def heat(uuid):
    return {'heat_resource_uuid': uuid, 'heat_root_stack_id': 'root',
            'heat_stack_id': 'root', 'heat_path_in_stack': ['top'],
            'heat_resource_name': 'vol'}


def test_cinder_finds_the_filter_by_entry_point():
    from valet.plugins.cinder import filter as valet_filter
    assert helpers.valet_filter_class() is valet_filter.ValetFilter


def test_planned_volume_gets_exactly_its_planned_pool(aio, cinder_conf):
    placed = plan(aio, 'st-v', stack_with_volume())
    pool = placed['u-vol']['location']
    # The volume's pool is in its server's rack (DESIGN §4).
    assert placed['u-vol']['rack'] == placed['u-db']['rack']
    assert create(helpers.POOLS, size=100, hints=heat('u-vol')) == [pool]


def test_planned_pool_filtered_out_is_replaced(aio, cinder_conf):
    pool = plan(aio, 'st-w', stack_with_volume())['u-vol']['location']
    others = [p for p in helpers.POOLS if p != pool]
    passed = create(others, size=100, hints=heat('u-vol'))
    assert len(passed) == 1 and passed[0] in others


def test_ad_hoc_volume(aio, cinder_conf):
    assert len(create(helpers.POOLS, size=10)) == 1
    assert create(['cinder@lvm#r02'], size=10) == ['cinder@lvm#r02']


def test_reject_passes_no_pool(aio, cinder_conf):
    # Larger than any pool: the engine refuses it.
    assert create(helpers.POOLS, size=10 ** 6) == []


def test_yield_passes_every_pool(aio, cinder_conf):
    cinder_conf.set_override('failure_mode', 'yield', group='valet')
    assert create(helpers.POOLS, size=10 ** 6) == sorted(helpers.POOLS)


@pytest.mark.parametrize('mode,expected', [
    ('reject', []), ('yield', sorted(helpers.POOLS))])
def test_engine_down(aio, cinder_conf, mode, expected):
    engine.configure_plugin(cinder_conf, aio, failure_mode=mode, timeout=1,
                            topic=engine.unique_topic())
    assert create(helpers.POOLS, size=10) == expected


def test_ad_hoc_volume_follows_local_to_instance(aio, cinder_conf):
    """Cinder's ``local_to_instance`` hint names the consumer: the volume
    goes to a pool in that server's rack (DESIGN §2 flow 4)."""
    lvm = [p for p in helpers.POOLS if '@lvm' in p]
    alone = create(lvm, size=5)
    assert len(alone) == 1
    rack = next(p.rsplit('#', 1)[1] for p in lvm if p not in alone)
    api = rpcapi.EngineAPI(aio.conf, aio.transport, timeout=30)
    ctx = valet_context.RequestContext(project_id='p1', roles=['member'])
    host = '%sh01' % rack
    api.create_plan(ctx, 'st-l', 'st-l', {'app': {
        'type': 'OS::Nova::Server', 'properties': {'flavor': 'm1.tiny'}}},
        locations=[host])
    api.reserve(ctx, [host], orchestration_id='app', instance_uuid='inst-l')
    near = create(lvm, size=5, hints={'local_to_instance': 'inst-l'})
    assert near == ['cinder@lvm#%s' % rack]
