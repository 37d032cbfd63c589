"""Initial schema: groups, plans, placements, pipes, inventory, requests.

Revision ID: 0001_initial
Revises:
Create Date: 2024-01-01 00:00:00
"""
from alembic import op
import sqlalchemy as sa

revision = '0001_initial'
down_revision = None
branch_labels = None
depends_on = None

# Written out rather than imported from valet.db.models: a revision must
# keep creating the schema of its day when the models move on.
TABLE_ARGS = {'mysql_engine': 'InnoDB', 'mysql_charset': 'utf8mb4',
              'mysql_collate': 'utf8mb4_bin'}


def _timestamps():
    return [sa.Column('created_at', sa.DateTime),
            sa.Column('updated_at', sa.DateTime)]


def _int(name, nullable=False):
    return sa.Column(name, sa.Integer, nullable=nullable)


def upgrade():
    op.create_table(
        'groups',
        sa.Column('id', sa.String(36), nullable=False),
        sa.Column('name', sa.String(255), nullable=False),
        sa.Column('description', sa.Text),
        sa.Column('type', sa.String(16), nullable=False),
        sa.Column('level', sa.String(16), nullable=False),
        sa.Column('project_id', sa.String(255)),
        *_timestamps(),
        sa.PrimaryKeyConstraint('id', name='pk_groups'),
        sa.UniqueConstraint('name', name='uniq_groups0name'),
        **TABLE_ARGS)

    op.create_table(
        'group_members',
        sa.Column('id', sa.Integer, autoincrement=True, nullable=False),
        sa.Column('group_id', sa.String(36), nullable=False),
        sa.Column('project_id', sa.String(255), nullable=False),
        sa.PrimaryKeyConstraint('id', name='pk_group_members'),
        sa.ForeignKeyConstraint(['group_id'], ['groups.id'],
                                name='fk_group_members_group_id',
                                ondelete='CASCADE'),
        sa.UniqueConstraint(
            'group_id', 'project_id',
            name='uniq_group_members0group_id0project_id'),
        **TABLE_ARGS)

    op.create_table(
        'plans',
        sa.Column('id', sa.String(36), nullable=False),
        sa.Column('name', sa.String(255)),
        sa.Column('stack_id', sa.String(255), nullable=False),
        sa.Column('project_id', sa.String(255)),
        *_timestamps(),
        sa.PrimaryKeyConstraint('id', name='pk_plans'),
        sa.UniqueConstraint('stack_id', name='uniq_plans0stack_id'),
        **TABLE_ARGS)
    op.create_index('ix_plans_project_id', 'plans', ['project_id'])

    op.create_table(
        'placements',
        sa.Column('id', sa.String(36), nullable=False),
        sa.Column('plan_id', sa.String(36)),
        sa.Column('name', sa.String(255)),
        sa.Column('orchestration_id', sa.String(255), nullable=False),
        sa.Column('resource_id', sa.String(255)),
        sa.Column('kind', sa.String(16), nullable=False),
        sa.Column('location', sa.String(255)),
        sa.Column('rack', sa.String(255)),
        sa.Column('zone', sa.String(255)),
        sa.Column('reserved', sa.Boolean, nullable=False),
        sa.Column('flavor', sa.String(255)),
        _int('vcpus'), _int('memory_mb'), _int('disk_gb'),
        sa.Column('project_id', sa.String(255)),
        sa.Column('metadata', sa.JSON),
        *_timestamps(),
        sa.PrimaryKeyConstraint('id', name='pk_placements'),
        sa.ForeignKeyConstraint(['plan_id'], ['plans.id'],
                                name='fk_placements_plan_id',
                                ondelete='CASCADE'),
        sa.UniqueConstraint(
            'plan_id', 'orchestration_id',
            name='uniq_placements0plan_id0orchestration_id'),
        **TABLE_ARGS)
    op.create_index('ix_placements_orchestration_id', 'placements',
                    ['orchestration_id'])
    op.create_index('ix_placements_resource_id', 'placements',
                    ['resource_id'])

    op.create_table(
        'placement_groups',
        sa.Column('placement_id', sa.String(36), nullable=False),
        sa.Column('group_id', sa.String(36), nullable=False),
        sa.PrimaryKeyConstraint('placement_id', 'group_id',
                                name='pk_placement_groups'),
        sa.ForeignKeyConstraint(['placement_id'], ['placements.id'],
                                name='fk_placement_groups_placement_id',
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['group_id'], ['groups.id'],
                                name='fk_placement_groups_group_id',
                                ondelete='CASCADE'),
        **TABLE_ARGS)
    op.create_index('ix_placement_groups_group_id', 'placement_groups',
                    ['group_id'])

    op.create_table(
        'pipes',
        sa.Column('id', sa.String(36), nullable=False),
        sa.Column('plan_id', sa.String(36), nullable=False),
        sa.Column('name', sa.String(255)),
        sa.Column('source', sa.String(255), nullable=False),
        sa.Column('target', sa.String(255), nullable=False),
        _int('bandwidth_mbps'),
        sa.PrimaryKeyConstraint('id', name='pk_pipes'),
        sa.ForeignKeyConstraint(['plan_id'], ['plans.id'],
                                name='fk_pipes_plan_id', ondelete='CASCADE'),
        **TABLE_ARGS)
    op.create_index('ix_pipes_plan_id', 'pipes', ['plan_id'])

    op.create_table(
        'zones',
        sa.Column('id', sa.Integer, autoincrement=True, nullable=False),
        sa.Column('name', sa.String(255), nullable=False),
        _int('generation'),
        sa.PrimaryKeyConstraint('id', name='pk_zones'),
        sa.UniqueConstraint('name', name='uniq_zones0name'),
        **TABLE_ARGS)

    op.create_table(
        'racks',
        sa.Column('id', sa.Integer, autoincrement=True, nullable=False),
        sa.Column('name', sa.String(255), nullable=False),
        _int('zone_id'), _int('uplink_mbps'), _int('uplink_used_mbps'),
        _int('generation'),
        sa.PrimaryKeyConstraint('id', name='pk_racks'),
        sa.ForeignKeyConstraint(['zone_id'], ['zones.id'],
                                name='fk_racks_zone_id'),
        sa.UniqueConstraint('name', name='uniq_racks0name'),
        **TABLE_ARGS)
    op.create_index('ix_racks_zone_id', 'racks', ['zone_id'])

    op.create_table(
        'hosts',
        sa.Column('id', sa.Integer, autoincrement=True, nullable=False),
        sa.Column('name', sa.String(255), nullable=False),
        _int('zone_id'), _int('rack_id'),
        _int('vcpus'), _int('memory_mb'), _int('disk_gb'), _int('nic_mbps'),
        sa.Column('cpu_allocation_ratio', sa.Double, nullable=False),
        sa.Column('ram_allocation_ratio', sa.Double, nullable=False),
        sa.Column('disk_allocation_ratio', sa.Double, nullable=False),
        sa.Column('enabled', sa.Boolean, nullable=False),
        sa.Column('aggregates', sa.JSON),
        sa.Column('host_metadata', sa.JSON),
        _int('external_vcpus'), _int('external_memory_mb'),
        _int('external_disk_gb'),
        _int('vcpus_used'), _int('memory_mb_used'), _int('disk_gb_used'),
        _int('nic_used_mbps'),
        _int('generation'),
        *_timestamps(),
        sa.PrimaryKeyConstraint('id', name='pk_hosts'),
        sa.ForeignKeyConstraint(['zone_id'], ['zones.id'],
                                name='fk_hosts_zone_id'),
        sa.ForeignKeyConstraint(['rack_id'], ['racks.id'],
                                name='fk_hosts_rack_id'),
        sa.UniqueConstraint('name', name='uniq_hosts0name'),
        **TABLE_ARGS)
    op.create_index('ix_hosts_zone_id', 'hosts', ['zone_id'])
    op.create_index('ix_hosts_rack_id', 'hosts', ['rack_id'])

    op.create_table(
        'pools',
        sa.Column('id', sa.Integer, autoincrement=True, nullable=False),
        sa.Column('name', sa.String(255), nullable=False),
        _int('zone_id'), _int('rack_id', nullable=True),
        _int('capacity_gb'), _int('used_gb'),
        sa.Column('volume_types', sa.JSON),
        sa.Column('enabled', sa.Boolean, nullable=False),
        _int('generation'),
        sa.PrimaryKeyConstraint('id', name='pk_pools'),
        sa.ForeignKeyConstraint(['zone_id'], ['zones.id'],
                                name='fk_pools_zone_id'),
        sa.ForeignKeyConstraint(['rack_id'], ['racks.id'],
                                name='fk_pools_rack_id'),
        sa.UniqueConstraint('name', name='uniq_pools0name'),
        **TABLE_ARGS)
    op.create_index('ix_pools_zone_id', 'pools', ['zone_id'])
    op.create_index('ix_pools_rack_id', 'pools', ['rack_id'])

    op.create_table(
        'requests',
        sa.Column('id', sa.Integer, autoincrement=True, nullable=False),
        sa.Column('request_id', sa.String(255), nullable=False),
        sa.Column('action', sa.String(32), nullable=False),
        sa.Column('stack_id', sa.String(255), nullable=False),
        sa.Column('response', sa.JSON),
        sa.Column('created_at', sa.DateTime),
        sa.PrimaryKeyConstraint('id', name='pk_requests'),
        sa.UniqueConstraint('request_id', 'action', 'stack_id',
                            name='uniq_requests0request_id0action0stack_id'),
        **TABLE_ARGS)
    op.create_index('ix_requests_created_at', 'requests', ['created_at'])

    op.create_table(
        'events',
        sa.Column('id', sa.Integer, autoincrement=True, nullable=False),
        sa.Column('kind', sa.String(64), nullable=False),
        sa.Column('payload', sa.JSON),
        sa.Column('created_at', sa.DateTime),
        sa.PrimaryKeyConstraint('id', name='pk_events'),
        **TABLE_ARGS)
    op.create_index('ix_events_created_at', 'events', ['created_at'])


def downgrade():
    # Children before parents.
    for table in ('events', 'requests', 'pools', 'hosts', 'racks', 'zones',
                  'pipes', 'placement_groups', 'placements', 'plans',
                  'group_members', 'groups'):
        op.drop_table(table)
