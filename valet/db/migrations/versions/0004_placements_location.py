"""Placements get an index on their location: an engine catching up with
another reads the servers on the hosts that moved, by host name, and
without the index every catch-up scanned every placement.

Revision ID: 0004_placements_location
Revises: 0003_group_generation
Create Date: 2026-12-02 15:45:00
"""
from alembic import op

revision = '0004_placements_location'
down_revision = '0003_group_generation'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_placements_location', 'placements', ['location'])


def downgrade():
    op.drop_index('ix_placements_location', table_name='placements')
