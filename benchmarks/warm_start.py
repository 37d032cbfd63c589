"""Warm start of an engine from the DB (target: 5,000 hosts, 100,000
servers <= 10 s).

    python -m benchmarks.warm_start [--racks 250] [--hosts-per-rack 20]
                                    [--placed 100000] [--database-url URL]

Fills a database (a throwaway sqlite file unless ``--database-url`` names
an empty, migrated one) with a stored inventory and ``--placed`` servers
Valet placed (stacks of ten, each with a host-diversity group), then
times a fresh EngineManager.start() on it, phase by phase, beside the
ORM-object reads the engine used before (the baseline).
"""
import argparse
import os
import tempfile
import time
import uuid

import sqlalchemy as sa

from benchmarks import scenarios

STACK = 10


def _populate(db, ctx, racks, hosts_per_rack, placed):
    from valet.db import inventory as db_inventory
    from valet.db import models
    inventory = scenarios.make_inventory(racks, hosts_per_rack, 0.3)
    db_inventory.save_synced_inventory(db, ctx, inventory, engine_id='bench')
    hosts = sorted(inventory.hosts.values(), key=lambda h: h.name)
    hosts = [h for i, h in enumerate(hosts) if i % 5]
    tiny = scenarios.FLAVORS['m1.tiny']
    plans, groups, rows, links, used = [], [], [], [], {}
    for stack in range(-(-placed // STACK)):
        plan_id, group_id = str(uuid.uuid4()), str(uuid.uuid4())
        plans.append({'id': plan_id, 'name': 'st%d' % stack,
                      'stack_id': 'st%d' % stack, 'project_id': 'p'})
        groups.append({'id': group_id, 'name': 'div-%d' % stack,
                       'type': 'diversity', 'level': 'host',
                       'project_id': 'p'})
        for member in range(min(STACK, placed - stack * STACK)):
            host = hosts[(stack * 7 + member) % len(hosts)]
            row_id = str(uuid.uuid4())
            rows.append({
                'id': row_id, 'plan_id': plan_id, 'name': 's%d' % member,
                'orchestration_id': 's%d' % member, 'kind': 'server',
                'location': host.name, 'rack': host.rack, 'zone': host.zone,
                'reserved': True, 'flavor': tiny.name, 'vcpus': tiny.vcpus,
                'memory_mb': tiny.ram, 'disk_gb': tiny.disk,
                'project_id': 'p', 'meta': {}})
            links.append({'placement_id': row_id, 'group_id': group_id})
            v, m, d = used.get(host.name, (0, 0, 0))
            used[host.name] = (v + tiny.vcpus, m + tiny.ram, d + tiny.disk)
    with db.writer(ctx) as session:
        for model, values in ((models.Plan, plans), (models.Group, groups),
                              (models.Placement, rows),
                              (models.PlacementGroup, links)):
            for i in range(0, len(values), 5000):
                session.execute(sa.insert(model), values[i:i + 5000])
        H = models.Host
        for name, (v, m, d) in used.items():
            session.execute(sa.update(H).where(H.name == name).values(
                vcpus_used=v, memory_mb_used=m, disk_gb_used=d))


def _orm_load_inventory(db, ctx):
    """The ORM-object read load_inventory did before (the baseline)."""
    from valet.db import models
    from valet.engine.model import inventory as inv
    result = inv.Inventory(name='default')
    with db.reader(ctx) as session:
        zones = dict(session.execute(
            sa.select(models.Zone.id, models.Zone.name)).all())
        racks = {row.id: row.name
                 for row in session.scalars(sa.select(models.Rack))}
        for row in session.scalars(
                sa.select(models.Host).order_by(models.Host.name)):
            result.hosts[row.name] = inv.Host(
                name=row.name, zone=zones[row.zone_id],
                rack=racks[row.rack_id], vcpus=row.vcpus,
                memory_mb=row.memory_mb, disk_gb=row.disk_gb,
                nic_mbps=row.nic_mbps,
                cpu_allocation_ratio=row.cpu_allocation_ratio,
                ram_allocation_ratio=row.ram_allocation_ratio,
                disk_allocation_ratio=row.disk_allocation_ratio,
                enabled=row.enabled, aggregates=list(row.aggregates or []),
                metadata=dict(row.host_metadata or {}))
    return result


def _orm_load_all(db, ctx):
    """The ORM-object read placements.load_all did before."""
    from valet.db import placements
    with db.reader(ctx) as session:
        return placements.to_dicts(session)


def _timed(fn, *args):
    """(result, wall seconds); the CPU seconds of the last call are kept
    in _timed.cpu (the machine may be shared: wall time varies)."""
    started, cpu = time.perf_counter(), time.process_time()
    result = fn(*args)
    _timed.cpu = time.process_time() - cpu
    return result, time.perf_counter() - started


def measure(db, conf, ctx):
    from valet.db import inventory as db_inventory
    from valet.db import placements as db_placements
    from valet.engine import manager as engine_manager
    from valet.engine.model import datacenter as dc_model
    phases = []
    inventory, new_s = _timed(db_inventory.load_inventory, db, ctx)
    cpu_s = _timed.cpu
    _, old_s = _timed(_orm_load_inventory, db, ctx)
    phases.append(('load_inventory (%d hosts)' % len(inventory.hosts),
                   new_s, cpu_s, old_s))
    state, new_s = _timed(db_inventory.load_state, db, ctx)
    phases.append(('load_state', new_s, _timed.cpu, None))
    rows, new_s = _timed(db_placements.load_all, db, ctx)
    cpu_s = _timed.cpu
    old_rows, old_s = _timed(_orm_load_all, db, ctx)
    assert rows == old_rows, 'load_all and the ORM read disagree'
    del old_rows
    phases.append(('placements.load_all (%d rows)' % len(rows), new_s,
                   cpu_s, old_s))
    groups, new_s = _timed(db_placements.load_group_rules, db, ctx)
    phases.append(('group rules (%d)' % len(groups), new_s, _timed.cpu,
                   None))
    opt = conf.optimizer
    ratios = {'cpu': opt.cpu_allocation_ratio,
              'ram': opt.ram_allocation_ratio,
              'disk': opt.disk_allocation_ratio}
    _, new_s = _timed(dc_model.Datacenter.build, inventory, state, rows,
                      ratios, opt.standby_ratio, groups)
    phases.append(('Datacenter.build', new_s, _timed.cpu, None))
    del rows, state, inventory
    manager = engine_manager.EngineManager(conf, db, engine_id='bench')
    _, total_s = _timed(manager.start)
    assert manager.warm_started
    return phases, (total_s, _timed.cpu), manager.datacenter


def print_table(phases, total, hosts, placed, target_s, out=print):
    total_s, total_cpu = total
    out('Warm start from the DB: %d hosts, %d servers placed (target <= '
        '%.0f s)' % (hosts, placed, target_s))
    out('%-34s %8s %8s %20s' % ('phase', 'wall s', 'cpu s',
                                'ORM objects s (before)'))
    for name, new_s, cpu_s, old_s in phases:
        out('%-34s %8.2f %8.2f %20s' % (name, new_s, cpu_s, '-'
                                         if old_s is None
                                         else '%.2f' % old_s))
    out('%-34s %8.2f %8.2f %20s' % (
        'EngineManager.start() (warm)', total_s, total_cpu,
        'PASS' if total_s <= target_s else 'MISS'))


def run(racks=250, hosts_per_rack=20, placed=100000, database_url=None,
        target_s=10.0, out=print):
    from valet import conf as valet_conf
    from valet import context
    from valet.db import api as db_api
    from valet.db import migration
    tmp = None
    if database_url is None:
        tmp = tempfile.mkdtemp(prefix='valet-warm-')
        database_url = 'sqlite:///%s' % os.path.join(tmp, 'valet.sqlite')
    migration.upgrade(database_url)
    conf = valet_conf.new_conf([], default_config_files=[])
    conf.set_override('connection', database_url, group='database')
    db = db_api.Database.from_conf(conf)
    ctx = context.get_admin_context()
    try:
        started = time.perf_counter()
        _populate(db, ctx, racks, hosts_per_rack, placed)
        out('(filled the %s database in %.1f s)' % (
            db.backend, time.perf_counter() - started))
        phases, total, model = measure(db, conf, ctx)
        print_table(phases, total, racks * hosts_per_rack, placed,
                    target_s, out=out)
        return {'phases': phases, 'total_s': total[0], 'model': model}
    finally:
        db.dispose()
        if tmp is not None:
            for name in os.listdir(tmp):
                os.unlink(os.path.join(tmp, name))
            os.rmdir(tmp)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--racks', type=int, default=250)
    parser.add_argument('--hosts-per-rack', type=int, default=20)
    parser.add_argument('--placed', type=int, default=100000)
    parser.add_argument('--database-url')
    args = parser.parse_args(argv)
    import logging
    logging.basicConfig(level=logging.ERROR)
    run(args.racks, args.hosts_per_rack, args.placed, args.database_url)


if __name__ == '__main__':
    main()
