"""Walk every migration on sqlite, MariaDB and PostgreSQL, one revision at
a time, and check the models and the migrations agree."""
import pytest
import sqlalchemy as sa

from valet.db import api
from valet.db import migration
from valet.db import models
from valet.tests import base_services
from valet.tests.unit.db import helpers


def test_walk_sqlite(tmp_path):
    helpers.walk_migrations('sqlite:///%s' % (tmp_path / 'walk.sqlite'))


def test_walk_mysql(mysql_url):
    helpers.walk_migrations(mysql_url)
    engine = sa.create_engine(api.effective_url(mysql_url))
    try:
        with engine.connect() as connection:
            rows = connection.execute(sa.text(
                'SELECT table_name, engine, table_collation '
                'FROM information_schema.tables '
                'WHERE table_schema = DATABASE()')).all()
    finally:
        engine.dispose()
    ours = {r[0]: r[1:] for r in rows if r[0] in models.Base.metadata.tables}
    assert set(ours) == set(models.Base.metadata.tables)
    assert set(ours.values()) == {('InnoDB', 'utf8mb4_bin')}


def test_walk_postgresql(postgresql_url):
    helpers.walk_migrations(postgresql_url)


@pytest.mark.parametrize('backend', ['mysql', 'postgresql'])
def test_version_of_empty_and_stamped(backend):
    with base_services.temporary_database(backend) as url:
        assert migration.version(url) is None
        migration.stamp(url)
        assert migration.version(url) == migration.head()
