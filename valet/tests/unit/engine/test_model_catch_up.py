"""An engine that lost a compare-and-swap catches up with the hosts other
engines changed (Datacenter.stale_units / refresh_units): afterwards its
model must equal a model built from scratch from the same database."""
import collections

from valet.engine.model import datacenter as dc_model
from valet.engine.model import loader
from valet.tests.functional import fixtures

GROUPS = {'div': {'type': 'diversity', 'level': 'rack'},
          'exc': {'type': 'exclusivity', 'level': 'host'}}


def _placement(key, host, inventory, groups=()):
    spec = inventory.hosts[host]
    return {'orchestration_id': key, 'stack_id': 's', 'kind': 'server',
            'location': host, 'rack': spec.rack, 'zone': spec.zone,
            'vcpus': 2, 'memory_mb': 4096, 'disk_gb': 40,
            'groups': list(groups)}


def _state(placements, generations):
    """The DB's rows for ``placements``: usage sums, given generations."""
    used = collections.defaultdict(lambda: [0, 0, 0])
    for p in placements:
        u = used[p['location']]
        u[0] += p['vcpus']
        u[1] += p['memory_mb']
        u[2] += p['disk_gb']
    hosts = {name: {'generation': gen, 'vcpus_used': used[name][0],
                    'memory_mb_used': used[name][1],
                    'disk_gb_used': used[name][2], 'nic_used_mbps': 0}
             for name, gen in generations.items()}
    return {'hosts': hosts, 'racks': {}, 'pools': {}}


def test_refresh_matches_a_fresh_model():
    inventory = loader.load_datacenter(
        fixtures.example('datacenters', 'small.yaml'))
    a, b, c, d = sorted(inventory.hosts)[:4]
    mine = [_placement('m1', a, inventory, ['div']),
            _placement('m2', d, inventory, ['exc'])]
    # Another engine added two members on b and c and removed m2 from d.
    theirs = [_placement('t1', b, inventory, ['div', 'exc']),
              _placement('t2', c, inventory)]
    old_gens = {h: 0 for h in inventory.hosts}
    old_gens.update({a: 1, d: 1})
    new_gens = dict(old_gens, **{b: 1, c: 1, d: 2})
    stale_model = dc_model.Datacenter.build(
        inventory, state=_state(mine, old_gens), placements=mine,
        groups=GROUPS)
    truth = mine[:1] + theirs
    new_state = _state(truth, new_gens)
    fresh = dc_model.Datacenter.build(inventory, state=new_state,
                                      placements=truth, groups=GROUPS)
    assert stale_model.snapshot() != fresh.snapshot()

    stale = stale_model.stale_units(new_state)
    assert stale == {'hosts': {b, c, d}, 'racks': set(), 'pools': set()}
    rows = {'hosts': {h: new_state['hosts'][h] for h in stale['hosts']}}
    stale_model.refresh_units(
        rows, [p for p in truth if p['location'] in stale['hosts']])
    assert stale_model.snapshot() == fresh.snapshot()
    assert stale_model.stale_units(new_state)['hosts'] == set()


def test_unknown_rows_ask_for_a_rebuild():
    inventory = loader.load_datacenter(
        fixtures.example('datacenters', 'small.yaml'))
    model = dc_model.Datacenter.build(inventory)
    assert model.stale_units({'hosts': {'nowhere': {'generation': 1}}}) \
        is None
