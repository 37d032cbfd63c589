"""The datacenter file loader: examples, conventions, and every error."""
import copy
import os

import pytest
import yaml

from valet import exception
from valet.engine.model import loader
from valet.engine.model import naming

EXAMPLES = os.path.join(os.path.dirname(loader.default_datacenter_path()))

BASE = {
    'name': 'dc',
    'defaults': {'vcpus': 16, 'memory_mb': 65536, 'disk_gb': 1000},
    'zones': [{'name': 'z1', 'racks': [
        {'name': 'r1', 'hosts': [{'name': 'h1'}, {'name': 'h2'}]},
        {'name': 'r2', 'hosts': [{'name': 'h3'}, {'name': 'h4'},
                                 {'name': 'h5'}]},
    ]}],
    'aggregates': [{'name': 'a1', 'hosts': ['h1'], 'metadata': {'x': 'y'}}],
    'servers': [{'id': 's1', 'host': 'h1', 'flavor': 'm1.small'}],
    'pools': [{'name': 'p1', 'zone': 'z1', 'rack': 'r1', 'capacity_gb': 100}],
}


def write(tmp_path, document, name='dc.yaml'):
    path = tmp_path / name
    if isinstance(document, str):
        path.write_text(document)
    else:
        path.write_text(yaml.safe_dump(document))
    return str(path)


@pytest.mark.parametrize('name,zones,racks,hosts,pools', [
    ('small', 1, 4, 19, 4),
    ('10x20', 2, 10, 200, 10),
    ('pdk', 1, 4, 25, 3),
])
def test_examples_load(name, zones, racks, hosts, pools):
    inv = loader.load_datacenter(os.path.join(EXAMPLES, name + '.yaml'))
    assert (len(inv.zones), len(inv.racks), len(inv.hosts),
            len(inv.pools)) == (zones, racks, hosts, pools)


def test_default_path_is_small_example():
    path = loader.default_datacenter_path()
    assert path.endswith(os.path.join('examples', 'datacenters', 'small.yaml'))
    assert os.path.exists(path)
    inv = loader.load_datacenter(path)
    assert inv.name == 'small'
    assert len(inv.servers) == 3
    assert inv.servers[0].vcpus == 4          # m1.large sizes
    assert inv.hosts['r04h06'].enabled is False


def test_builtin_and_file_flavors(tmp_path):
    doc = copy.deepcopy(BASE)
    doc['flavors'] = [{'name': 'big', 'vcpus': 32, 'ram': 1024, 'disk': 0,
                       'extra_specs': {'ssd': 'true'}}]
    inv = loader.load_datacenter(write(tmp_path, doc))
    assert {'m1.tiny', 'm1.small', 'm1.medium', 'm1.large', 'm1.xlarge',
            'big'} <= set(inv.flavors)
    assert inv.flavors['big'].extra_specs == {'ssd': 'true'}


@pytest.mark.parametrize('count,first,last', [
    (5, 'g01', 'g05'), (99, 'g01', 'g99'), (120, 'g001', 'g120'),
])
def test_generate_names(tmp_path, count, first, last):
    doc = copy.deepcopy(BASE)
    doc['zones'][0]['racks'].append(
        {'name': 'r3', 'generate': {'hosts': count, 'prefix': 'g',
                                    'vcpus': 64}})
    inv = loader.load_datacenter(write(tmp_path, doc))
    generated = sorted(h for h in inv.hosts if h.startswith('g'))
    assert len(generated) == count
    assert (generated[0], generated[-1]) == (first, last)
    assert inv.hosts[first].rack == 'r3'
    assert inv.hosts[first].vcpus == 64
    assert inv.hosts[first].memory_mb == 65536      # from defaults


@pytest.mark.parametrize('host,rack', [
    ('pdk15r05c001', 'pdk15r05'),
    ('abc1r2x3', 'abc1r2'),
    ('compute-1', None),
    ('pdk15r05', None),
    ('pd15r05c001', None),
])
def test_rack_convention(host, rack):
    assert naming.rack_from_host_name(host) == rack


def test_pdk_racks_and_own_rack():
    inv = loader.load_datacenter(os.path.join(EXAMPLES, 'pdk.yaml'))
    assert inv.hosts['pdk15r05c001'].rack == 'pdk15r05'
    assert inv.hosts['pdk15r06c008'].rack == 'pdk15r06'
    assert inv.hosts['pdk16r01c003'].rack == 'pdk16r01'
    assert inv.hosts['compute-legacy'].rack == 'compute-legacy'
    assert inv.racks['compute-legacy'].zone == 'pdk'
    assert len([h for h in inv.hosts.values()
                if h.rack == 'pdk15r05']) == 8


def test_unracked_hosts_never_share_a_pseudo_rack(tmp_path):
    doc = {'name': 'dc', 'defaults': BASE['defaults'],
           'zones': [{'name': 'z', 'hosts': [{'name': 'alpha'},
                                             {'name': 'beta'}]}]}
    inv = loader.load_datacenter(write(tmp_path, doc))
    assert inv.hosts['alpha'].rack == 'alpha'
    assert inv.hosts['beta'].rack == 'beta'


def test_aggregate_rack_metadata_wins_over_name(tmp_path):
    doc = {'name': 'dc', 'defaults': BASE['defaults'],
           'zones': [{'name': 'z', 'hosts': [{'name': 'pdk15r05c001'},
                                             {'name': 'odd'}]}],
           'aggregates': [{'name': 'a', 'hosts': ['pdk15r05c001', 'odd'],
                           'metadata': {'valet:rack': 'rk9'}}]}
    inv = loader.load_datacenter(write(tmp_path, doc))
    assert inv.hosts['pdk15r05c001'].rack == 'rk9'
    assert inv.hosts['odd'].rack == 'rk9'


def test_ratios_file_aggregate_and_defaults(tmp_path):
    doc = copy.deepcopy(BASE)
    doc['allocation_ratios'] = {'cpu': 8.0}
    doc['aggregates'] = [
        {'name': 'a', 'hosts': ['h1', 'h2'],
         'metadata': {'cpu_allocation_ratio': '2.0',
                      'ram_allocation_ratio': 1.5}},
        {'name': 'b', 'hosts': ['h1'],
         'metadata': {'cpu_allocation_ratio': '1.0', 'ssd': True}},
    ]
    inv = loader.load_datacenter(write(tmp_path, doc),
                                 defaults={'cpu': 3.0, 'ram': 1.25,
                                           'disk': 2.0})
    h1, h2, h3 = inv.hosts['h1'], inv.hosts['h2'], inv.hosts['h3']
    assert h1.cpu_allocation_ratio == 1.0        # smallest aggregate ratio
    assert h2.cpu_allocation_ratio == 2.0
    assert h3.cpu_allocation_ratio == 8.0        # the file's
    assert (h1.ram_allocation_ratio, h3.ram_allocation_ratio) == (1.5, 1.25)
    assert h3.disk_allocation_ratio == 2.0       # config default
    assert h3.default_ratios == ['ram', 'disk']
    assert h1.default_ratios == ['disk']
    assert h1.metadata['ssd'] == 'true'
    assert h1.aggregates == ['a', 'b']


def test_config_option_defaults_without_defaults_argument(tmp_path):
    inv = loader.load_datacenter(write(tmp_path, BASE))
    host = inv.hosts['h3']
    assert (host.cpu_allocation_ratio, host.ram_allocation_ratio,
            host.disk_allocation_ratio) == (4.0, 1.0, 1.0)


def test_conflicting_metadata_keeps_all_values(tmp_path):
    doc = copy.deepcopy(BASE)
    doc['aggregates'] = [
        {'name': 'a', 'hosts': ['h1'], 'metadata': {'tier': 'gold'}},
        {'name': 'b', 'hosts': ['h1'], 'metadata': {'tier': 'bronze'}}]
    inv = loader.load_datacenter(write(tmp_path, doc))
    assert inv.hosts['h1'].metadata['tier'] == ['bronze', 'gold']


def _set(doc, path, value):
    target = doc
    for part in path[:-1]:
        target = target[part]
    if value is _DELETE:
        del target[path[-1]]
    else:
        target[path[-1]] = value


_DELETE = object()

ERRORS = [
    # (mutations [(path, value)], expected detail)
    ([(('zones', 0, 'racks', 1, 'hosts', 2, 'vcpus'), -4)],
     'zones[0].racks[1].hosts[2].vcpus: -4 is not a positive integer'),
    ([(('zones', 0, 'racks', 0, 'hosts', 1, 'memory_mb'), 'lots')],
     "zones[0].racks[0].hosts[1].memory_mb: 'lots' is not a positive "
     "integer"),
    ([(('zones', 0, 'racks', 0, 'uplink_mbps'), -1)],
     'zones[0].racks[0].uplink_mbps: -1 is not a non-negative integer'),
    ([(('defaults', 'disk_gb'), 0)],
     'defaults.disk_gb: 0 is not a positive integer'),
    ([(('zones', 0, 'racks', 0, 'colour'), 'red')],
     'zones[0].racks[0].colour: unknown field'),
    ([(('zones', 0, 'name'), _DELETE)],
     'zones[0].name: required field missing'),
    ([(('zones', 0, 'racks', 0, 'hosts', 1, 'name'), 'h1')],
     "zones[0].racks[0].hosts[1].name: duplicate host 'h1' (also at "
     "zones[0].racks[0].hosts[0])"),
    ([(('zones', 0, 'racks', 1, 'name'), 'r1')],
     "zones[0].racks[1].name: duplicate rack 'r1'"),
    ([(('zones', 1), {'name': 'z1', 'hosts': [{'name': 'h9'}]})],
     "zones[1].name: duplicate zone 'z1'"),
    ([(('zones', 0, 'racks', 0, 'hosts', 0, 'name'), 'g02'),
      (('zones', 0, 'racks', 1, 'generate'), {'hosts': 3, 'prefix': 'g'})],
     "zones[0].racks[1].generate: duplicate host 'g02' (also at "
     "zones[0].racks[0].hosts[0])"),
    ([(('zones', 0, 'racks', 0), {'name': 'r1'})],
     'zones[0].racks[0]: a rack needs hosts or generate'),
    ([(('zones', 0), {'name': 'z1'})],
     'zones[0]: a zone needs racks or hosts'),
    ([(('defaults',), _DELETE)],
     'zones[0].racks[0].hosts[0].vcpus: required (no value in defaults)'),
    ([(('aggregates', 0, 'hosts'), ['h1', 'nope'])],
     "aggregates[0].hosts[1]: unknown host 'nope'"),
    ([(('aggregates', 0, 'metadata'), {'cpu_allocation_ratio': 'fast'})],
     "aggregates[0].metadata.cpu_allocation_ratio: 'fast' is not a positive "
     "number"),
    ([(('aggregates', 1), {'name': 'a1', 'hosts': []})],
     "aggregates[1].name: duplicate aggregate 'a1'"),
    ([(('servers', 0, 'host'), 'nope')],
     "servers[0].host: unknown host 'nope'"),
    ([(('servers', 0, 'flavor'), 'm1.foo')],
     "servers[0].flavor: unknown flavor 'm1.foo'"),
    ([(('servers', 1), {'id': 's1', 'host': 'h2', 'flavor': 'm1.tiny'})],
     "servers[1].id: duplicate server 's1'"),
    ([(('pools', 0, 'zone'), 'z9')], "pools[0].zone: unknown zone 'z9'"),
    ([(('pools', 0, 'rack'), 'r9')], "pools[0].rack: unknown rack 'r9'"),
    ([(('pools', 0, 'capacity_gb'), 0)],
     'pools[0].capacity_gb: 0 is not a positive integer'),
    ([(('zones', 1), {'name': 'z2', 'hosts': [{'name': 'h9'}]}),
      (('pools', 0, 'zone'), 'z2')],
     "pools[0].rack: rack 'r1' is in zone 'z1', not 'z2'"),
    ([(('allocation_ratios',), {'cpu': -1})],
     'allocation_ratios.cpu: -1 is not a positive number'),
    ([(('zones',), [])], 'zones: must not be empty'),
    ([(('zones', 0, 'racks', 0, 'hosts', 0, 'enabled'), 'yes please')],
     "zones[0].racks[0].hosts[0].enabled: 'yes please' is not of type "
     "boolean"),
    ([(('zones', 1), {'name': 'z2', 'hosts': [{'name': 'pdk15r05c001'}]}),
      (('zones', 0, 'racks', 0, 'name'), 'pdk15r05')],
     "zones[1].hosts[0]: rack 'pdk15r05' (from its name) is in zone 'z1', "
     "not 'z2'"),
]


@pytest.mark.parametrize('mutations,detail', ERRORS)
def test_errors_name_file_and_field(tmp_path, mutations, detail):
    doc = copy.deepcopy(BASE)
    for path, value in mutations:
        if path[-1] == 1 and path[0] in ('zones', 'aggregates', 'servers'):
            doc[path[0]].append(value)
            continue
        _set(doc, path, value)
    path = write(tmp_path, doc)
    with pytest.raises(exception.InvalidDatacenter) as info:
        loader.load_datacenter(path)
    # Exact, except for trailing hints such as the allowed field names.
    assert info.value.kwargs['detail'].startswith(detail)
    assert path in info.value.message
    assert detail in info.value.message


def test_yaml_syntax_error_names_line(tmp_path):
    path = write(tmp_path, 'name: dc\nzones:\n  - name: [z1\n  - x: }\n')
    with pytest.raises(exception.InvalidDatacenter) as info:
        loader.load_datacenter(path)
    assert 'line 4' in info.value.kwargs['detail']
    assert path in info.value.message


def test_missing_file(tmp_path):
    path = str(tmp_path / 'absent.yaml')
    with pytest.raises(exception.InvalidDatacenter) as info:
        loader.load_datacenter(path)
    assert 'cannot read' in info.value.kwargs['detail']


def test_top_level_must_be_mapping(tmp_path):
    with pytest.raises(exception.InvalidDatacenter) as info:
        loader.load_datacenter(write(tmp_path, '- a\n- b\n'))
    assert 'mapping' in info.value.kwargs['detail']
