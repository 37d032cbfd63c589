"""Group generations in the engine: carried through merged consumptions
(replans, update_plan) and learned from the DB's group rules."""
from valet.db import inventory as db_inventory
from valet.engine import manager
from valet.engine.model import datacenter as dc_model
from valet.engine.model import loader
from valet.tests.functional import fixtures


def test_merge_keeps_group_swaps_and_drops_cancelled_rows():
    placed = {'hosts': {'h1': {'generation': 4, 'vcpus': 2}},
              'pools': {}, 'groups': {'web': 3}}
    released = {'hosts': {'h1': {'generation': 4, 'vcpus': -2},
                          'h2': {'generation': 1, 'vcpus': -1}},
                'pools': {}}
    merged = manager._merge(placed, released)
    # A member that stays on its host: no host delta, but it was still
    # (re)added to the group, so the group swap remains.
    assert merged == {'hosts': {'h2': {'generation': 1, 'vcpus': -1}},
                      'pools': {}, 'racks': {}, 'groups': {'web': 3}}
    consumption = db_inventory.Consumption.from_dict(merged)
    assert consumption.groups == {'web': 3}
    assert consumption.next_generations()['groups'] == {'web': 4}
    assert 'groups' not in manager._merge(released)


def test_model_learns_group_generations_and_snapshots_them():
    inventory = loader.load_datacenter(
        fixtures.example('datacenters', 'small.yaml'))
    rules = {'div': {'type': 'diversity', 'level': 'rack', 'generation': 7}}
    model = dc_model.Datacenter.build(inventory, groups=rules)
    assert model.groups == {'div': {'type': 'diversity', 'level': 'rack'}}
    assert model.group_generations == {'div': 7}
    assert model.snapshot()['group_generations'] == {'div': 7}
    # Caught up: the DB's newer generation wins; a type-only definition
    # (a decision's groups) leaves it alone.
    model.define_groups({'div': dict(rules['div'], generation=9)})
    model.define_groups({'div': {'type': 'diversity', 'level': 'rack'}})
    assert model.group_generations == {'div': 9}
    other = dc_model.Datacenter.build(inventory, groups=rules)
    assert other.snapshot() != model.snapshot()
