"""Groups get a generation: engines compare-and-swap it when they add
members to a group that already exists, so two engines cannot break a
rack- or zone-level rule by placing members on different hosts.

Revision ID: 0003_group_generation
Revises: 0002_engines
Create Date: 2026-12-02 05:45:00
"""
from alembic import op
import sqlalchemy as sa

revision = '0003_group_generation'
down_revision = '0002_engines'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('groups', sa.Column('generation', sa.Integer,
                                      nullable=False, server_default='0'))


def downgrade():
    op.drop_column('groups', 'generation')
