"""Idempotency: the answer to every (request_id, action, stack_id).

A retried RPC call (the caller timed out, the answer was lost) must get the
first answer and never book twice.  The answer is recorded in the same
transaction as the decision it describes, so both exist or neither does.
"""
import functools

import sqlalchemy as sa

from valet.db import api
from valet.db import inventory
from valet.db import models


def _key(request_id, action, stack_id):
    """The conditions on a request's key; ``stack_id``: '' rather than
    NULL (NULLs never collide in a unique constraint)."""
    return (models.Request.request_id == request_id,
            models.Request.action == action,
            models.Request.stack_id == stack_id)


@api.reads
def get_answer(db, context, request_id, action, stack_id):
    """The recorded response, or None if this request was not answered."""
    with db.reader(context) as session:
        return session.scalar(sa.select(models.Request.response)
                              .where(*_key(request_id, action,
                                           stack_id or '')))


@functools.cache
def _answer_and_generations_query(keyed):
    """Built once per shape, with bound parameters: it runs before every
    decision, and building it again cost more than running it."""
    answer = (sa.select(models.Request.response).where(*_key(
        sa.bindparam('request_id'), sa.bindparam('action'),
        sa.bindparam('stack_id'))).scalar_subquery()
        if keyed else sa.null())
    return sa.select(answer, *inventory.generation_total_columns())


@api.reads
def answer_and_generations(db, context, key=None):
    """``(answer, generation totals)`` in one round trip: what an engine
    reads before every decision (``key``: (request_id, action, stack_id),
    None for no idempotency; the answer is then None).  The totals are
    :func:`valet.db.inventory.generation_totals`."""
    params = (dict(zip(('request_id', 'action', 'stack_id'),
                       (key[0], key[1], key[2] or ''))) if key else {})
    with db.reader(context) as session:
        row = session.connection().execute(
            _answer_and_generations_query(bool(key)), params).one()
    return row[0], tuple(int(value) for value in row[1:])


# Built once: a statement built per call costs more than the insert.
_INSERT_ANSWER = sa.insert(models.Request.__table__)


def record_answer(session, request_id, action, stack_id, response):
    """Record ``response`` inside the caller's (decision's) transaction.

    A second answer to the same key raises oslo.db's DBDuplicateEntry.
    """
    session.connection().execute(_INSERT_ANSWER, {
        'request_id': request_id, 'action': action,
        'stack_id': stack_id or '', 'response': response})


@api.writes
def purge_answers(db, context, before):
    """Forget answers recorded before the naive-UTC datetime ``before``;
    returns how many."""
    with db.writer(context) as session:
        result = session.execute(sa.delete(models.Request)
                                 .where(models.Request.created_at < before))
        return result.rowcount
