"""Named groups are global: nested stacks are separate plans that share
affinity, diversity and exclusivity groups at host and rack level.

Each scenario decides two or three plans in turn on one model (applying
each decision, as the engine does after its commit) and then checks every
relation over the union of all placements.
"""
import pytest

from valet.engine.optimizer import search
from valet.tests.unit.engine import fixtures as fx

ATTR = {'host': 'location', 'rack': 'rack', 'zone': 'zone'}


def run_plans(dc, plans, groups):
    """Decide ``plans`` (resources dicts) in order; the first one defines
    ``groups``, later ones only reference them."""
    known, placed = {}, {}
    for index, resources in enumerate(plans):
        req = fx.plan(dc, resources, groups=groups if index == 0 else None,
                      known=known)
        result = search.place(dc, req)
        fx.check_decision(dc, req, result)
        dc.apply(result)
        placed.update(result.placements)
        known.update({name: dict(spec, name=name, members=[])
                      for name, spec in groups.items()})
    return placed


def members(placed, group):
    return [k for k, loc in placed.items() if group in loc.groups]


def check(placed, group, kind, level):
    attr = ATTR[level]
    mine = [getattr(placed[k], attr) for k in members(placed, group)]
    if kind == 'affinity':
        assert len(set(mine)) == 1, mine
    elif kind == 'diversity':
        assert len(set(mine)) == len(mine), mine
    else:
        others = {getattr(loc, attr) for k, loc in placed.items()
                  if group not in loc.groups}
        assert not set(mine) & others, (mine, others)


def stack_level(tag, groups, count=2, outsiders=1):
    res = {'%s-%d' % (tag, i): fx.server(groups=groups)
           for i in range(count)}
    res.update({'%s-out-%d' % (tag, i): fx.server()
                for i in range(outsiders)})
    return res


@pytest.mark.parametrize('plans', [2, 3])
@pytest.mark.parametrize('kind', ['affinity', 'diversity', 'exclusivity'])
@pytest.mark.parametrize('level', ['host', 'rack'])
def test_nested_stacks_share_a_group(plans, kind, level):
    dc = fx.make_dc({'z': {'a': 4, 'b': 4, 'c': 4, 'd': 4}})
    count = 1 if kind == 'diversity' and level == 'rack' else 2
    groups = {'g': {'type': kind, 'level': level}}
    placed = run_plans(dc, [stack_level('lvl%d' % i, ['g'], count)
                            for i in range(plans)], groups)
    assert len(members(placed, 'g')) == plans * count
    check(placed, 'g', kind, level)


@pytest.mark.parametrize('plans', [2, 3])
def test_nested_stacks_mixing_all_group_types(plans):
    # Each level has a web tier spread over hosts, an app pair held in one
    # rack, and a database that owns its hosts -- all groups shared.
    dc = fx.make_dc({'z': {'a': 4, 'b': 4, 'c': 4, 'd': 4}})
    groups = {'web': {'type': 'diversity', 'level': 'host'},
              'app': {'type': 'affinity', 'level': 'rack'},
              'db': {'type': 'exclusivity', 'level': 'host'},
              'racks': {'type': 'diversity', 'level': 'rack'}}
    stacks = []
    for i in range(plans):
        res = stack_level('web%d' % i, ['web'], 2, outsiders=1)
        res.update(stack_level('app%d' % i, ['app'], 2, outsiders=0))
        res.update(stack_level('db%d' % i, ['db'], 1, outsiders=0))
        res['edge%d' % i] = fx.server(groups=['racks'])
        res['p%d' % i] = fx.pipe('web%d-0' % i, 'app%d-0' % i, 200)
        stacks.append(res)
    placed = run_plans(dc, stacks, groups)
    check(placed, 'web', 'diversity', 'host')
    check(placed, 'app', 'affinity', 'rack')
    check(placed, 'db', 'exclusivity', 'host')
    check(placed, 'racks', 'diversity', 'rack')


def test_exclusive_rack_of_a_parent_stays_closed_to_the_child():
    dc = fx.make_dc({'z': {'a': 2, 'b': 2, 'c': 2}})
    groups = {'own': {'type': 'exclusivity', 'level': 'rack'}}
    parent = stack_level('parent', ['own'], 2, outsiders=0)
    child = {'child-%d' % i: fx.server('m1.large') for i in range(6)}
    grandchild = stack_level('grand', ['own'], 1, outsiders=2)
    placed = run_plans(dc, [parent, child, grandchild], groups)
    check(placed, 'own', 'exclusivity', 'rack')
    own = {placed[k].rack for k in members(placed, 'own')}
    assert len(own) == 1
