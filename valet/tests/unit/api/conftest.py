"""Fixtures for the REST API tests: the real WSGI app (noauth), a sqlite
file with the real schema, and a fake engine client that records calls."""
import pytest

from valet.api import deploy
from valet import conf as valet_conf
from valet.db import api as db_api
from valet.db import migration
from valet.tests.unit.api.helpers import Client
from valet.tests.unit.api.helpers import FakeEngineAPI


@pytest.fixture
def db_url(tmp_path):
    url = 'sqlite:///%s' % (tmp_path / 'valet.sqlite')
    migration.upgrade(url)
    return url


@pytest.fixture
def db(db_url):
    database = db_api.Database(db_url)
    yield database
    database.dispose()


@pytest.fixture
def conf():
    c = valet_conf.new_conf([], default_config_files=[])
    c.set_override('auth_strategy', 'noauth', group='api')
    c.set_override('max_request_body_size', 4096, group='api')
    return c


@pytest.fixture
def engine():
    return FakeEngineAPI()


@pytest.fixture
def app(conf, engine, db):
    return deploy.make_app(conf, engine, db)


@pytest.fixture
def client(app):
    return Client(app)
