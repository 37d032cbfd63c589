"""SQLAlchemy models: the schema the alembic migrations create.

Every constraint and index has an explicit name so that the migrations, the
models and what MySQL/PostgreSQL report back compare equal (the migration
test checks it).  Unique constraints follow oslo.db's
``uniq_<table>0<column>0<column>`` convention, from which DBDuplicateEntry
learns the column names on every backend.  Foreign-key columns that do not
lead another index get their own, otherwise MySQL would add an unnamed one
behind our back.
"""
import datetime

import sqlalchemy as sa
from sqlalchemy import orm

GROUP_TYPES = ('affinity', 'diversity', 'exclusivity')
GROUP_LEVELS = ('host', 'rack', 'zone')
PLACEMENT_KINDS = ('server', 'volume')

# InnoDB for transactions and foreign keys; a binary collation so that name
# lookups compare the same way as on PostgreSQL and sqlite.
TABLE_ARGS = {'mysql_engine': 'InnoDB', 'mysql_charset': 'utf8mb4',
              'mysql_collate': 'utf8mb4_bin'}

NAMING_CONVENTION = {
    'pk': 'pk_%(table_name)s',
    'ix': 'ix_%(table_name)s_%(column_0_N_name)s',
    'uq': 'uq_%(table_name)s_%(column_0_N_name)s',
    'fk': 'fk_%(table_name)s_%(column_0_N_name)s',
    'ck': 'ck_%(table_name)s_%(constraint_name)s',
}


def _utcnow():
    # Naive UTC, as oslo.db's TimestampMixin stores it.
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


class Base(orm.DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


class TimestampMixin:
    created_at = orm.mapped_column(sa.DateTime, default=_utcnow)
    updated_at = orm.mapped_column(sa.DateTime, onupdate=_utcnow)


def _fk(column, ondelete=None):
    return sa.ForeignKey(column, ondelete=ondelete)


class Group(TimestampMixin, Base):
    __tablename__ = 'groups'
    __table_args__ = (
        sa.UniqueConstraint('name', name='uniq_groups0name'),
        TABLE_ARGS,
    )
    id = orm.mapped_column(sa.String(36), primary_key=True)
    name = orm.mapped_column(sa.String(255), nullable=False)
    description = orm.mapped_column(sa.Text)
    type = orm.mapped_column(sa.String(16), nullable=False)
    level = orm.mapped_column(sa.String(16), nullable=False)
    project_id = orm.mapped_column(sa.String(255))   # the creator
    # Bumped (compare-and-swap) by every decision that adds members to the
    # group once it exists: group rules span hosts, so the hosts' own
    # generations do not protect them (valet.db.inventory).
    generation = orm.mapped_column(sa.Integer, nullable=False, default=0,
                                   server_default='0')


class GroupMember(Base):
    __tablename__ = 'group_members'
    __table_args__ = (
        sa.UniqueConstraint(
            'group_id', 'project_id',
            name='uniq_group_members0group_id0project_id'),
        TABLE_ARGS,
    )
    id = orm.mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    group_id = orm.mapped_column(
        sa.String(36), _fk('groups.id', ondelete='CASCADE'), nullable=False)
    project_id = orm.mapped_column(sa.String(255), nullable=False)


class Plan(TimestampMixin, Base):
    __tablename__ = 'plans'
    __table_args__ = (
        sa.UniqueConstraint('stack_id', name='uniq_plans0stack_id'),
        sa.Index('ix_plans_project_id', 'project_id'),
        TABLE_ARGS,
    )
    id = orm.mapped_column(sa.String(36), primary_key=True)
    name = orm.mapped_column(sa.String(255))
    stack_id = orm.mapped_column(sa.String(255), nullable=False)
    project_id = orm.mapped_column(sa.String(255))


class Placement(TimestampMixin, Base):
    __tablename__ = 'placements'
    __table_args__ = (
        # Leads with plan_id, so it also serves the foreign key.
        sa.UniqueConstraint(
            'plan_id', 'orchestration_id',
            name='uniq_placements0plan_id0orchestration_id'),
        sa.Index('ix_placements_orchestration_id', 'orchestration_id'),
        sa.Index('ix_placements_resource_id', 'resource_id'),
        # An engine catching up reads the placements on moved hosts.
        sa.Index('ix_placements_location', 'location'),
        TABLE_ARGS,
    )
    id = orm.mapped_column(sa.String(36), primary_key=True)
    # NULL for ad-hoc placements (a server booted without Heat).
    plan_id = orm.mapped_column(
        sa.String(36), _fk('plans.id', ondelete='CASCADE'))
    name = orm.mapped_column(sa.String(255))
    orchestration_id = orm.mapped_column(sa.String(255), nullable=False)
    resource_id = orm.mapped_column(sa.String(255))  # Nova/Cinder uuid
    kind = orm.mapped_column(sa.String(16), nullable=False,
                             default='server')
    location = orm.mapped_column(sa.String(255))      # host or pool name
    rack = orm.mapped_column(sa.String(255))
    zone = orm.mapped_column(sa.String(255))
    reserved = orm.mapped_column(sa.Boolean, nullable=False, default=False)
    flavor = orm.mapped_column(sa.String(255))
    vcpus = orm.mapped_column(sa.Integer, nullable=False, default=0)
    memory_mb = orm.mapped_column(sa.Integer, nullable=False, default=0)
    disk_gb = orm.mapped_column(sa.Integer, nullable=False, default=0)
    project_id = orm.mapped_column(sa.String(255))
    # "metadata" is reserved by declarative classes.
    meta = orm.mapped_column('metadata', sa.JSON)


class PlacementGroup(Base):
    """Which named groups a placed member belongs to."""
    __tablename__ = 'placement_groups'
    __table_args__ = (
        sa.Index('ix_placement_groups_group_id', 'group_id'),
        TABLE_ARGS,
    )
    placement_id = orm.mapped_column(
        sa.String(36), _fk('placements.id', ondelete='CASCADE'),
        primary_key=True)
    group_id = orm.mapped_column(
        sa.String(36), _fk('groups.id', ondelete='CASCADE'),
        primary_key=True)


class Pipe(Base):
    __tablename__ = 'pipes'
    __table_args__ = (
        sa.Index('ix_pipes_plan_id', 'plan_id'),
        TABLE_ARGS,
    )
    id = orm.mapped_column(sa.String(36), primary_key=True)
    plan_id = orm.mapped_column(
        sa.String(36), _fk('plans.id', ondelete='CASCADE'), nullable=False)
    name = orm.mapped_column(sa.String(255))
    source = orm.mapped_column(sa.String(255), nullable=False)
    target = orm.mapped_column(sa.String(255), nullable=False)
    bandwidth_mbps = orm.mapped_column(sa.Integer, nullable=False, default=0)


class Zone(Base):
    __tablename__ = 'zones'
    __table_args__ = (
        sa.UniqueConstraint('name', name='uniq_zones0name'),
        TABLE_ARGS,
    )
    id = orm.mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    name = orm.mapped_column(sa.String(255), nullable=False)
    generation = orm.mapped_column(sa.Integer, nullable=False, default=0)


class Rack(Base):
    __tablename__ = 'racks'
    __table_args__ = (
        sa.UniqueConstraint('name', name='uniq_racks0name'),
        sa.Index('ix_racks_zone_id', 'zone_id'),
        TABLE_ARGS,
    )
    id = orm.mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    name = orm.mapped_column(sa.String(255), nullable=False)
    zone_id = orm.mapped_column(sa.Integer, _fk('zones.id'), nullable=False)
    uplink_mbps = orm.mapped_column(sa.Integer, nullable=False, default=0)
    uplink_used_mbps = orm.mapped_column(sa.Integer, nullable=False,
                                         default=0)
    generation = orm.mapped_column(sa.Integer, nullable=False, default=0)


class Host(TimestampMixin, Base):
    __tablename__ = 'hosts'
    __table_args__ = (
        sa.UniqueConstraint('name', name='uniq_hosts0name'),
        sa.Index('ix_hosts_zone_id', 'zone_id'),
        sa.Index('ix_hosts_rack_id', 'rack_id'),
        TABLE_ARGS,
    )
    id = orm.mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    name = orm.mapped_column(sa.String(255), nullable=False)
    zone_id = orm.mapped_column(sa.Integer, _fk('zones.id'), nullable=False)
    rack_id = orm.mapped_column(sa.Integer, _fk('racks.id'), nullable=False)
    vcpus = orm.mapped_column(sa.Integer, nullable=False, default=0)
    memory_mb = orm.mapped_column(sa.Integer, nullable=False, default=0)
    disk_gb = orm.mapped_column(sa.Integer, nullable=False, default=0)
    nic_mbps = orm.mapped_column(sa.Integer, nullable=False, default=0)
    # Double, not Float: MySQL's FLOAT is single precision (1.1 != 1.1).
    cpu_allocation_ratio = orm.mapped_column(sa.Double, nullable=False,
                                             default=1.0)
    ram_allocation_ratio = orm.mapped_column(sa.Double, nullable=False,
                                             default=1.0)
    disk_allocation_ratio = orm.mapped_column(sa.Double, nullable=False,
                                              default=1.0)
    enabled = orm.mapped_column(sa.Boolean, nullable=False, default=True)
    aggregates = orm.mapped_column(sa.JSON)           # [aggregate names]
    host_metadata = orm.mapped_column(sa.JSON)        # merged aggregate md
    # Usage of servers Valet did not place: replaced by every inventory save.
    external_vcpus = orm.mapped_column(sa.Integer, nullable=False, default=0)
    external_memory_mb = orm.mapped_column(sa.Integer, nullable=False,
                                           default=0)
    external_disk_gb = orm.mapped_column(sa.Integer, nullable=False,
                                         default=0)
    # Usage of Valet's placements: changed only by decisions (CAS).
    vcpus_used = orm.mapped_column(sa.Integer, nullable=False, default=0)
    memory_mb_used = orm.mapped_column(sa.Integer, nullable=False, default=0)
    disk_gb_used = orm.mapped_column(sa.Integer, nullable=False, default=0)
    nic_used_mbps = orm.mapped_column(sa.Integer, nullable=False, default=0)
    generation = orm.mapped_column(sa.Integer, nullable=False, default=0)


class Pool(Base):
    __tablename__ = 'pools'
    __table_args__ = (
        sa.UniqueConstraint('name', name='uniq_pools0name'),
        sa.Index('ix_pools_zone_id', 'zone_id'),
        sa.Index('ix_pools_rack_id', 'rack_id'),
        TABLE_ARGS,
    )
    id = orm.mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    name = orm.mapped_column(sa.String(255), nullable=False)
    zone_id = orm.mapped_column(sa.Integer, _fk('zones.id'), nullable=False)
    rack_id = orm.mapped_column(sa.Integer, _fk('racks.id'))
    capacity_gb = orm.mapped_column(sa.Integer, nullable=False, default=0)
    used_gb = orm.mapped_column(sa.Integer, nullable=False, default=0)
    volume_types = orm.mapped_column(sa.JSON)          # []: any type
    enabled = orm.mapped_column(sa.Boolean, nullable=False, default=True)
    generation = orm.mapped_column(sa.Integer, nullable=False, default=0)


class Request(Base):
    """An answered request, so that a retried call gets the same answer."""
    __tablename__ = 'requests'
    __table_args__ = (
        sa.UniqueConstraint(
            'request_id', 'action', 'stack_id',
            name='uniq_requests0request_id0action0stack_id'),
        sa.Index('ix_requests_created_at', 'created_at'),
        TABLE_ARGS,
    )
    id = orm.mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    request_id = orm.mapped_column(sa.String(255), nullable=False)
    action = orm.mapped_column(sa.String(32), nullable=False)
    stack_id = orm.mapped_column(sa.String(255), nullable=False, default='')
    response = orm.mapped_column(sa.JSON)
    created_at = orm.mapped_column(sa.DateTime, default=_utcnow)


class Event(Base):
    """Reconciliation log."""
    __tablename__ = 'events'
    __table_args__ = (
        sa.Index('ix_events_created_at', 'created_at'),
        TABLE_ARGS,
    )
    id = orm.mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    kind = orm.mapped_column(sa.String(64), nullable=False)
    payload = orm.mapped_column(sa.JSON)
    created_at = orm.mapped_column(sa.DateTime, default=_utcnow)


class Engine(Base):
    """A running valet-engine: its heartbeat, model summary and metrics."""
    __tablename__ = 'engines'
    __table_args__ = (
        sa.Index('ix_engines_heartbeat_at', 'heartbeat_at'),
        TABLE_ARGS,
    )
    engine_id = orm.mapped_column(sa.String(255), primary_key=True)
    host = orm.mapped_column(sa.String(255), nullable=False)
    version = orm.mapped_column(sa.String(64))
    started_at = orm.mapped_column(sa.DateTime, nullable=False)
    heartbeat_at = orm.mapped_column(sa.DateTime, nullable=False)
    generation = orm.mapped_column(sa.Integer)        # the model's
    hosts = orm.mapped_column(sa.Integer)
    plans = orm.mapped_column(sa.Integer)
    last_sync_at = orm.mapped_column(sa.DateTime)
    # The engine's telemetry snapshot (counters and histograms), as JSON.
    metrics = orm.mapped_column(sa.JSON)
