"""valet.db.plans: plans are stored (and deleted) all-or-nothing.

Backend-neutral: the services tests run these on MariaDB and PostgreSQL.
"""
import pytest

from valet.db import groups as db_groups
from valet.db import inventory as db_inventory
from valet.db import models
from valet.db import placements as db_placements
from valet.db import plans as db_plans
from valet.db import requests as db_requests
from valet import exception
from valet.tests.unit.db import helpers

WEB_DIV = {'name': 'web-div', 'type': 'diversity', 'level': 'host',
           'description': 'web servers apart', 'project_id': 'p1'}


def _setup(db, ctx):
    db_inventory.save_inventory(db, ctx, helpers.inventory())


def _create(db, ctx, stack_id='stack-1', request=None, **kwargs):
    usage = {'r1h1': (2, 4096, 40), 'r1h2': (2, 4096, 40)}
    args = dict(
        plan={'name': 'app', 'stack_id': stack_id, 'project_id': 'p1'},
        placements=[
            helpers.server('web-1', 'r1h1', groups=['web-div']),
            helpers.server('web-2', 'r1h2', groups=['web-div']),
            helpers.volume('db-vol', 'cinder@lvm#p1')],
        pipes=[{'name': 'pipe-1', 'source': 'web-1', 'target': 'web-2',
                'bandwidth_mbps': 500}],
        groups=[WEB_DIV],
        consumption=helpers.host_deltas(db, ctx, usage),
        request=request)
    args.update(kwargs)
    return db_plans.create_plan(db, ctx, **args)


def test_create_plan(db, ctx):
    _setup(db, ctx)
    plan = _create(db, ctx)
    assert plan['stack_id'] == 'stack-1'
    assert plan['name'] == 'app' and plan['project_id'] == 'p1'
    assert set(plan['placements']) == {'web-1', 'web-2', 'db-vol'}
    web1 = plan['placements']['web-1']
    assert web1 == {'id': web1['id'], 'name': 'name-web-1',
                    'location': 'r1h1', 'rack': 'r1', 'zone': 'z1',
                    'kind': 'server', 'reserved': False,
                    'resource_id': None}
    assert plan['placements']['db-vol']['kind'] == 'volume'
    # The plan-defined group now exists, with the creator recorded.
    group = db_groups.get_group(db, ctx, 'web-div')
    assert (group['type'], group['level'], group['project_id']) == (
        'diversity', 'host', 'p1')
    # Usage and generations moved by the consumption.
    state = db_inventory.load_state(db, ctx)['hosts']
    assert state['r1h1']['vcpus_used'] == 2
    assert state['r1h1']['memory_mb_used'] == 4096
    assert state['r1h1']['generation'] == 1
    assert state['r1h3']['vcpus_used'] == 0
    assert state['r1h3']['generation'] == 0
    # Placement rows carry sizes, groups, metadata and the project.
    rows = {p['orchestration_id']: p
            for p in db_placements.load_all(db, ctx)}
    assert rows['web-1']['groups'] == ['web-div']
    assert rows['web-1']['vcpus'] == 2
    assert rows['web-1']['metadata'] == {'tier': 'web'}
    assert rows['web-1']['project_id'] == 'p1'
    assert rows['web-1']['stack_id'] == 'stack-1'
    assert db_plans.get_pipes(db, ctx, 'stack-1') == [{
        'id': db_plans.get_pipes(db, ctx, 'stack-1')[0]['id'],
        'name': 'pipe-1', 'source': 'web-1', 'target': 'web-2',
        'bandwidth_mbps': 500}]


def test_get_and_list_plans(db, ctx):
    _setup(db, ctx)
    plan = _create(db, ctx)
    assert db_plans.get_plan(db, ctx, plan['id']) == plan
    assert db_plans.get_plan(db, ctx, 'stack-1') == plan
    other = db_plans.create_plan(
        db, ctx, {'name': 'other', 'stack_id': 'stack-2',
                  'project_id': 'p2'},
        [helpers.server('x-1', 'r2h1')])
    assert [p['stack_id'] for p in db_plans.list_plans(db, ctx)] == [
        'stack-1', 'stack-2']
    assert db_plans.list_plans(db, ctx, project_id='p2') == [other]
    assert db_plans.list_plans(db, ctx, project_id='nobody') == []
    with pytest.raises(exception.PlanNotFound):
        db_plans.get_plan(db, ctx, 'no-such-stack')


def test_plan_exists(db, ctx):
    _setup(db, ctx)
    _create(db, ctx)
    with helpers.no_change(db, models.Host, models.Placement):
        with pytest.raises(exception.PlanExists):
            _create(db, ctx)


def test_plan_exists_by_id_or_stack_id(db, ctx):
    """What the engine asks before deciding a new stack: whether get_plan
    would find a plan."""
    _setup(db, ctx)
    plan = _create(db, ctx)
    assert db_plans.plan_exists(db, ctx, 'stack-1')
    assert db_plans.plan_exists(db, ctx, plan['id'])
    assert not db_plans.plan_exists(db, ctx, 'no-such-stack')


def _group_generations(db, ctx):
    return {name: rules['generation'] for name, rules
            in db_placements.load_group_rules(db, ctx).items()}


def test_create_plan_swaps_group_generations(db, ctx):
    """Groups the consumption names move one generation on, whether the
    plan inserts them (at the generation the swap leaves) or they existed;
    a stale one, new or old, undoes everything."""
    _setup(db, ctx)
    db_groups.create_group(db, ctx, 'old', 'diversity', 'rack')
    old = {'name': 'old', 'type': 'diversity', 'level': 'rack'}

    def create(stack_id, groups, generations, host):
        consumption = helpers.host_deltas(db, ctx, {host: (2, 4096, 40)})
        consumption.groups = dict(generations)
        return db_plans.create_plan(
            db, ctx, plan={'name': 'app', 'stack_id': stack_id},
            placements=[helpers.server('web-1', host,
                                       groups=[g['name'] for g in groups])],
            groups=groups, consumption=consumption)
    create('stack-1', [WEB_DIV, old], {'web-div': 0, 'old': 0}, 'r1h1')
    assert _group_generations(db, ctx) == {'web-div': 1, 'old': 1}
    new = {'name': 'new', 'type': 'affinity', 'level': 'host'}
    with helpers.no_change(db, models.Host, models.Group, models.Plan,
                           models.Placement):
        with pytest.raises(exception.GenerationConflict) as raised:
            # 'new' does not exist: no generation but 0 can be current.
            create('stack-2', [new, old], {'new': 3, 'old': 0}, 'r1h2')
    assert raised.value.kwargs['groups'] == ['new', 'old']
    # A group inserted, not named by the consumption: generation 0.
    create('stack-3', [new], {'old': 1}, 'r1h3')
    assert _group_generations(db, ctx) == {'web-div': 1, 'old': 2,
                                           'new': 0}


def test_create_plan_all_or_nothing_on_conflict(db, ctx):
    """A stale generation on the last host undoes everything before it."""
    _setup(db, ctx)
    consumption = helpers.host_deltas(db, ctx, {'r1h1': (2, 4096, 40),
                                                'r2h4': (2, 4096, 40)})
    consumption.hosts['r2h4'].generation += 7     # another engine won
    tables = (models.Host, models.Rack, models.Pool, models.Plan,
              models.Placement, models.PlacementGroup, models.Pipe,
              models.Group, models.GroupMember, models.Request)
    with helpers.no_change(db, *tables):
        with pytest.raises(exception.GenerationConflict) as raised:
            _create(db, ctx, consumption=consumption,
                    request={'request_id': 'req-1', 'action': 'create_plan',
                             'stack_id': 'stack-1'})
    assert raised.value.kwargs['hosts'] == ['r2h4']
    assert raised.value.code == 409
    assert db_plans.list_plans(db, ctx) == []
    assert db_groups.get_groups_by_name(db, ctx, ['web-div']) == {}
    assert db_requests.get_answer(db, ctx, 'req-1', 'create_plan',
                                  'stack-1') is None
    # The same decision at the right generations then goes through.
    _create(db, ctx)


def test_create_plan_all_or_nothing_on_unknown_group(db, ctx):
    _setup(db, ctx)
    placements = [helpers.server('web-1', 'r1h1', groups=['web-div']),
                  helpers.server('web-2', 'r1h2', groups=['nope'])]
    with helpers.no_change(db, models.Host, models.Group, models.Plan,
                           models.Placement):
        with pytest.raises(exception.GroupNotFound):
            _create(db, ctx, placements=placements)


def test_create_plan_idempotency_record(db, ctx):
    _setup(db, ctx)
    request = {'request_id': 'req-1', 'action': 'create_plan',
               'stack_id': 'stack-1'}
    plan = _create(db, ctx, request=request)
    assert db_requests.get_answer(db, ctx, 'req-1', 'create_plan',
                                  'stack-1') == plan
    assert db_requests.get_answer(db, ctx, 'req-1', 'delete_plan',
                                  'stack-1') is None


def test_delete_plan_releases(db, ctx):
    _setup(db, ctx)
    plan = _create(db, ctx)
    state = db_inventory.load_state(db, ctx)
    release = helpers.host_deltas(db, ctx, {'r1h1': (-2, -4096, -40),
                                            'r1h2': (-2, -4096, -40)})
    deleted = db_plans.delete_plan(
        db, ctx, 'stack-1', consumption=release,
        request={'request_id': 'req-2', 'action': 'delete_plan',
                 'stack_id': 'stack-1'})
    assert deleted['id'] == plan['id']
    web1 = deleted['placements']['web-1']
    assert (web1['vcpus'], web1['memory_mb'], web1['disk_gb']) == (
        2, 4096, 40)
    assert web1['groups'] == ['web-div'] and web1['location'] == 'r1h1'
    after = db_inventory.load_state(db, ctx)['hosts']
    assert after['r1h1']['vcpus_used'] == 0
    assert after['r1h1']['disk_gb_used'] == 0
    assert after['r1h1']['generation'] == (
        state['hosts']['r1h1']['generation'] + 1)
    # Placements, their group links and the pipes went with the plan
    # (ON DELETE CASCADE); the group itself stays.
    for model in (models.Plan, models.Placement, models.PlacementGroup,
                  models.Pipe):
        assert helpers.count(db, model) == 0, model
    assert db_groups.get_group(db, ctx, 'web-div')
    assert db_requests.get_answer(db, ctx, 'req-2', 'delete_plan',
                                  'stack-1') == deleted
    with pytest.raises(exception.PlanNotFound):
        db_plans.delete_plan(db, ctx, 'stack-1')


def test_delete_plan_conflict_keeps_plan(db, ctx):
    _setup(db, ctx)
    _create(db, ctx)
    stale = db_inventory.Consumption(hosts={
        'r1h1': db_inventory.HostDelta(generation=0, vcpus=-2)})
    with helpers.no_change(db, models.Host, models.Plan, models.Placement):
        with pytest.raises(exception.GenerationConflict):
            db_plans.delete_plan(db, ctx, 'stack-1', consumption=stale)


def test_update_plan(db, ctx):
    _setup(db, ctx)
    _create(db, ctx)
    consumption = helpers.host_deltas(db, ctx, {'r2h1': (1, 1024, 10)})
    plan = db_plans.update_plan(
        db, ctx, 'stack-1',
        placements=[{'orchestration_id': 'web-1', 'reserved': True,
                     'resource_id': 'vm-1'},
                    helpers.server('web-3', 'r2h1', rack='r2', vcpus=1,
                                   groups=['web-div'])],
        removed=['web-2'],
        pipes=[{'source': 'web-1', 'target': 'web-3',
                'bandwidth_mbps': 100}],
        consumption=consumption)
    assert set(plan['placements']) == {'web-1', 'web-3', 'db-vol'}
    assert plan['placements']['web-1']['reserved'] is True
    assert plan['placements']['web-1']['resource_id'] == 'vm-1'
    assert plan['placements']['web-3']['location'] == 'r2h1'
    pipes = db_plans.get_pipes(db, ctx, 'stack-1')
    assert [(p['source'], p['target']) for p in pipes] == [('web-1',
                                                            'web-3')]
    web3 = db_placements.get_placement(db, ctx, 'web-3')
    assert web3['groups'] == ['web-div'] and web3['project_id'] == 'p1'
    assert db_inventory.load_state(db, ctx)['hosts']['r2h1'][
        'vcpus_used'] == 1
    with pytest.raises(exception.PlacementNotFound):
        db_plans.update_plan(db, ctx, 'stack-1', removed=['web-2'])


def test_duplicate_orchestration_id_is_invalid(db, ctx):
    _setup(db, ctx)
    twice = [helpers.server('web-1', 'r1h1'), helpers.server('web-1',
                                                             'r1h2')]
    with helpers.no_change(db, models.Host, models.Plan, models.Placement):
        with pytest.raises(exception.InvalidPlan):
            _create(db, ctx, placements=twice)
    _create(db, ctx)
    with pytest.raises(exception.InvalidPlan):
        db_plans.update_plan(db, ctx, 'stack-1', placements=[
            helpers.server('new', 'r1h3'), helpers.server('new', 'r1h4')])


def test_plan_summary_reads_what_get_plan_reads(db, ctx):
    _setup(db, ctx)
    plan = _create(db, ctx)
    db_plans.update_plan(db, ctx, 'stack-1', placements=[
        {'orchestration_id': 'web-1', 'reserved': True,
         'resource_id': 'vm-1'}])
    plan = db_plans.get_plan(db, ctx, 'stack-1')
    for ref in (plan['id'], 'stack-1'):
        assert db_plans.get_plan_summary(db, ctx, ref) == plan
    assert list(db_plans.get_plan_summary(db, ctx, 'stack-1')[
        'placements']) == list(plan['placements'])
    # No placements; and a stack id equal to another plan's id: the id
    # match wins, as in get_plan.
    empty = db_plans.create_plan(
        db, ctx, {'name': 'empty', 'stack_id': plan['id'],
                  'project_id': 'p2'}, [])
    assert empty['placements'] == {}
    assert db_plans.get_plan_summary(db, ctx, empty['id']) == empty
    assert db_plans.get_plan_summary(db, ctx, plan['id']) == plan
    assert db_plans.get_plan(db, ctx, plan['id']) == plan
    with pytest.raises(exception.PlanNotFound):
        db_plans.get_plan_summary(db, ctx, 'no-such-stack')
