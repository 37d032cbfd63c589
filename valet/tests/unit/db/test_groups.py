"""valet.db.groups: named groups, membership and the in-use rules."""
import pytest

from valet.db import groups as db_groups
from valet.db import inventory as db_inventory
from valet.db import models
from valet.db import plans as db_plans
from valet import exception
from valet.tests.unit.db import helpers


def test_create_get_list(db, ctx):
    group = db_groups.create_group(db, ctx, 'web', 'diversity', 'rack',
                                   description='apart', project_id='p1',
                                   members=['p2', 'p1', 'p2'])
    assert group == {'id': group['id'], 'name': 'web',
                     'description': 'apart', 'type': 'diversity',
                     'level': 'rack', 'project_id': 'p1',
                     'members': ['p1', 'p2']}
    assert db_groups.get_group(db, ctx, group['id']) == group
    assert db_groups.get_group(db, ctx, 'web') == group
    db_groups.create_group(db, ctx, 'app', 'affinity', 'host')
    assert [g['name'] for g in db_groups.list_groups(db, ctx)] == [
        'app', 'web']
    assert db_groups.get_group(db, ctx, 'app')['members'] == []
    assert set(db_groups.get_groups_by_name(
        db, ctx, ['web', 'app', 'nope'])) == {'web', 'app'}
    assert db_groups.get_groups_by_name(db, ctx, []) == {}


def test_create_duplicate_and_invalid(db, ctx):
    db_groups.create_group(db, ctx, 'web', 'diversity', 'host')
    with pytest.raises(exception.GroupExists):
        db_groups.create_group(db, ctx, 'web', 'affinity', 'rack')
    with pytest.raises(exception.InvalidGroup):
        db_groups.create_group(db, ctx, 'x', 'friendship', 'host')
    with pytest.raises(exception.InvalidGroup):
        db_groups.create_group(db, ctx, 'x', 'affinity', 'planet')
    assert helpers.count(db, models.Group) == 1


def test_not_found(db, ctx):
    for call in (lambda: db_groups.get_group(db, ctx, 'nope'),
                 lambda: db_groups.update_group(db, ctx, 'nope', 'd'),
                 lambda: db_groups.delete_group(db, ctx, 'nope'),
                 lambda: db_groups.add_members(db, ctx, 'nope', ['p1']),
                 lambda: db_groups.remove_member(db, ctx, 'nope')):
        with pytest.raises(exception.GroupNotFound):
            call()


def test_update_and_delete(db, ctx):
    group = db_groups.create_group(db, ctx, 'web', 'diversity', 'host')
    updated = db_groups.update_group(db, ctx, 'web', 'new words')
    assert updated == dict(group, description='new words')
    db_groups.delete_group(db, ctx, group['id'])
    with pytest.raises(exception.GroupNotFound):
        db_groups.get_group(db, ctx, 'web')


def test_members_union_and_removal(db, ctx):
    db_groups.create_group(db, ctx, 'web', 'diversity', 'host',
                           members=['p1'])
    group = db_groups.add_members(db, ctx, 'web', ['p3', 'p2', 'p1'])
    assert group['members'] == ['p1', 'p2', 'p3']
    assert db_groups.remove_member(db, ctx, 'web', 'p2')['members'] == [
        'p1', 'p3']
    with pytest.raises(exception.NotFound):
        db_groups.remove_member(db, ctx, 'web', 'p2')
    assert db_groups.remove_member(db, ctx, 'web')['members'] == []
    assert helpers.count(db, models.GroupMember) == 0


def _place_in_group(db, ctx, project_id='p1'):
    db_inventory.save_inventory(db, ctx, helpers.inventory())
    db_plans.create_plan(
        db, ctx, {'name': 'a', 'stack_id': 's1', 'project_id': project_id},
        [helpers.server('web-1', 'r1h1', groups=['web'])])


def test_delete_refused_while_in_use(db, ctx):
    db_groups.create_group(db, ctx, 'web', 'diversity', 'host',
                           members=['p1'])
    with pytest.raises(exception.GroupInUse) as raised:
        db_groups.delete_group(db, ctx, 'web')
    assert 'members' in str(raised.value)
    db_groups.remove_member(db, ctx, 'web')
    _place_in_group(db, ctx)
    with pytest.raises(exception.GroupInUse) as raised:
        db_groups.delete_group(db, ctx, 'web')
    assert '1 placements' in str(raised.value)
    db_plans.delete_plan(db, ctx, 's1')
    db_groups.delete_group(db, ctx, 'web')


def test_remove_member_refused_while_project_has_servers(db, ctx):
    db_groups.create_group(db, ctx, 'web', 'diversity', 'host',
                           members=['p1', 'p2'])
    _place_in_group(db, ctx, project_id='p1')
    with pytest.raises(exception.GroupInUse):
        db_groups.remove_member(db, ctx, 'web', 'p1')
    with pytest.raises(exception.GroupInUse):
        db_groups.remove_member(db, ctx, 'web')
    # p2 has nothing placed in the group: it may go.
    assert db_groups.remove_member(db, ctx, 'web', 'p2')['members'] == [
        'p1']


def test_ensure_groups(db, ctx):
    existing = db_groups.create_group(db, ctx, 'web', 'diversity', 'host')
    with db.writer(ctx) as session:
        ids = db_groups.ensure_groups(session, [
            {'name': 'web', 'type': 'diversity', 'level': 'host'},
            {'name': 'app', 'type': 'affinity', 'level': 'rack',
             'members': ['p1'], 'project_id': 'p1'}])
    app = db_groups.get_group(db, ctx, 'app')
    assert ids == {'web': existing['id'], 'app': app['id']}
    assert app['members'] == ['p1'] and app['level'] == 'rack'
    with pytest.raises(exception.InvalidGroup):
        with db.writer(ctx) as session:
            db_groups.ensure_groups(session, [
                {'name': 'web', 'type': 'affinity', 'level': 'host'}])
    with db.writer(ctx) as session:
        assert db_groups.ensure_groups(session, []) == {}
