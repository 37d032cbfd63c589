"""Apply a newer stored inventory to an engine's model.

The slow parts (the collectors, the DB write, reading the stored
inventory back) run outside the decision lock; under it the engine only
compares records and touches what changed.  Valet's usage (``*_used``),
which decisions own, is never written here, so nothing a decision did
while a sync ran is undone.

Generations: the DB bumps a host's generation when its inventory row
changes.  If the model's generation is exactly one behind, that bump was
the only write since the model last knew the host, and the model catches
up; otherwise it stays behind on purpose, so its next decision there
loses the compare-and-swap and reloads the model (another engine decided
there meanwhile, and the model lacks that occupancy).
"""
import logging

from valet.db import inventory as db_inventory
from valet.db import placements as db_placements
from valet.engine import collectors

LOG = logging.getLogger(__name__)


def collect_and_apply(manager, ctx):
    """The leader's sync (and the ``sync_inventory`` cast): run the
    collectors, store the result, apply the difference.  Returns the
    names of stored rows that changed."""
    inventory = collect(manager, ctx)
    changed, _ = db_inventory.save_synced_inventory(
        manager.db, ctx, inventory, engine_id=manager.engine_id)
    stored, marker = db_inventory.load_stored(manager.db, ctx)
    apply(manager, ctx, stored, marker)
    LOG.info('Inventory synced by %s: %s changed', manager.engine_id,
             ', '.join('%d %s' % (len(v), k) for k, v in changed.items()))
    return changed


def collect(manager, ctx):
    """Run the collectors.  The servers Valet placed are counted by their
    placements; a collector that reports every server (``nova``) must not
    count them a second time as outside usage."""
    inventory = collectors.collect_inventory(manager.conf)
    return inventory.drop_servers(
        db_placements.server_instance_ids(manager.db, ctx))


def refresh(manager, ctx):
    """An engine that does not collect: load and apply the stored
    inventory if it is newer than the model's.  True if it was."""
    marker, held = db_inventory.sync_marker(manager.db, ctx), \
        manager.sync_marker
    if marker is None or (held is not None and marker.id == held.id):
        return False
    stored, marker = db_inventory.load_stored(manager.db, ctx)
    return apply(manager, ctx, stored, marker)


def mark(manager, marker):
    manager.sync_marker = marker
    manager.last_sync_at = marker.synced_at if marker else None


def apply(manager, ctx, new, marker):
    """Bring ``manager``'s model to the stored inventory ``new``."""
    with manager._lock:
        held = manager.sync_marker
        if held is not None and marker is not None and marker.id < held.id:
            return False        # the model already holds a newer one
        changes = diff(manager.inventory, new)
        if changes is None:
            # Hosts, racks, zones or pools came, went or moved: rebuild.
            manager.inventory = new
            manager._build(ctx)
            LOG.info('Inventory topology changed: model rebuilt')
        else:
            _apply_in_place(manager, ctx, new, *changes)
        manager.inventory = new
        mark(manager, marker)
    return True


def _external_counts(inventory):
    counts = {}
    for server in inventory.servers:
        counts[server.host] = counts.get(server.host, 0) + 1
    return counts


def diff(old, new):
    """``(hosts, racks, pools)`` whose records changed from ``old`` to
    ``new``, or None if the topology changed (a rebuild is needed)."""
    if old is None or set(old.zones) != set(new.zones) or (
            old.racks.keys() != new.racks.keys()
            or old.hosts.keys() != new.hosts.keys()
            or old.pools.keys() != new.pools.keys()):
        return None
    racks = []
    for name, rack in new.racks.items():
        before = old.racks[name]
        if rack.zone != before.zone:
            return None
        if rack != before:
            racks.append(name)
    old_usage, new_usage = old.external_usage(), new.external_usage()
    old_count, new_count = _external_counts(old), _external_counts(new)
    hosts = []
    for name, host in new.hosts.items():
        before = old.hosts[name]
        if (host.zone, host.rack) != (before.zone, before.rack):
            return None
        if host != before or old_usage.get(name) != new_usage.get(name) or (
                old_count.get(name) != new_count.get(name)):
            hosts.append(name)
    pools = []
    for name, pool in new.pools.items():
        before = old.pools[name]
        if (pool.zone, pool.rack) != (before.zone, before.rack):
            return None
        if pool != before:
            pools.append(name)
    return hosts, racks, pools


def _catch_up(item, row):
    if row is not None and row['generation'] == item.generation + 1:
        item.generation = row['generation']


def _apply_in_place(manager, ctx, new, hosts, racks, pools):
    dc = manager.datacenter
    state = (db_inventory.load_state(manager.db, ctx, hosts=hosts,
                                     pools=pools, racks=racks)
             if hosts or racks or pools else {})
    opt = manager.conf.optimizer
    ratios = {'cpu': opt.cpu_allocation_ratio,
              'ram': opt.ram_allocation_ratio,
              'disk': opt.disk_allocation_ratio}
    usage, counts = new.external_usage(), _external_counts(new)
    for name in hosts:
        dc.refresh_host(new.hosts[name], usage.get(name, (0, 0, 0)),
                        counts.get(name, 0), ratios, opt.standby_ratio)
        _catch_up(dc.hosts[name], state['hosts'].get(name))
    for name in racks:
        dc.racks[name].uplink_mbps = new.racks[name].uplink_mbps or 0
        _catch_up(dc.racks[name], state['racks'].get(name))
    for name in pools:
        pool, spec = dc.pools[name], new.pools[name]
        pool.capacity_gb = spec.capacity_gb
        pool.volume_types = tuple(spec.volume_types or ())
        _catch_up(pool, state['pools'].get(name))
    dc.flavors = dict(new.flavors)
    dc.name = new.name
    if hosts or racks or pools:
        LOG.info('Inventory applied: %d hosts, %d racks, %d pools changed',
                 len(hosts), len(racks), len(pools))
