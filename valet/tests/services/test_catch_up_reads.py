"""An engine catching up with another one on a real database reads only
the groups stamped since the newest it saw, proves by the group totals
that it missed none, and reads all of them when it did: afterwards its
model equals one built from scratch."""
import datetime
import uuid

import pytest
import sqlalchemy as sa

from valet import context as valet_context
from valet import exception
from valet.db import models
from valet.db import placements as db_placements
from valet.tests.services import engines


def _ctx():
    return valet_context.RequestContext(project_id='p1', roles=['member'],
                                        request_id='req-%s' % uuid.uuid4(),
                                        overwrite=False)


def _stack(tag):
    group = {'type': 'OS::Valet::Group', 'properties': {
        'name': tag, 'type': 'diversity', 'level': 'host'}}
    server = {'type': 'OS::Nova::Server', 'properties': {
        'flavor': 'm1.small', 'metadata': {'valet': {'groups': [tag]}}}}
    return {'g': group, 'a': server, 'b': dict(server)}


@pytest.fixture(params=['mysql', 'postgresql'])
def three_engines(request):
    with engines.racing_engines(request.param,
                                names=('e1', 'e2', 'e3')) as (_, dbs, ms):
        yield dbs[0], ms


def _spy_on_group_changes(monkeypatch):
    """The ``since`` of every group_changes read, in order."""
    calls = []
    changes = db_placements.group_changes

    def spy(db, ctx, since=None):
        calls.append(since)
        return changes(db, ctx, since=since)
    monkeypatch.setattr(db_placements, 'group_changes', spy)
    return calls


def _catch_up(manager):
    with manager._lock:
        manager._catch_up(_ctx())


def _fresh(manager):
    with manager._lock:
        manager._reload(_ctx())
    return manager.datacenter.snapshot()


def test_catch_up_reads_new_groups_only_unless_one_was_missed(
        three_engines, monkeypatch):
    db, (e1, e2, e3) = three_engines
    calls = _spy_on_group_changes(monkeypatch)

    e1.create_plan(_ctx(), 'one', 'one', _stack('one'))
    _catch_up(e2)
    assert calls == [None]                  # nothing seen yet: all
    e1.create_plan(_ctx(), 'two', 'two', _stack('two'))
    _catch_up(e2)
    assert len(calls) == 2 and calls[1] is not None
    assert e2.datacenter.group_generations['two'] == 1
    assert e2.datacenter.snapshot() == _fresh(e3)

    # A group bump stamped long ago (another writer's slow clock): the
    # read since the stamp misses it, the totals show it, all are read.
    with db.get_engine().begin() as connection:
        group = models.Group.__table__
        connection.execute(
            sa.update(group).where(group.c.name == 'one').values(
                generation=group.c.generation + 1,
                updated_at=datetime.datetime(2000, 1, 1)))
    del calls[:]
    _catch_up(e2)
    assert len(calls) == 2 and calls[0] is not None and calls[1] is None
    assert e2.datacenter.group_generations == {
        name: rule['generation'] for name, rule in
        db_placements.load_group_rules(db, _ctx()).items()}
    assert e2.datacenter.group_generations['one'] == 2
    assert e2.datacenter.snapshot() == _fresh(e3)


def test_a_lost_group_swap_reads_every_group_again(three_engines,
                                                     monkeypatch):
    db, (e1, e2, _) = three_engines
    e1.create_plan(_ctx(), 'one', 'one', _stack('one'))
    _catch_up(e2)
    calls = _spy_on_group_changes(monkeypatch)
    # A conflict on hosts only keeps the read of recent groups...
    with e2._lock:
        e2._on_conflict(_ctx(), 0, exception.GenerationConflict(
            detail='hosts', hosts=['h1'], groups=[]))
    assert len(calls) == 1 and calls[0] is not None
    # ...one that names a group reads all of them, whatever their stamps.
    with e2._lock:
        e2._on_conflict(_ctx(), 0, exception.GenerationConflict(
            detail='groups', hosts=[], groups=['one']))
    assert calls[1:] == [None]
