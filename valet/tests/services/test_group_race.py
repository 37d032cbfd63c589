"""Two engines adding members to the same existing rack-diversity group at
the same time, on different hosts of one rack: no host, rack or pool row
is shared, so only the group's generation (compare-and-swapped by every
decision that adds members to an existing group) stops the stale engine."""
import uuid

import pytest

from valet import context as valet_context
from valet.db import inventory as db_inventory
from valet.db import placements as db_placements
from valet import exception
from valet.tests.services import engines
from valet.tests import rules

GROUP = 'spread'


def _ctx():
    return valet_context.RequestContext(project_id='p1', roles=['member'],
                                        request_id='req-%s' % uuid.uuid4(),
                                        overwrite=False)


def _member():
    return {'type': 'OS::Nova::Server', 'properties': {
        'flavor': 'm1.small', 'metadata': {'valet': {'groups': [GROUP]}}}}


@pytest.fixture(params=['mysql', 'postgresql'])
def two_engines(request):
    with engines.racing_engines(request.param) as (_, dbs, managers):
        yield dbs[0], managers


def _group():
    return {'type': 'OS::Valet::Group', 'properties': {
        'name': GROUP, 'type': 'diversity', 'level': 'rack'}}


def test_stale_engine_loses_the_group_swap_and_keeps_rack_diversity(
        two_engines, monkeypatch):
    db, (e1, e2) = two_engines
    # The group exists, created by a first plan with one member.
    e1.create_plan(_ctx(), 'a', 'a', {'g': _group(), 'a1': _member()})
    _race(db, e1, e2, monkeypatch, {'c1': _member()},
          {'b1': _member()}, ['a1', 'b1', 'c1'], generation=3)


def test_two_plans_creating_the_same_group_cannot_both_win(
        two_engines, monkeypatch):
    """Both plans define the group as new; e1's commits first, so e2's
    insert finds it and e2's swap (expecting the new group's 0) fails."""
    db, (e1, e2) = two_engines
    _race(db, e1, e2, monkeypatch, {'g': _group(), 'c1': _member()},
          {'g': _group(), 'b1': _member()}, ['b1', 'c1'], generation=2)


def _race(db, e1, e2, monkeypatch, mine, theirs, members, generation):
    conflicts = []
    apply_consumption = db_inventory.apply_consumption

    def recording(session, consumption):
        try:
            return apply_consumption(session, consumption)
        except exception.GenerationConflict as err:
            conflicts.append(err.kwargs)
            raise
    monkeypatch.setattr(db_inventory, 'apply_consumption', recording)

    # The race, made deterministic: e2 (up to date when it starts) decides
    # where c1 goes; before it commits, e1 puts b1 on another host of that
    # very rack.  e2's model does not know b1: its decision breaks rack
    # diversity, and no host or rack row of it moved.
    place = e2._place
    raced = []

    def place_while_e1_commits(request, **kwargs):
        decision = place(request, **kwargs)
        if not raced:
            host = decision.placements['c1'].location
            rack = e2.datacenter.hosts[host].rack
            others = [h for h in e2.datacenter.racks[rack].hosts if h != host]
            raced.append(e1.create_plan(_ctx(), 'b', 'b', theirs,
                                        locations=others))
            assert raced[0]['placements']['b1']['rack'] == rack
        return decision
    monkeypatch.setattr(e2, '_place', place_while_e1_commits)
    e2.create_plan(_ctx(), 'c', 'c', mine)

    assert raced
    # e2 lost on the group alone, caught up and decided again.
    assert conflicts == [{'detail': 'stale generation of groups %s' % GROUP,
                          'hosts': [], 'pools': [], 'racks': [],
                          'groups': [GROUP]}]
    ctx = valet_context.get_admin_context()
    rows = {r['orchestration_id']: r
            for r in db_placements.load_all(db, ctx)}
    assert sorted(rows) == members
    rules.assert_diversity(rows, members, 'rack')
    # Capacity: the stored usage is exactly what the placements add up to
    # and fits every host.
    state = db_inventory.load_state(db, ctx)['hosts']
    used = {}
    for row in rows.values():
        used[row['location']] = used.get(row['location'], 0) + row['vcpus']
    for name, row in state.items():
        assert row['vcpus_used'] == used.get(name, 0)
        assert row['vcpus_used'] <= e2.datacenter.hosts[name].vcpus
    # One swap per decision that added members (the group was created at
    # 0); e2 committed last and knows it, e1 knows what it committed.
    groups = db_placements.load_group_rules(db, ctx)
    assert groups[GROUP]['generation'] == generation
    assert e1.datacenter.group_generations[GROUP] == generation - 1
    assert e2.datacenter.group_generations[GROUP] == generation
