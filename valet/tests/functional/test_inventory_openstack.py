"""The ``nova`` and ``cinder`` collectors through the real openstacksdk.

Placement is the REAL openstack-placement service (sqlite, noauth2) on a
local port; Nova's compute API and Cinder are a small local fake that
answers the documented JSON of exactly the endpoints the collectors use
(valet/tests/fakes/openstack_cloud.py).  Both are reached the way an
operator configures Valet: ``auth_type = none`` + ``endpoint_override`` in
``[nova]``, ``[placement]`` and ``[cinder]``.  Placement keeps one database
per process, so every test names its hosts uniquely.
"""
import itertools
import socket
import uuid

import pytest
import yaml

from valet import allinone
from valet import conf as valet_conf
from valet import context as valet_context
from valet.engine import collectors
from valet.engine.collectors import sdk
from valet.tests.fakes import openstack_cloud
from valet.tests.fakes import placement_service
from valet.tests.functional import fixtures

_SEQ = itertools.count(1)


def unique(prefix):
    return '%s%03d' % (prefix, next(_SEQ))


@pytest.fixture(scope='module')
def placement():
    return placement_service.get()


@pytest.fixture
def cloud():
    fake = openstack_cloud.FakeCloud()
    fake.add_flavor('m1.small', 1, 2048, 20, {'hw:cpu_policy': 'shared'})
    fake.add_flavor('m1.large', 4, 8192, 80)
    yield fake
    fake.stop()


def point(conf, cloud, placement, collectors_=('nova', 'cinder')):
    for group, url in (('nova', cloud.compute_url),
                       ('placement', placement.url),
                       ('cinder', cloud.volume_url)):
        conf.set_override('auth_type', 'none', group=group)
        conf.set_override('endpoint_override', url, group=group)
    conf.set_override('collectors', list(collectors_), group='inventory')
    return conf


def new_conf(cloud, placement, **kwargs):
    return point(valet_conf.new_conf([], default_config_files=[]), cloud,
                 placement, **kwargs)


def add_host(cloud, placement, name, vcpus=16, memory_mb=65536, disk_gb=500,
             traits=(), ratios=None, reserved=None, **service):
    cloud.add_compute_host(name, **service)
    return placement.add_provider(name, vcpus, memory_mb, disk_gb,
                                  traits=traits, ratios=ratios,
                                  reserved=reserved)


def test_nova_collector_reads_hosts_capacity_racks_and_usage(
        cloud, placement, tmp_path):
    topo_host, agg_host, trait_host = (unique('topo'), unique('agg'),
                                       unique('trait'))
    named_host = unique('pdk15r05c')          # pdk15r05cNNN -> pdk15r05
    lone_host, down_host = unique('lone'), unique('down')
    rack_trait = unique('rk').upper()
    add_host(cloud, placement, topo_host, vcpus=32, memory_mb=131072,
             reserved={'VCPU': 2, 'MEMORY_MB': 4096},
             ratios={'VCPU': 4.0, 'MEMORY_MB': 1.5},
             # the topology file wins over the trait
             traits=['CUSTOM_RACK_IGNORED'])
    agg_uuid = add_host(cloud, placement, agg_host, traits=['CUSTOM_RACK_NO'],
                        ratios={'VCPU': 8.0})
    add_host(cloud, placement, trait_host,
             traits=['CUSTOM_RACK_%s' % rack_trait, 'HW_CPU_X86_AVX2'])
    add_host(cloud, placement, named_host)
    add_host(cloud, placement, lone_host, zone='az2')
    add_host(cloud, placement, down_host, state='down')
    cloud.add_aggregate('fast', [agg_host], {
        'valet:rack': 'agg-rack', 'cpu_allocation_ratio': '2.0',
        'ssd': 'true'}, zone='az1')
    server_id = cloud.add_server(agg_host, 'm1.large')
    placement.allocate(server_id, agg_uuid,
                       {'VCPU': 4, 'MEMORY_MB': 8192, 'DISK_GB': 80})
    topo = tmp_path / 'topology.yaml'
    topo.write_text(yaml.safe_dump({
        'name': 'topo', 'defaults': {'vcpus': 1, 'memory_mb': 1,
                                     'disk_gb': 1},
        'zones': [{'name': 'nova', 'racks': [{
            'name': 'topo-rack', 'uplink_mbps': 40000,
            'hosts': [{'name': topo_host, 'nic_mbps': 25000}]}]}]}))
    cloud.start()
    conf = new_conf(cloud, placement, collectors_=('nova',))
    conf.set_override('datacenter_file', str(topo), group='inventory')

    inv = collectors.collect_inventory(conf)

    assert set(inv.hosts) == {topo_host, agg_host, trait_host, named_host,
                              lone_host, down_host}
    topo_h = inv.hosts[topo_host]
    # capacity = total - reserved; ratios from Placement
    assert (topo_h.vcpus, topo_h.memory_mb, topo_h.disk_gb) == (30, 126976,
                                                                500)
    assert (topo_h.cpu_allocation_ratio, topo_h.ram_allocation_ratio) == (
        4.0, 1.5)
    assert topo_h.default_ratios == []
    # rack sources in DESIGN §5.1 order
    assert topo_h.rack == 'topo-rack' and topo_h.nic_mbps == 25000
    assert inv.racks['topo-rack'].uplink_mbps == 40000
    agg_h = inv.hosts[agg_host]
    assert agg_h.rack == 'agg-rack' and agg_h.zone == 'az1'
    # aggregate metadata ratio beats Placement's
    assert agg_h.cpu_allocation_ratio == 2.0
    assert agg_h.metadata['ssd'] == 'true' and agg_h.aggregates == ['fast']
    assert inv.hosts[trait_host].rack == rack_trait.lower()
    assert 'HW_CPU_X86_AVX2' in inv.hosts[trait_host].traits
    assert inv.hosts[named_host].rack == 'pdk15r05'
    assert inv.hosts[lone_host].rack == lone_host       # its own rack
    assert inv.hosts[lone_host].zone == 'az2'
    assert inv.racks[lone_host].zone == 'az2'
    assert {'nova', 'az1', 'az2'} <= set(inv.zones)
    # down compute service: out of the candidate set
    assert inv.hosts[down_host].enabled is False
    assert all(inv.hosts[h].enabled for h in inv.hosts if h != down_host)
    # servers Valet did not place count against their host
    assert [(s.id, s.host, s.vcpus, s.memory_mb, s.disk_gb)
            for s in inv.servers] == [(server_id, agg_host, 4, 8192, 80)]
    assert inv.external_usage() == {agg_host: (4, 8192, 80)}
    assert agg_h.placement_usages == {'VCPU': 4, 'MEMORY_MB': 8192,
                                      'DISK_GB': 80}
    # flavors with extra specs (inline at compute API >= 2.61)
    assert inv.flavors['m1.small'].extra_specs == {'hw:cpu_policy': 'shared'}
    assert inv.aggregates['fast'].hosts == [agg_host]
    # exactly the documented endpoints, servers of all projects
    assert cloud.paths() == sorted({
        '/compute/v2.1', '/compute/v2.1/os-services',
        '/compute/v2.1/os-hypervisors/detail', '/compute/v2.1/os-aggregates',
        '/compute/v2.1/os-availability-zone/detail',
        '/compute/v2.1/flavors/detail', '/compute/v2.1/servers/detail'})
    servers_query = [r[2] for r in cloud.requests
                     if r[1].endswith('/servers/detail')]
    assert servers_query == ['all_tenants=True']


def test_nova_collector_on_an_older_compute_api(placement):
    """Compute API 2.46: extra specs from os-extra_specs, server flavors by
    id, and a host Placement does not know sized from its hypervisor."""
    cloud = openstack_cloud.FakeCloud(compute_max='2.46')
    cloud.add_flavor('m1.small', 1, 2048, 20, {'valet': 'web'})
    known, unknown = unique('old'), unique('noprov')
    add_host(cloud, placement, known, vcpus=8)
    cloud.add_compute_host(unknown)              # no resource provider
    cloud.add_server(known, 'm1.small')
    cloud.start()
    try:
        inv = collectors.collect_inventory(
            new_conf(cloud, placement, collectors_=('nova',)))
    finally:
        cloud.stop()
    assert inv.flavors['m1.small'].extra_specs == {'valet': 'web'}
    assert inv.hosts[known].vcpus == 8
    # hypervisor's own sizes; ratios left to [optimizer] defaults
    assert inv.hosts[unknown].vcpus == 16
    assert inv.hosts[unknown].default_ratios == ['cpu', 'ram', 'disk']
    assert [(s.host, s.vcpus, s.memory_mb) for s in inv.servers] == [
        (known, 1, 2048)]
    assert any(p.endswith('/os-extra_specs') for p in cloud.paths())


def test_cinder_collector_reads_pools(cloud, placement, tmp_path):
    cloud.add_volume_backend('abc12r03s001@lvm', zone='az1')
    cloud.add_volume_backend('store@ceph')
    cloud.add_volume_backend('off@lvm', status='disabled')
    cloud.add_pool('abc12r03s001@lvm#fast', 1000, free_gb=700,
                   reserved_percentage=10)
    cloud.add_pool('store@ceph#rbd', 2000, thin=True, ratio=2.0,
                   backend_name='ceph')
    cloud.add_pool('store@ceph#unknown', 'unknown', backend_name='ceph')
    cloud.add_pool('off@lvm#lvm', 500)
    cloud.add_volume_type('ssd', 'lvm')
    cloud.add_volume_type('bulk', 'ceph')
    topo = tmp_path / 'topology.yaml'
    topo.write_text(yaml.safe_dump({
        'name': 'topo', 'defaults': {'vcpus': 1, 'memory_mb': 1,
                                     'disk_gb': 1},
        'zones': [{'name': 'nova', 'racks': [{
            'name': 'ceph-rack', 'hosts': [{'name': 'store'}]}]}],
        'pools': [{'name': 'store@ceph#rbd', 'zone': 'nova',
                   'rack': 'ceph-rack', 'capacity_gb': 1}]}))
    cloud.start()
    conf = new_conf(cloud, placement, collectors_=('cinder',))
    conf.set_override('datacenter_file', str(topo), group='inventory')
    inv = collectors.collect_inventory(conf)
    assert set(inv.pools) == {'abc12r03s001@lvm#fast', 'store@ceph#rbd'}
    lvm = inv.pools['abc12r03s001@lvm#fast']
    assert (lvm.capacity_gb, lvm.free_capacity_gb, lvm.zone, lvm.rack,
            lvm.volume_types) == (900, 700, 'az1', 'abc12r03', ['ssd'])
    ceph = inv.pools['store@ceph#rbd']
    # the rack from the topology file, the capacity from Cinder
    assert (ceph.capacity_gb, ceph.zone, ceph.rack, ceph.volume_types) == (
        4000, 'nova', 'ceph-rack', ['bulk'])
    assert ('GET', '/volume/v3/scheduler-stats/get_pools', 'detail=True') in {
        r[:3] for r in cloud.requests}


def test_unreachable_or_failing_service_is_a_clear_error(cloud, placement):
    cloud.fail_with = 500
    cloud.start()
    with pytest.raises(sdk.InventoryUnavailable) as err:
        collectors.collect_inventory(new_conf(cloud, placement))
    assert err.value.code == 503
    assert 'nova' in str(err.value)
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        closed = 'http://127.0.0.1:%d/v3' % s.getsockname()[1]
    conf = new_conf(cloud, placement, collectors_=('cinder',))
    conf.set_override('endpoint_override', closed, group='cinder')
    with pytest.raises(sdk.InventoryUnavailable, match='cinder'):
        collectors.collect_inventory(conf)


def test_engine_builds_its_model_from_nova_and_cinder_and_places(
        cloud, placement, tmp_path):
    """valet-aio with ``collectors = nova,cinder``: the model, then a plan."""
    racks = [unique('xyz7r') for _ in range(3)]
    small = ['%sn01' % r for r in racks]          # xyz7rNNNn01 -> rack
    big, full, down = unique('big'), unique('full'), unique('downh')
    for host in small:
        add_host(cloud, placement, host, vcpus=2, memory_mb=16384)
    # 2 vCPUs but ratio 4.0: the only host that takes 6 small servers
    add_host(cloud, placement, big, vcpus=2, memory_mb=65536,
             ratios={'VCPU': 4.0}, traits=['CUSTOM_RACK_BIGRACK'])
    # full of a server Valet did not place
    full_uuid = add_host(cloud, placement, full, vcpus=4, memory_mb=65536)
    server_id = cloud.add_server(full, 'm1.large')
    placement.allocate(server_id, full_uuid, {'VCPU': 4, 'MEMORY_MB': 8192})
    add_host(cloud, placement, down, vcpus=64, memory_mb=262144,
             status='disabled')
    pool = '%s@lvm#lvm' % racks[0]
    cloud.add_volume_backend('%s@lvm' % racks[0])
    cloud.add_pool(pool, 1000)
    cloud.start()
    conf = point(fixtures.make_conf('sqlite:///%s'
                                    % (tmp_path / 'valet.sqlite')),
                 cloud, placement)
    with allinone.AllInOne(conf) as aio:
        model = aio.engine.manager.datacenter
        assert set(model.hosts) == set(small) | {big, full, down}
        # racks from the host-name convention: xyz7rNNNn01 -> xyz7rNNN
        assert {model.hosts[h].rack for h in small} == set(racks)
        assert model.hosts[big].rack == 'bigrack'
        assert model.hosts[big].vcpus == 8          # 2 x 4.0
        assert model.hosts[full].vcpus == 0         # 4 - 4 external
        assert model.hosts[down].enabled is False
        assert pool in model.pools

        client = fixtures.Client(aio.app)
        resources = {
            'spread': {'type': 'OS::Valet::Group', 'properties': {
                'name': 'spread-' + uuid.uuid4().hex[:6],
                'type': 'diversity', 'level': 'rack'}},
            'pack': {'type': 'OS::Valet::Group', 'properties': {
                'name': 'pack-' + uuid.uuid4().hex[:6],
                'type': 'affinity', 'level': 'host'}},
            'vol': {'type': 'OS::Cinder::Volume',
                    'properties': {'size': 100}},
        }
        spread = resources['spread']['properties']['name']
        pack = resources['pack']['properties']['name']
        for i in range(4):
            resources['w%d' % i] = {'type': 'OS::Nova::Server', 'properties': {
                'flavor': 'm1.small',
                'metadata': {'valet': {'groups': [spread]}}}}
        for i in range(6):
            resources['p%d' % i] = {'type': 'OS::Nova::Server', 'properties': {
                'flavor': 'm1.small',
                'metadata': {'valet': {'groups': [pack]}}}}
        resp = client('POST', '/v1/plans', {
            'plan_name': 'inv', 'stack_id': 'inv-1', 'resources': resources})
        assert resp.status_int == 201, resp.text
        where = {k: v['location']
                 for k, v in resp.json['plan']['placements'].items()}
        spread_hosts = [where['w%d' % i] for i in range(4)]
        assert len({model.hosts[h].rack for h in spread_hosts}) == 4
        assert {where['p%d' % i] for i in range(6)} == {big}
        used = set(where.values())
        assert full not in used and down not in used
        assert where['vol'] == pool

        # Nova boots a planned server (the filter reserves it with the
        # instance uuid); the next sync sees it in Nova's server list but
        # must not count it again as a server Valet did not place.
        manager = aio.engine.manager
        host = where['w0']
        instance = cloud.add_server(host, 'm1.small', project='p1')
        ctx = valet_context.RequestContext(project_id='p1', roles=['member'],
                                           overwrite=False)
        manager.reserve(ctx, [host], orchestration_id='w0',
                        instance_uuid=instance)
        def free(model):
            h = model.hosts[host]
            return h.free_vcpus, h.free_memory_mb, h.free_disk_gb

        before = free(model)
        assert manager.sync_leader     # all-in-one: no coordination backend
        manager.sync_inventory(ctx)
        model = manager.datacenter
        assert instance not in {s.id for s in manager.inventory.servers}
        assert free(model) == before
        assert model.hosts[full].vcpus == 0        # still counted
