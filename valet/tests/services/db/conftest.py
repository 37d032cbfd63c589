"""Each services DB test module gets a throwaway database on MariaDB and
one on PostgreSQL, migrated to head; every test starts from empty tables."""
import pytest

from valet.db import api
from valet.db import migration
from valet.tests import base_services
from valet.tests.unit.db import helpers

ctx = pytest.fixture(helpers.ctx)


@pytest.fixture(scope='module', params=['mysql', 'postgresql'])
def database(request):
    with base_services.temporary_database(request.param) as url:
        migration.upgrade(url)
        db = api.Database(url, max_retries=0)
        try:
            yield db
        finally:
            db.dispose()


@pytest.fixture
def db(database):
    helpers.clear(database)
    return database


# Empty per-module databases for the migration walks.
mysql_url = base_services.mysql_url
postgresql_url = base_services.postgresql_url
