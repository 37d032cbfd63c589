"""Test data and small helpers shared by the unit and services DB tests."""
import contextlib

import sqlalchemy as sa

from valet import context as valet_context
from valet.db import api
from valet.db import inventory as db_inventory
from valet.db import models
from valet.engine.model import inventory as inv


def ctx():
    return valet_context.RequestContext(project_id='p1', user_id='u1',
                                        roles=['member'], overwrite=False)


def sqlite_database():
    """An in-memory sqlite with the models' schema (one connection)."""
    db = api.Database('sqlite://')
    models.Base.metadata.create_all(db.get_engine())
    return db


def clear(db):
    """Delete every row (services tests reuse one schema per module)."""
    with db.get_engine().begin() as connection:
        for table in reversed(models.Base.metadata.sorted_tables):
            connection.execute(table.delete())


def inventory(hosts=4, racks=2, pools=1, servers=()):
    """Zone z1 with ``racks`` racks r1.. of ``hosts`` hosts each
    (r1h1, r1h2, ...), ``pools`` pools p1.. (pool i on rack ri)."""
    result = inv.Inventory(name='dc-test')
    result.zones['z1'] = inv.Zone('z1')
    for r in range(1, racks + 1):
        rack = 'r%d' % r
        result.racks[rack] = inv.Rack(rack, 'z1', uplink_mbps=40000)
        for h in range(1, hosts + 1):
            name = '%sh%d' % (rack, h)
            result.hosts[name] = inv.Host(
                name=name, zone='z1', rack=rack, vcpus=16, memory_mb=65536,
                disk_gb=1000, nic_mbps=10000, cpu_allocation_ratio=4.0,
                ram_allocation_ratio=1.5, disk_allocation_ratio=1.1,
                aggregates=['agg-%s' % rack],
                metadata={'rack_md': rack, 'ssd': 'true'})
    for p in range(1, pools + 1):
        name = 'cinder@lvm#p%d' % p
        result.pools[name] = inv.Pool(name, 'z1', capacity_gb=5000,
                                      rack='r%d' % p, volume_types=['ssd'])
    result.servers.extend(servers)
    return result


def host_deltas(db, context, usage):
    """Consumption of ``usage`` {host: (vcpus, memory_mb, disk_gb)} at the
    hosts' current generations."""
    state = db_inventory.load_state(db, context)
    return db_inventory.Consumption(hosts={
        name: db_inventory.HostDelta(state['hosts'][name]['generation'],
                                     *amounts)
        for name, amounts in usage.items()})


def server(orchestration_id, host, rack='r1', groups=(), vcpus=2,
           memory_mb=4096, disk_gb=40, **extra):
    placement = {'orchestration_id': orchestration_id,
                 'name': 'name-%s' % orchestration_id, 'kind': 'server',
                 'location': host, 'rack': rack, 'zone': 'z1',
                 'flavor': 'm1.medium', 'vcpus': vcpus,
                 'memory_mb': memory_mb, 'disk_gb': disk_gb,
                 'groups': list(groups),
                 'metadata': {'tier': orchestration_id.split('-')[0]}}
    placement.update(extra)
    return placement


def volume(orchestration_id, pool, size_gb=100, **extra):
    placement = {'orchestration_id': orchestration_id,
                 'name': orchestration_id, 'kind': 'volume',
                 'location': pool, 'zone': 'z1', 'disk_gb': size_gb,
                 'metadata': {}}
    placement.update(extra)
    return placement


def count(db, model):
    with db.get_engine().connect() as connection:
        return connection.scalar(sa.select(sa.func.count()).select_from(
            model.__table__))


@contextlib.contextmanager
def no_change(db, *tables):
    """Assert the rows of ``tables`` (models) are the same afterwards."""
    def snapshot():
        with db.get_engine().connect() as connection:
            return {m.__tablename__: sorted(
                tuple(str(v) for v in row) for row in connection.execute(
                    sa.select(m.__table__))) for m in tables}
    before = snapshot()
    yield
    assert snapshot() == before


def schema_diff(url):
    """alembic's differences between the models and the schema at ``url``
    (types and server defaults included); [] when they agree."""
    from alembic import autogenerate
    from alembic import migration as alembic_migration
    engine = sa.create_engine(api.effective_url(url),
                              poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as connection:
            context = alembic_migration.MigrationContext.configure(
                connection, opts={'compare_type': True,
                                  'compare_server_default': True})
            return autogenerate.compare_metadata(context,
                                                 models.Base.metadata)
    finally:
        engine.dispose()


def tables(url):
    engine = sa.create_engine(api.effective_url(url),
                              poolclass=sa.pool.NullPool)
    try:
        return set(sa.inspect(engine).get_table_names())
    finally:
        engine.dispose()


def walk_migrations(url):
    """Upgrade an empty database one revision at a time, check models and
    migrations agree at head, walk back down to base and up again."""
    from valet.db import migration
    revisions = migration.revisions()
    assert revisions and revisions[-1] == migration.head()
    assert migration.version(url) is None
    for revision in revisions:
        migration.upgrade(url, revision)
        assert migration.version(url) == revision
    assert schema_diff(url) == []
    assert tables(url) == set(models.Base.metadata.tables) | {
        'alembic_version'}
    for previous in reversed([None] + revisions[:-1]):
        migration.downgrade(url, previous or 'base')
        assert migration.version(url) == previous
    assert tables(url) == {'alembic_version'}
    # The comparison is not vacuous: at base every table is missing.
    missing = {d[1].name for d in schema_diff(url) if d[0] == 'add_table'}
    assert missing == set(models.Base.metadata.tables)
    migration.upgrade(url)
    assert migration.version(url) == migration.head()
    assert schema_diff(url) == []
