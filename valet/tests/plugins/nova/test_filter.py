"""ValetFilter through Nova's filter handler, with real HostStates and
RequestSpecs, against a real engine in process (DESIGN §2 flows 2, 3, 6)."""
import sys
import uuid

from nova import objects
import pytest

from valet import context as valet_context
from valet.engine import rpcapi
from valet.plugins.nova import filter as valet_filter
from valet.tests.functional import fixtures
from valet.tests.plugins import engine
from valet.tests.plugins.nova import helpers

# Every enabled host of examples/datacenters/small.yaml (r04h06 is not).
ALL_HOSTS = (['r01h0%d' % i for i in range(1, 5)]
             + ['r02h0%d' % i for i in range(1, 6)]
             + ['r03h0%d' % i for i in range(1, 5)]
             + ['r04h0%d' % i for i in range(1, 6)])


def server(flavor='m1.small', groups=None):
    props = {'flavor': flavor}
    if groups:
        props['metadata'] = {'valet': {'groups': groups}}
    return {'type': 'OS::Nova::Server', 'properties': props}


def plan(aio, stack_id, resources):
    api = rpcapi.EngineAPI(aio.conf, aio.transport, timeout=30)
    ctx = valet_context.RequestContext(project_id='p1', roles=['member'])
    return api.create_plan(ctx, stack_id, stack_id, resources)['placements']


def placement(aio, key):
    res = fixtures.Client(aio.app)('GET', '/v1/placements/%s' % key)
    assert res.status_int == 200, res.text
    return res.json['placement']


def boot(hosts, hints=None, instance=None, **fields):
    spec = helpers.request_spec(instance, hints, **fields)
    passed = helpers.run_filters([valet_filter.ValetFilter()],
                                 helpers.host_states(hosts), spec)
    return spec, helpers.names(passed)


def test_eventlet_is_poisoned_as_in_nova_scheduler():
    assert 'eventlet' not in sys.modules, (
        'eventlet was imported before Nova could poison it: run with '
        '-p valet.tests.plugins.nova.threading_mode (tox -e nova does)')
    with pytest.raises(ImportError, match='native threading'):
        import eventlet  # noqa: F401


def test_nova_loads_the_filter_by_its_path():
    classes = helpers.filters.HostFilterHandler().get_matching_classes(
        ['valet.plugins.nova.filter.ValetFilter'])
    assert classes == [valet_filter.ValetFilter]
    assert valet_filter.ValetFilter.run_filter_once_per_request


def test_planned_server_gets_exactly_its_planned_host(aio, nova_conf):
    planned = plan(aio, 'st-1', {'u-web': server()})['u-web']['location']
    spec, passed = boot(ALL_HOSTS, helpers.heat_hints('u-web'))
    assert passed == [planned]
    row = placement(aio, 'u-web')
    assert row['reserved'] is True
    assert row['resource_id'] == spec.instance_uuid
    assert 'eventlet' not in sys.modules


def test_replan_when_nova_filtered_the_planned_host_out(aio, nova_conf):
    resources = {
        'spread': {'type': 'OS::Valet::Group', 'properties': {
            'name': 'spread-n', 'type': 'diversity', 'level': 'host'}},
        'u-a': server(groups=['spread-n']),
        'u-b': server(groups=['spread-n'])}
    placed = plan(aio, 'st-2', resources)
    host_a, host_b = placed['u-a']['location'], placed['u-b']['location']
    _spec, first = boot(ALL_HOSTS, helpers.heat_hints('u-a', name='a'))
    assert first == [host_a]
    others = [h for h in ALL_HOSTS if h not in (host_b,)]
    # Nova's other filters left neither b's planned host...
    _spec, second = boot(others, helpers.heat_hints('u-b', name='b'))
    assert len(second) == 1 and second[0] in others
    # ...so b was replanned, and the diversity still holds.
    assert second[0] != host_a
    assert placement(aio, 'u-b')['location'] == second[0]


def test_found_by_root_stack_path_and_name_without_uuid(aio, nova_conf):
    key = 'heat:root-7/backend/db'
    planned = plan(aio, 'st-3', {key: server()})[key]['location']
    hints = helpers.heat_hints(None, root='root-7',
                               path=('top', 'backend,top-backend-x1'),
                               name='db')
    _spec, passed = boot(ALL_HOSTS, hints)
    assert passed == [planned]


def test_ad_hoc_server_with_groups_from_flavor_and_metadata(aio, nova_conf,
                                                            monkeypatch):
    # Groups from the flavor's extra spec and from the server metadata,
    # which Nova keeps on the build request until the server has a cell.
    flavor = helpers.flavor(extra_specs={'valet': '{"groups": ["solo"]}'})
    metadata = {}

    def build_request(ctx, instance_uuid):
        instance = objects.Instance(uuid=instance_uuid, metadata=metadata)
        return objects.BuildRequest(instance_uuid=instance_uuid,
                                    instance=instance)
    monkeypatch.setattr(objects.BuildRequest, 'get_by_instance_uuid',
                        build_request)
    client = fixtures.Client(aio.app)
    for name in ('solo', 'pair'):
        kind = 'exclusivity' if name == 'solo' else 'diversity'
        res = client('POST', '/v1/groups', {'name': name, 'type': kind,
                                            'level': 'host'})
        assert res.status_int == 201, res.text
    metadata['valet'] = '{"groups": ["pair"]}'
    _s, first = boot(ALL_HOSTS, flavor_=flavor)
    _s, second = boot(ALL_HOSTS, flavor_=flavor)
    assert len(first) == len(second) == 1
    assert first != second                  # diversity from the metadata
    # Exclusivity (flavor): a stack server no longer lands on those hosts.
    placed = plan(aio, 'st-4', {'u-x': server()})['u-x']['location']
    assert placed not in first + second


def test_ad_hoc_server_stays_inside_the_candidates(aio, nova_conf):
    _spec, passed = boot(['r04h03'])
    assert passed == ['r04h03']


def test_rebuild_of_a_known_instance_is_a_replan(aio, nova_conf):
    planned = plan(aio, 'st-5', {'u-r': server()})['u-r']['location']
    spec, passed = boot(ALL_HOSTS, helpers.heat_hints('u-r', name='r'))
    assert passed == [planned]
    # Rebuild with a new image: Nova asks about the current host only.
    hints = dict(helpers.heat_hints('u-r', name='r'),
                 _nova_check_type='rebuild')
    _s, again = boot([planned], hints, instance=spec.instance_uuid)
    assert again == [planned]
    # Evacuate / migrate: the source host is excluded.
    _s, moved = boot([h for h in ALL_HOSTS if h != planned],
                     helpers.heat_hints('u-r', name='r'),
                     instance=spec.instance_uuid, ignore_hosts=[planned])
    assert len(moved) == 1 and moved[0] != planned
    assert placement(aio, 'u-r')['location'] == moved[0]


def test_reject_passes_no_host(aio, nova_conf):
    # An ad-hoc server with a flavor the engine does not know is refused.
    spec, passed = boot(ALL_HOSTS, flavor_=helpers.flavor(
        name='m1.nope', vcpus=4096, ram=1, root=1))
    assert passed == []


def test_yield_passes_every_host(aio, nova_conf):
    nova_conf.set_override('failure_mode', 'yield', group='valet')
    _spec, passed = boot(ALL_HOSTS, flavor_=helpers.flavor(
        name='m1.nope', vcpus=4096, ram=1, root=1))
    assert passed == sorted(ALL_HOSTS)


@pytest.mark.parametrize('mode,expected', [('reject', []),
                                           ('yield', sorted(ALL_HOSTS[:3]))])
def test_engine_down(aio, nova_conf, mode, expected):
    engine.configure_plugin(nova_conf, aio, failure_mode=mode, timeout=1,
                            topic=engine.unique_topic())
    _spec, passed = boot(ALL_HOSTS[:3], helpers.heat_hints(str(uuid.uuid4())))
    assert passed == expected
