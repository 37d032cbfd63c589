"""The engine's GroupLookup: the groups a plan defines in one read."""
import pytest
import sqlalchemy as sa

from valet import context as valet_context
from valet.db import groups as db_groups
from valet.engine.model import inventory
from valet.engine.model import request as plan_request
from valet.engine import replans
from valet.tests.unit.db import helpers


@pytest.fixture
def db():
    database = helpers.sqlite_database()
    yield database
    database.dispose()


def _statements(db):
    seen = []

    def count(conn, cursor, statement, *args):
        if 'FROM groups' in statement:
            seen.append(statement)
    sa.event.listen(db.get_engine(), 'before_cursor_execute', count)
    return seen


def _plan(*groups):
    resources = {}
    for name, kind in groups:
        resources['g-' + name] = {'type': 'OS::Valet::Group', 'properties': {
            'name': name, 'type': kind, 'level': 'host'}}
    resources['s0'] = {'type': 'OS::Nova::Server', 'properties': {
        'flavor': 'm1.small', 'metadata': {'valet': {
            'groups': [name for name, _ in groups]}}}}
    return resources


def test_plan_groups_are_read_at_once(db):
    ctx = valet_context.RequestContext(project_id='p1', overwrite=False)
    db_groups.create_group(db, ctx, 'old', 'diversity', 'host')
    seen = _statements(db)
    lookup = replans.GroupLookup(db, ctx)
    request = plan_request.parse_plan(
        _plan(('old', 'diversity'), ('new', 'affinity')),
        flavors={f.name: f for f in inventory.BUILTIN_FLAVORS},
        known_groups=lookup, project_id='p1')
    # One read for both names; the existing group is known, the new one new.
    assert len(seen) == 1
    assert request.groups['old'].new is False
    assert request.groups['new'].new is True
    assert sorted(lookup) == ['old']


def test_malformed_group_names_are_left_to_the_parse(db):
    ctx = valet_context.RequestContext(project_id='p1', overwrite=False)
    lookup = replans.GroupLookup(db, ctx)
    lookup.prefetch(['a', {'not': 'a name'}, None, 'a'])
    assert 'a' not in lookup and len(lookup) == 0
