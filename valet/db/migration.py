"""Schema migrations (alembic), as ``valet-manage db sync`` runs them.

The alembic scripts live next to this module, so this works from an
installed package as well as from the source tree; no alembic.ini needed.
"""
import contextlib
import os

from alembic import command
from alembic import config as alembic_config
from alembic import migration as alembic_migration
from alembic import script as alembic_script
from oslo_db.sqlalchemy import engines

from valet.db import api

MIGRATIONS_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                              'migrations')


def _config(connection=None):
    config = alembic_config.Config()
    config.set_main_option('script_location', MIGRATIONS_DIR)
    if connection is not None:
        # env.py runs on this connection; the URL is there for offline mode.
        config.attributes['connection'] = connection
        url = connection.engine.url.render_as_string(hide_password=False)
        # ConfigParser interpolation: a '%' in a password must be doubled.
        config.set_main_option('sqlalchemy.url', url.replace('%', '%%'))
    return config


@contextlib.contextmanager
def _connect(connection_url):
    url = api.effective_url(connection_url)
    # oslo.db's engine: same sql_mode and error translation as the service;
    # max_retries=0 fails fast instead of waiting for the server.  sqlite
    # foreign keys stay off: batch migrations copy and drop tables, and a
    # DROP would cascade into the child tables.
    engine = engines.create_engine(url, max_retries=0, sqlite_fk=False,
                                   mysql_sql_mode='TRADITIONAL',
                                   thread_checkin=False)
    try:
        with engine.connect() as connection:
            yield connection
    finally:
        engine.dispose()


def upgrade(connection_url, revision='head'):
    """Upgrade the schema at ``connection_url`` to ``revision``."""
    with _connect(connection_url) as connection:
        command.upgrade(_config(connection), revision)


def downgrade(connection_url, revision):
    """Downgrade to ``revision`` ('base' drops every table)."""
    with _connect(connection_url) as connection:
        command.downgrade(_config(connection), revision)


def stamp(connection_url, revision='head'):
    """Record ``revision`` as current without running anything."""
    with _connect(connection_url) as connection:
        command.stamp(_config(connection), revision)


def version(connection_url):
    """The current revision, or None for an unversioned database."""
    with _connect(connection_url) as connection:
        context = alembic_migration.MigrationContext.configure(connection)
        return context.get_current_revision()


def revisions():
    """Every revision id, oldest first."""
    scripts = alembic_script.ScriptDirectory.from_config(_config())
    return [script.revision
            for script in reversed(list(scripts.walk_revisions()))]


def head():
    scripts = alembic_script.ScriptDirectory.from_config(_config())
    return scripts.get_current_head()

