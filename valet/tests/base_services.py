"""Helpers for tests that need real services (DESIGN §9).

RabbitMQ (127.0.0.1:5672 guest/guest), MariaDB/MySQL (127.0.0.1:3306,
root without password) and PostgreSQL (127.0.0.1:5432, trust).  A missing
service skips the test, unless VALET_TEST_REQUIRE_SERVICES=1 (CI), which
turns the skip into a failure.
"""
import contextlib
import os
import socket
import uuid

import pytest
import sqlalchemy as sa

SERVICES = {
    'rabbitmq': ('127.0.0.1', 5672),
    'mysql': ('127.0.0.1', 3306),
    'postgresql': ('127.0.0.1', 5432),
    'redis': ('127.0.0.1', 6379),     # a tooz backend (leader election)
}
REQUIRE_ENV = 'VALET_TEST_REQUIRE_SERVICES'

# Server-level URLs (no database of ours), tried in order.
SERVER_URLS = {
    'mysql': ('mysql+pymysql://root@127.0.0.1/',),
    'postgresql': ('postgresql+psycopg2://root@127.0.0.1/postgres',
                   'postgresql+psycopg2://postgres@127.0.0.1/postgres'),
}


def _unavailable(message):
    if os.environ.get(REQUIRE_ENV) == '1':
        pytest.fail(message)
    pytest.skip(message)


def require_service(name):
    """Skip (or, under VALET_TEST_REQUIRE_SERVICES=1, fail) the calling
    test unless service ``name`` accepts TCP connections."""
    host, port = SERVICES[name]
    try:
        socket.create_connection((host, port), timeout=2).close()
    except OSError as exc:
        _unavailable('%s is not reachable on %s:%d: %s'
                     % (name, host, port, exc))


def server_url(backend):
    """A URL that logs in to the ``backend`` server as a superuser (the
    first of SERVER_URLS that works)."""
    require_service(backend)
    errors = []
    for url in SERVER_URLS[backend]:
        engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
        try:
            with engine.connect():
                return url
        except sa.exc.DBAPIError as exc:
            errors.append('%s: %s' % (url, exc.orig))
        finally:
            engine.dispose()
    _unavailable('cannot log in to %s: %s' % (backend, '; '.join(errors)))


def _admin(url):
    # CREATE/DROP DATABASE cannot run inside a transaction.
    return sa.create_engine(url, poolclass=sa.pool.NullPool,
                            isolation_level='AUTOCOMMIT')


def create_database(backend):
    """Create an empty ``valet_test_<hex>`` database; returns its URL."""
    base = sa.engine.make_url(server_url(backend))
    name = 'valet_test_%s' % uuid.uuid4().hex[:12]
    ddl = 'CREATE DATABASE %s' % name
    if backend == 'mysql':
        ddl += ' CHARACTER SET utf8mb4 COLLATE utf8mb4_bin'
    engine = _admin(base)
    try:
        with engine.connect() as connection:
            connection.execute(sa.text(ddl))
    finally:
        engine.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


def drop_database(url):
    """Drop the database of ``url`` (made by :func:`create_database`)."""
    url = sa.engine.make_url(url)
    backend = url.get_backend_name()
    name = url.database
    assert name.startswith('valet_test_'), name
    engine = _admin(sa.engine.make_url(server_url(backend)))
    try:
        with engine.connect() as connection:
            if backend == 'postgresql':
                # Leftover connections would block the drop.
                connection.execute(sa.text(
                    'SELECT pg_terminate_backend(pid) FROM pg_stat_activity '
                    'WHERE datname = :name AND pid <> pg_backend_pid()'),
                    {'name': name})
            connection.execute(sa.text('DROP DATABASE IF EXISTS %s' % name))
    finally:
        engine.dispose()


@contextlib.contextmanager
def temporary_database(backend):
    """A throwaway database on ``backend`` ('mysql' or 'postgresql'),
    dropped on exit; yields its URL."""
    url = create_database(backend)
    try:
        yield url
    finally:
        drop_database(url)


@pytest.fixture(scope='module')
def mysql_url():
    """A fresh, empty MariaDB/MySQL database for the test module."""
    with temporary_database('mysql') as url:
        yield url


@pytest.fixture(scope='module')
def postgresql_url():
    """A fresh, empty PostgreSQL database for the test module."""
    with temporary_database('postgresql') as url:
        yield url
