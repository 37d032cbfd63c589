"""Rack-source precedence, pool capacity and the merge of collectors."""
import pytest
from stevedore import extension

from valet import conf as valet_conf
from valet.engine import collectors
from valet.engine.collectors import cinder
from valet.engine.collectors import racks
from valet.engine.collectors import sdk
from valet.engine.model import inventory as inv


@pytest.mark.parametrize('kwargs, expected', [
    # every source present: the topology file wins
    ({'topology': {'pdk15r05c001': 'topo'},
      'metadata': {'valet:rack': 'agg'}, 'traits': ['CUSTOM_RACK_TRAIT']},
     ('topo', racks.TOPOLOGY)),
    ({'topology': {'other': 'topo'}, 'metadata': {'valet:rack': 'agg'},
      'traits': ['CUSTOM_RACK_TRAIT']}, ('agg', racks.AGGREGATE)),
    ({'metadata': {'ssd': 'true'},
      'traits': ['HW_CPU_X86_AVX2', 'CUSTOM_RACK_R07']},
     ('r07', racks.TRAIT)),
    ({'traits': ['CUSTOM_RACK_']}, ('pdk15r05', racks.NAME)),
    ({}, ('pdk15r05', racks.NAME)),
])
def test_rack_sources_in_design_order(kwargs, expected):
    assert racks.rack_of('pdk15r05c001', **kwargs) == expected


def test_host_without_rack_is_its_own_rack():
    assert racks.rack_of('compute-1') == ('compute-1', racks.ITSELF)
    assert racks.rack_of('compute-2')[0] != racks.rack_of('compute-1')[0]


def test_ambiguous_sources_are_refused():
    with pytest.raises(racks.RackConflict, match='r1, r2'):
        racks.rack_of('h', traits=['CUSTOM_RACK_R1', 'CUSTOM_RACK_R2'])
    with pytest.raises(racks.RackConflict, match='a, b'):
        racks.rack_of('h', metadata={'valet:rack': ['a', 'b']})


@pytest.mark.parametrize('caps, expected', [
    ({'total_capacity_gb': 1000, 'reserved_percentage': 10}, 900),
    ({'total_capacity_gb': '1000', 'thin_provisioning_support': True,
      'max_over_subscription_ratio': '2.5'}, 2500),
    ({'total_capacity_gb': 1000, 'thin_provisioning_support': False,
      'max_over_subscription_ratio': '20'}, 1000),
    ({'total_capacity_gb': 'infinite'}, None),
    ({'total_capacity_gb': 'unknown'}, None),
    ({}, None),
])
def test_pool_capacity_as_cinder_counts_it(caps, expected):
    assert cinder._capacity(caps) == expected


class _Fixed(collectors.Collector):
    def __init__(self, conf, result):
        super().__init__(conf)
        self.result = result

    def collect(self):
        return self.result


def _host(name, rack, vcpus):
    return inv.Host(name=name, zone='nova', rack=rack, vcpus=vcpus,
                    memory_mb=1024, disk_gb=10)


def test_collectors_merge_in_order(monkeypatch):
    nova = inv.Inventory(name='openstack')
    nova.zones['nova'] = inv.Zone('nova')
    nova.racks['r1'] = inv.Rack('r1', 'nova')
    nova.hosts['h1'] = _host('h1', 'r1', 8)
    nova.hosts['h2'] = _host('h2', 'r1', 8)
    nova.servers.append(inv.Server('s1', 'h1', 'm1.small', 1, 2048, 20))
    block = inv.Inventory(name=None)
    block.zones['nova'] = inv.Zone('nova')
    block.pools['c@lvm#p'] = inv.Pool('c@lvm#p', 'nova', 500)
    later = inv.Inventory(name=None)
    later.hosts['h2'] = _host('h2', 'r1', 64)     # a later collector wins
    conf = valet_conf.new_conf([], default_config_files=[])
    conf.set_override('collectors', ['nova', 'cinder', 'later'],
                      group='inventory')
    fakes = {'nova': nova, 'cinder': block, 'later': later}

    def manager(namespace, names, **kwargs):
        assert namespace == collectors.NAMESPACE
        return extension.ExtensionManager.make_test_instance([
            extension.Extension(n, None, None, _Fixed(conf, fakes[n]))
            for n in names])
    monkeypatch.setattr(collectors.named, 'NamedExtensionManager', manager)
    merged = collectors.collect_inventory(conf)
    assert merged.name == 'openstack'
    assert set(merged.hosts) == {'h1', 'h2'}
    assert merged.hosts['h2'].vcpus == 64 and merged.hosts['h1'].vcpus == 8
    assert set(merged.pools) == {'c@lvm#p'}
    assert merged.external_usage() == {'h1': (1, 2048, 20)}
    # the engine's runner forgets the servers Valet placed itself
    assert merged.drop_servers(['s1']).external_usage() == {}


def test_unknown_collector_is_refused():
    conf = valet_conf.new_conf([], default_config_files=[])
    conf.set_override('collectors', ['nova', 'novva'], group='inventory')
    with pytest.raises(Exception, match='novva'):
        collectors.collect_inventory(conf)


def test_auth_groups_are_keystoneauth_groups():
    conf = valet_conf.new_conf([], default_config_files=[])
    assert conf.nova.service_type == 'compute'
    assert conf.placement.service_type == 'placement'
    assert conf.cinder.service_type == 'block-storage'
    for group in ('nova', 'placement', 'cinder'):
        assert conf[group].auth_type is None
        assert conf[group].valid_interfaces == ['internal', 'public']
        for name in ('endpoint_override', 'region_name', 'cafile',
                     'timeout', 'auth_section'):
            assert name in conf[group]


def test_missing_credentials_are_a_clear_error():
    conf = valet_conf.new_conf([], default_config_files=[])
    conf.set_override('collectors', ['nova'], group='inventory')
    with pytest.raises(sdk.InventoryUnavailable,
                       match='nova could not read compute services'):
        collectors.collect_inventory(conf)
    conf.set_override('auth_type', 'password', group='nova')
    with pytest.raises(sdk.InventoryUnavailable,
                       match=r'\[nova\] options: .*auth_url'):
        collectors.collect_inventory(conf)
