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


def _rack_sums(model):
    """The rack sums recomputed from every host."""
    sums = {}
    for host in model.hosts.values():
        total, count = sums.get(host.rack, (0, 0))
        sums[host.rack] = (total + host.generation, count + 1)
    return sums


def _assert_sums(model):
    assert model.host_generations_by_rack() == _rack_sums(model)
    assert model.generation_totals() == tuple(
        sum(unit.generation for unit in units.values())
        for units in (model.hosts, model.racks, model.pools))


def test_rack_sums_follow_every_generation_change():
    inventory = loader.load_datacenter(
        fixtures.example('datacenters', 'small.yaml'))
    a, b, c = sorted(inventory.hosts)[:3]
    placed = [_placement('m1', a, inventory, ['div'])]
    model = dc_model.Datacenter.build(
        inventory, state=_state(placed, {a: 3, b: 1}), placements=placed,
        groups=GROUPS)
    _assert_sums(model)
    # A commit of this engine, a release and the periodic sync.
    model.apply(_Decision({'m2': _location(b, inventory)}))
    model.set_generations({'hosts': {a: 4, b: 2}})
    _assert_sums(model)
    model.release(placed)
    model.hosts[c].generation += 1
    _assert_sums(model)
    # A catch-up takes the DB's word.
    model.refresh_units(_state([], {a: 9, c: 5}), [])
    _assert_sums(model)
    assert model.host_generations_by_rack()[model.hosts[a].rack][0] >= 9


def test_group_totals_with_the_rows_of_a_read():
    inventory = loader.load_datacenter(
        fixtures.example('datacenters', 'small.yaml'))
    model = dc_model.Datacenter.build(inventory, groups={
        'old': {'type': 'diversity', 'level': 'host', 'generation': 2},
        'gone': {'type': 'diversity', 'level': 'host', 'generation': 1}})
    assert model.group_totals() == (2, 3)
    new = {'new': {'type': 'diversity', 'level': 'rack', 'generation': 1},
           'old': {'type': 'diversity', 'level': 'host', 'generation': 4}}
    assert model.group_totals_with(new) == (3, 6)
    assert model.group_totals() == (2, 3)       # nothing taken yet
    model.define_groups(new)
    assert model.group_totals() == (3, 6)
    # A complete read forgets the generation of a deleted group.
    model.define_groups(new, complete=True)
    assert model.group_generations == {'new': 1, 'old': 4}
    assert model.groups['new'] == {'type': 'diversity', 'level': 'rack'}


class _Decision:
    def __init__(self, placements):
        self.placements = placements


def _location(host, inventory):
    spec = inventory.hosts[host]
    return {'kind': 'server', 'location': host, 'rack': spec.rack,
            'zone': spec.zone, 'vcpus': 1, 'memory_mb': 512, 'disk_gb': 1,
            'groups': []}
