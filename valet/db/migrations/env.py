"""Alembic environment for Valet's schema.

``valet.db.migration`` passes an open connection in
``config.attributes['connection']``; the ``alembic`` command line (with an
ini file giving ``sqlalchemy.url``) works too.
"""
from alembic import context
import sqlalchemy as sa

from valet.db import models

config = context.config
target_metadata = models.Base.metadata


def _configure(connection):
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        # One transaction per revision: MySQL cannot roll DDL back, so a
        # failed walk must leave the version table at the last good step.
        transaction_per_migration=True,
        # sqlite can only ALTER through table copies.
        render_as_batch=connection.dialect.name == 'sqlite',
    )


def run_migrations_offline():
    context.configure(url=config.get_main_option('sqlalchemy.url'),
                      target_metadata=target_metadata, literal_binds=True,
                      transaction_per_migration=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    connection = config.attributes.get('connection')
    if connection is not None:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = sa.create_engine(config.get_main_option('sqlalchemy.url'),
                              poolclass=sa.pool.NullPool)
    with engine.connect() as connection:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
