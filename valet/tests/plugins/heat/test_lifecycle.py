"""ValetLifecyclePlugin on real Heat stacks (DESIGN §2 flows 1 and 5)."""
import logging

from valet.plugins.heat import lifecycle
from valet.tests.functional import fixtures
from valet.tests.plugins.heat import helpers
from valet.tests import rules

FILES = ('tier.yaml',)


def get_plan(aio, stack_id):
    res = fixtures.Client(aio.app)('GET', '/v1/plans/%s' % stack_id)
    return res.status_int, res.json


def placements(aio, stack_id):
    res = fixtures.Client(aio.app)('GET', '/v1/placements?stack_id=%s'
                                   % stack_id)
    assert res.status_int == 200, res.text
    return {p['orchestration_id']: p for p in res.json['placements']}


def test_heat_loads_the_plugin_and_the_resources(heat_conf):
    assert any(isinstance(p, lifecycle.ValetLifecyclePlugin)
               for p in helpers.plugins())
    registry = helpers.resources.global_env().registry
    for name in ('OS::Valet::Group', 'OS::Valet::GroupAssignment',
                 'OS::Valet::Pipe', 'ATT::Valet::GroupAssignment',
                 'ATT::Valet::Pipe'):
        assert registry.get_resource_info(name) is not None, name


def test_create_plans_every_stack_level(valet_heat, aio):
    ctx = helpers.context()
    top = helpers.new_stack(ctx, 'app.yaml', FILES)
    helpers.pre_create(top)
    status, body = get_plan(aio, top.id)
    assert status == 200, body
    planned = body['plan']['placements']
    servers = {r.name: r for r in top.resources.values()
               if r.type() == 'OS::Nova::Server'}
    # Keyed by the Heat resource uuid, named by the resource name.
    assert {k: v['name'] for k, v in planned.items()} == {
        r.uuid: r.name for r in list(servers.values()) + [top['db-data']]}
    rows = placements(aio, top.id)
    rules.assert_diversity(rows, [top['web-1'].uuid, top['web-2'].uuid],
                           'rack')
    meta = rows[top['db'].uuid]['metadata']
    assert meta['heat_resource_uuid'] == top['db'].uuid
    assert meta['heat_stack_id'] == top.id
    assert meta['heat_root_stack_id'] == top.id
    assert meta['heat_resource_name'] == 'db'
    # Nested stacks (type: tier.yaml) are plans of their own, in one rack.
    children = [helpers.nested_stack(top, 'tier-a'),
                helpers.nested_stack(top, 'tier-b')]
    apps = []
    for child in children:
        helpers.pre_create(child)
        rows = placements(aio, child.id)
        (key, row), = rows.items()
        assert key == child['app'].uuid
        assert row['metadata']['heat_root_stack_id'] == top.id
        assert row['metadata']['heat_path_in_stack'][-1].startswith(
            child.parent_resource_name + ',')
        apps.append(row)
    assert apps[0]['rack'] == apps[1]['rack']


def test_refusal_fails_the_stack_with_the_reason(valet_heat, aio):
    ctx = helpers.context()
    stack = helpers.new_stack(ctx, 'too-wide.yaml')
    # Stack.create's task: the pre-ops first, and it stops there on failure.
    helpers.scheduler.TaskRunner(stack.stack_task, action=stack.CREATE)(
        timeout=60)
    assert stack.state == (stack.CREATE, stack.FAILED)
    assert 'Valet refused the placement' in stack.status_reason
    assert 'too-wide' in stack.status_reason
    assert get_plan(aio, stack.id)[0] == 404


def test_update_and_delete_release_capacity(valet_heat, aio):
    ctx = helpers.context()
    top = helpers.new_stack(ctx, 'app.yaml', FILES)
    helpers.pre_create(top)
    before = placements(aio, top.id)
    web1, web2, db = (top[n].uuid for n in ('web-1', 'web-2', 'db'))
    new = helpers.updated_stack(top, 'app-v2.yaml', FILES)
    helpers.lifecycle_plugin_utils.do_pre_ops(ctx, top, new, 'UPDATE')
    after = placements(aio, top.id)
    assert web2 not in after                         # released
    assert after[web1]['location'] == before[web1]['location']  # pinned
    assert after[db]['flavor'] == 'm1.xlarge'        # resized
    new_key = 'heat:%s/web-3' % top.id               # no uuid yet
    assert new_key in after
    rules.assert_diversity(after, [web1, new_key], 'rack')
    # Delete: released once Heat has deleted the resources.
    helpers.lifecycle_plugin_utils.do_pre_ops(ctx, top, None, 'DELETE')
    assert get_plan(aio, top.id)[0] == 200
    helpers.lifecycle_plugin_utils.do_post_ops(ctx, top, None, 'DELETE')
    assert get_plan(aio, top.id)[0] == 404


def test_update_of_a_stack_valet_never_saw_creates_its_plan(valet_heat,
                                                           aio):
    ctx = helpers.context()
    top = helpers.new_stack(ctx, 'tier.yaml')
    new = helpers.updated_stack(top, 'tier.yaml')
    # e2e-aff is unknown here: define it first through another stack.
    helpers.pre_create(helpers.new_stack(ctx, 'app.yaml', FILES))
    helpers.lifecycle_plugin_utils.do_pre_ops(ctx, top, new, 'UPDATE')
    assert get_plan(aio, top.id)[0] == 200


def test_scheduler_hints_off_is_said_in_the_log(heat_conf, caplog):
    from valet.plugins.heat import checks
    heat_conf.set_override('stack_scheduler_hints', False)
    heat_conf.set_override('convergence_engine', True)
    try:
        with caplog.at_level(logging.WARNING):
            checks._said.clear()
            checks.warn_once(heat_conf)
    finally:
        heat_conf.set_override('stack_scheduler_hints', True)
        heat_conf.set_override('convergence_engine', False)
        checks._said.clear()
    assert 'stack_scheduler_hints is False' in caplog.text
    assert 'convergence_engine is True' in caplog.text
