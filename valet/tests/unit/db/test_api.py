"""valet.db.api: Database objects, transactions, error mapping."""
from oslo_db import exception as db_exc
import pytest
import sqlalchemy as sa

from valet import conf as valet_conf
from valet.db import api
from valet.db import groups as db_groups
from valet.db import models
from valet import exception
from valet.tests.unit.db import helpers


def test_from_conf(tmp_path, ctx):
    conf = valet_conf.new_conf([], default_config_files=[])
    url = 'sqlite:///%s' % (tmp_path / 'valet.sqlite')
    conf.set_override('connection', url, group='database')
    conf.set_override('max_retries', 0, group='database')
    db = api.Database.from_conf(conf)
    assert db.backend == 'sqlite'
    assert str(db.get_engine().url) == url
    models.Base.metadata.create_all(db.get_engine())
    db_groups.create_group(db, ctx, 'g', 'affinity', 'host')
    db.dispose()
    assert db_groups.get_group(db, ctx, 'g')['name'] == 'g'   # reconnects


def test_databases_are_independent(ctx):
    one, two = helpers.sqlite_database(), helpers.sqlite_database()
    db_groups.create_group(one, ctx, 'g', 'affinity', 'host')
    assert db_groups.list_groups(two, ctx) == []
    # A writer on one database inside a writer on the other stays apart.
    with one.writer(ctx):
        db_groups.create_group(two, ctx, 'h', 'affinity', 'host')
    assert [g['name'] for g in db_groups.list_groups(one, ctx)] == ['g']
    assert [g['name'] for g in db_groups.list_groups(two, ctx)] == ['h']


def test_sqlite_foreign_keys_are_on(db):
    with db.get_engine().connect() as connection:
        assert connection.scalar(sa.text('PRAGMA foreign_keys')) == 1


def test_mysql_url_gets_utf8mb4():
    assert api.effective_url('mysql+pymysql://u:p%40ss@h/valet') == (
        'mysql+pymysql://u:p%40ss@h/valet?charset=utf8mb4')
    assert api.effective_url('mysql+pymysql://h/v?charset=latin1') == (
        'mysql+pymysql://h/v?charset=latin1')
    assert api.effective_url('sqlite://') == 'sqlite://'


def test_writer_rolls_back_on_error(db, ctx):
    with pytest.raises(RuntimeError):
        with db.writer(ctx) as session:
            session.execute(sa.insert(models.Zone).values(name='z'))
            raise RuntimeError('boom')
    assert helpers.count(db, models.Zone) == 0
    with db.writer(ctx) as session:
        session.execute(sa.insert(models.Zone).values(name='z'))
        # A nested writer (e.g. a resource function) joins the outer one.
        with db.writer(ctx) as inner:
            assert inner is session
    with db.reader(ctx) as session:
        assert session.scalar(sa.select(models.Zone.name)) == 'z'


@pytest.mark.parametrize('url', [
    # Nothing listens on port 1: connecting fails at once.
    'mysql+pymysql://root@127.0.0.1:1/valet',
    'postgresql+psycopg2://root@127.0.0.1:1/valet',
    'sqlite:////nonexistent/directory/valet.sqlite',
])
def test_connection_errors_become_database_unavailable(ctx, url):
    db = api.Database(url, max_retries=0)
    with pytest.raises(exception.DatabaseUnavailable) as raised:
        db_groups.list_groups(db, ctx)
    assert raised.value.code == 503
    with pytest.raises(exception.DatabaseUnavailable):
        db_groups.create_group(db, ctx, 'g', 'affinity', 'host')


def test_writes_retry_deadlocks(monkeypatch):
    monkeypatch.setattr('oslo_db.api.time.sleep', lambda seconds: None)
    calls = []

    @api.writes
    def flaky(fail_times):
        calls.append(1)
        if len(calls) <= fail_times:
            raise db_exc.DBDeadlock()
        return 'done'

    assert flaky(2) == 'done' and len(calls) == 3
    calls.clear()
    with pytest.raises(db_exc.DBDeadlock):
        flaky(10)
    assert len(calls) == 6          # the first try and 5 retries


def test_reads_do_not_retry():
    calls = []

    @api.reads
    def broken():
        calls.append(1)
        raise db_exc.DBDeadlock()

    with pytest.raises(db_exc.DBDeadlock):
        broken()
    assert len(calls) == 1
