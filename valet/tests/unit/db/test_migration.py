"""valet.db.migration on sqlite (MySQL and PostgreSQL: services tests)."""
from valet.db import migration
from valet.tests.unit.db import helpers


def test_walk_sqlite(tmp_path):
    helpers.walk_migrations('sqlite:///%s' % (tmp_path / 'walk.sqlite'))


def test_stamp_and_version(tmp_path):
    url = 'sqlite:///%s' % (tmp_path / 'stamp.sqlite')
    assert migration.version(url) is None
    migration.stamp(url)
    assert migration.version(url) == migration.head()
    assert helpers.tables(url) == {'alembic_version'}


def test_scripts_found_outside_the_source_tree(tmp_path, monkeypatch):
    # alembic must not depend on the working directory or an alembic.ini.
    monkeypatch.chdir(tmp_path)
    assert migration.revisions()[0] == '0001_initial'
    url = 'sqlite:///%s' % (tmp_path / 'cwd.sqlite')
    migration.upgrade(url)
    assert migration.version(url) == migration.head()
