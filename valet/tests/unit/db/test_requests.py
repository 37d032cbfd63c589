"""valet.db.requests: idempotency answers."""
import datetime

from oslo_db import exception as db_exc
import pytest

from valet.db import requests as db_requests


def _record(db, ctx, request_id, action, stack_id, response):
    with db.writer(ctx) as session:
        db_requests.record_answer(session, request_id, action, stack_id,
                                  response)


def test_record_and_get(db, ctx):
    assert db_requests.get_answer(db, ctx, 'r1', 'create_plan', 's1') is None
    answer = {'id': 'plan', 'placements': {'a': {'location': 'h1'}}}
    _record(db, ctx, 'r1', 'create_plan', 's1', answer)
    assert db_requests.get_answer(db, ctx, 'r1', 'create_plan',
                                  's1') == answer
    # The whole key counts.
    assert db_requests.get_answer(db, ctx, 'r1', 'update_plan',
                                  's1') is None
    assert db_requests.get_answer(db, ctx, 'r1', 'create_plan',
                                  's2') is None
    assert db_requests.get_answer(db, ctx, 'r2', 'create_plan',
                                  's1') is None


def test_no_stack_is_empty_string(db, ctx):
    _record(db, ctx, 'r1', 'schedule_instance', None, {'location': 'h'})
    assert db_requests.get_answer(db, ctx, 'r1', 'schedule_instance',
                                  '') == {'location': 'h'}
    assert db_requests.get_answer(db, ctx, 'r1', 'schedule_instance',
                                  None) == {'location': 'h'}


def test_second_answer_is_refused(db, ctx):
    _record(db, ctx, 'r1', 'create_plan', 's1', {'first': True})
    with pytest.raises(db_exc.DBDuplicateEntry):
        _record(db, ctx, 'r1', 'create_plan', 's1', {'second': True})
    assert db_requests.get_answer(db, ctx, 'r1', 'create_plan',
                                  's1') == {'first': True}


def test_purge_answers(db, ctx):
    _record(db, ctx, 'r1', 'create_plan', 's1', {})
    now = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
    future = now + datetime.timedelta(minutes=1)
    past = now - datetime.timedelta(days=1)
    assert db_requests.purge_answers(db, ctx, past) == 0
    assert db_requests.purge_answers(db, ctx, future) == 1
    assert db_requests.get_answer(db, ctx, 'r1', 'create_plan', 's1') is None
