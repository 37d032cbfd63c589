"""The plugins' side of the RPC contract against a real engine in process
(no OpenStack service needed; the service classes are tested in
valet/tests/plugins with tox -e nova/cinder/heat)."""
from oslo_config import cfg
import oslo_messaging as messaging
import pytest

from valet import context as valet_context
from valet.plugins.cinder import decide as cinder_decide
from valet.plugins.cinder import request as cinder_request
from valet.plugins import client
from valet.plugins.nova import decide as nova_decide
from valet.plugins.nova import request as nova_request
from valet.tests.plugins import engine
from valet.tests.unit.plugins import fakes

HOSTS = ['r01h01', 'r01h02', 'r02h01', 'r03h01', 'r04h01']


@pytest.fixture
def plugin(tmp_path):
    conf = cfg.ConfigOpts()
    conf([], default_config_files=[])
    conf.register_opts(messaging.transport._transport_opts)
    conf.set_override('control_exchange', 'nova')
    with engine.running(tmp_path) as aio:
        engine.configure_plugin(conf, aio)
        yield client.get_engine(conf), aio
        engine.clear_plugin(conf)


def ctx():
    return client.request_context(None, project_id='p1', roles=['member'])


def test_reserve_replan_and_ad_hoc(plugin):
    api, aio = plugin
    api.create_plan(ctx(), 's', 's', {
        'u-1': {'type': 'OS::Nova::Server',
                'properties': {'flavor': 'm1.small'}},
        'heat:root/web': {'type': 'OS::Nova::Server',
                          'properties': {'flavor': 'm1.small'}}})
    hints = {'heat_resource_uuid': ['u-1']}
    req = nova_request.from_spec(fakes.request_spec('i-1', hints))
    first = nova_decide.placement_for(api, ctx(), req, HOSTS)
    assert first['location'] in HOSTS and first['reserved']
    # Unknown uuid, known path: the second look-up finds it.
    req = nova_request.from_spec(fakes.request_spec('i-2', {
        'heat_resource_uuid': ['u-new'], 'heat_root_stack_id': ['root'],
        'heat_path_in_stack': ['top'], 'heat_resource_name': ['web']}))
    assert nova_decide.placement_for(api, ctx(), req, HOSTS)['location']
    # Evacuation of i-1: a replan away from its host.
    away = [h for h in HOSTS if h != first['location']]
    req = nova_request.from_spec(fakes.request_spec(
        'i-1', hints, ignore_hosts=[first['location']]))
    moved = nova_decide.placement_for(api, ctx(), req, away)
    assert moved['location'] in away
    # No plan: ad hoc, inside the candidates.
    req = nova_request.from_spec(fakes.request_spec('i-3'))
    assert nova_decide.placement_for(api, ctx(), req, ['r04h01'])[
        'location'] == 'r04h01'


def test_volumes(plugin):
    api, _aio = plugin
    api.create_plan(ctx(), 'v', 'v', {
        'u-v': {'type': 'OS::Cinder::Volume', 'properties': {'size': 10}}})
    props = {'request_spec': {'volume_id': 'vol-1', 'volume_properties': {
        'size': 10}}, 'scheduler_hints': {'heat_resource_uuid': 'u-v'}}
    req = cinder_request.from_filter_properties(props)
    pools = ['cinder@lvm#r01', 'cinder@lvm#r02']
    assert cinder_decide.placement_for(api, ctx(), req, pools)[
        'location'] in pools


def test_engine_errors_keep_their_class(plugin):
    from valet import exception
    api, _aio = plugin
    req = nova_request.from_spec(fakes.request_spec(
        'i-9', flavor=fakes.flavor(name='m1.nope', vcpus=100000)))
    with pytest.raises(exception.ValetException) as err:
        nova_decide.placement_for(api, valet_context.RequestContext(
            project_id='p1'), req, HOSTS)
    assert err.value.code in (400, 409)
