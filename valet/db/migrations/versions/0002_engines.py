"""Engines: one row per running valet-engine, for status and metrics.

Revision ID: 0002_engines
Revises: 0001_initial
Create Date: 2026-12-02 04:15:00
"""
from alembic import op
import sqlalchemy as sa

revision = '0002_engines'
down_revision = '0001_initial'
branch_labels = None
depends_on = None

TABLE_ARGS = {'mysql_engine': 'InnoDB', 'mysql_charset': 'utf8mb4',
              'mysql_collate': 'utf8mb4_bin'}


def upgrade():
    # Engines write their own row (heartbeat); valet-api only reads.
    op.create_table(
        'engines',
        sa.Column('engine_id', sa.String(255), nullable=False),
        sa.Column('host', sa.String(255), nullable=False),
        sa.Column('version', sa.String(64)),
        sa.Column('started_at', sa.DateTime, nullable=False),
        sa.Column('heartbeat_at', sa.DateTime, nullable=False),
        sa.Column('generation', sa.Integer),
        sa.Column('hosts', sa.Integer),
        sa.Column('plans', sa.Integer),
        sa.Column('last_sync_at', sa.DateTime),
        sa.Column('metrics', sa.JSON),
        sa.PrimaryKeyConstraint('engine_id', name='pk_engines'),
        **TABLE_ARGS)
    op.create_index('ix_engines_heartbeat_at', 'engines', ['heartbeat_at'])


def downgrade():
    op.drop_table('engines')
