"""sqlite writers take the write lock when they begin (valet.db.api):
a writer that reads first waits for another connection's write instead
of failing with "database is locked", and reads what it committed."""
import threading

import sqlalchemy as sa

from valet import context as valet_context
from valet.db import api


def _ctx():
    # One context per thread: enginefacade keeps the transaction on it.
    return valet_context.get_admin_context()


def test_writer_that_reads_first_waits_for_the_other_writer(tmp_path):
    url = 'sqlite:///%s' % (tmp_path / 'writers.sqlite')
    first, second = api.Database(url), api.Database(url)
    with first.writer(_ctx()) as session:
        session.execute(sa.text('CREATE TABLE t (n INTEGER)'))
        session.execute(sa.text('INSERT INTO t VALUES (0)'))
    writing, release = threading.Event(), threading.Event()

    def hold_the_write_lock():
        with first.writer(_ctx()) as session:
            session.execute(sa.text('UPDATE t SET n = n + 1'))
            writing.set()
            release.wait(10)

    holder = threading.Thread(target=hold_the_write_lock)
    holder.start()
    try:
        assert writing.wait(10)
        # Let the holder commit while the second writer waits to begin.
        threading.Timer(0.3, release.set).start()
        with second.writer(_ctx()) as session:
            seen = session.execute(sa.text('SELECT n FROM t')).scalar()
            session.execute(sa.text('UPDATE t SET n = :n'), {'n': seen + 10})
    finally:
        release.set()
        holder.join(10)
    # The second writer read the first one's commit: no lost update.
    assert seen == 1
    with first.reader(_ctx()) as session:
        assert session.execute(sa.text('SELECT n FROM t')).scalar() == 11
    first.dispose()
    second.dispose()
