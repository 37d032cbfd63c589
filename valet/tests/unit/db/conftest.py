"""Unit tests of the DB layer run on an in-memory sqlite per test."""
import pytest

from valet.tests.unit.db import helpers

ctx = pytest.fixture(helpers.ctx)


@pytest.fixture
def db():
    database = helpers.sqlite_database()
    yield database
    database.dispose()
