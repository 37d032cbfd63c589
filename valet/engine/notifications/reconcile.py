"""Apply a batch of Nova notifications to the DB and the model.

Nova's word is the truth about where a server runs.  For each instance
the last event of a batch counts (events say "it runs here now", so
applying the last is applying all):

* a placement Valet made, on the host Nova reports: confirmed (reserved);
* a placement Valet made, on another host: its usage moves there and it
  is marked ``moved_by_nova`` (``invalid_placements`` shows it);
* a new flavor (resize): its usage changes by the difference;
* a server Valet never planned: an ad-hoc placement (metadata
  ``unplanned``) that counts against capacity and exclusivity like any
  other; deleting it in Nova deletes it and frees its usage;
* a planned server deleted in Nova: no longer reserved; its plan keeps
  the capacity until Heat updates or deletes the stack.

Service updates flip ``enabled`` (disabled or forced-down hosts leave the
candidate set); aggregate changes update the inventory and rebuild the
model, as an inventory sync does.  Every change is logged in ``events``.
"""
import collections
import functools
import logging
import time
import types

from valet import context as valet_context
from valet.db import inventory as db_inventory
from valet.db import reconciliation as db_rec
from valet.engine.notifications import events as ev
from valet.engine.notifications import inventory as inv_changes

LOG = logging.getLogger(__name__)

UNPLANNED = 'unplanned'
MOVED = 'moved_by_nova'
NOVA_HOST = 'nova_host'


def coalesce(batch):
    """Split a batch into (instances by uuid, services by host, aggregate
    events in order), keeping the last event per instance and host."""
    instances, services, aggregates = {}, {}, []
    for event in batch:
        if isinstance(event, ev.InstanceEvent):
            instances.pop(event.uuid, None)     # keep arrival order
            instances[event.uuid] = event
        elif isinstance(event, ev.ServiceEvent):
            services[event.host] = event
        elif isinstance(event, ev.AggregateEvent):
            aggregates.append(event)
    return instances, services, aggregates


class Changes:
    """What one batch writes, and how the model follows."""

    def __init__(self, datacenter):
        self.datacenter = datacenter
        self.inserts, self.updates, self.deletes = [], [], []
        self.released, self.applied = [], []
        self.enabled = {}
        self.events = []
        self._hosts = {}

    def move_usage(self, row, sign):
        """Count ``row``'s usage on its host (+1) or take it away (-1)."""
        host = self.datacenter.hosts.get(row['location'])
        if host is None:       # gone from the inventory: nothing to count
            return
        (self.applied if sign > 0 else self.released).append(row)
        delta = self._hosts.setdefault(host.name, {
            'generation': host.generation, 'vcpus': 0, 'memory_mb': 0,
            'disk_gb': 0})
        for field in ('vcpus', 'memory_mb', 'disk_gb'):
            delta[field] += sign * (row.get(field) or 0)

    def consumption(self):
        hosts = {name: delta for name, delta in self._hosts.items()
                 if any(delta[f] for f in ('vcpus', 'memory_mb', 'disk_gb'))}
        if not hosts:
            return None
        return db_inventory.Consumption.from_dict({'hosts': hosts})

    def log(self, kind, **payload):
        self.events.append((kind, payload))

    def empty(self):
        return not (self.inserts or self.updates or self.deletes
                    or self.enabled or self.events)


def _log(events):
    """One INFO line per batch (thousands of events a second would flood
    the log); each event at DEBUG, still in the events table."""
    if not events or not LOG.isEnabledFor(logging.INFO):
        return
    if LOG.isEnabledFor(logging.DEBUG):
        for kind, payload in events:
            LOG.debug('Reconciled %s: %s', kind, payload)
    counts = collections.Counter(kind for kind, _ in events)
    LOG.info('Reconciled %d notifications: %s', len(events), ', '.join(
        '%s %d' % item for item in sorted(counts.items())))


class Reconciler:
    """Applies batches for one engine (its model, its DB)."""

    def __init__(self, manager):
        self.manager = manager
        self.applied = 0          # reconciliations written (events rows)
        # Seconds each batch held the decision lock (the latest ones):
        # what a decision arriving meanwhile waits.
        self.lock_held = collections.deque(maxlen=1000)

    def apply(self, batch):
        instances, services, aggregates = coalesce(batch)
        ctx = valet_context.get_admin_context()
        for event in aggregates:
            self._aggregate(ctx, event)
        if instances or services:
            events = self.manager.reconcile(ctx, functools.partial(
                self._locked, instances=instances, services=services))
            _log(events)

    def _locked(self, ctx, datacenter, instances, services):
        start = time.perf_counter()
        try:
            return self._apply(ctx, datacenter, instances, services)
        finally:
            self.lock_held.append(time.perf_counter() - start)

    # -- instances and services (under the decision lock) --------------------

    def _apply(self, ctx, datacenter, instances, services):
        found = []

        def decide(rows):
            # Fresh each call: a deadlock runs it again.
            changes = self._changes(datacenter, instances, services, rows)
            found[:] = [changes]
            if changes.empty():
                return None
            return dict(consumption=changes.consumption(),
                        inserts=changes.inserts, updates=changes.updates,
                        deletes=changes.deletes,
                        hosts_enabled=changes.enabled, events=changes.events)
        # One transaction reads the placements and writes the batch.
        generations = db_rec.reconcile_batch(self.manager.db, ctx,
                                             instances, decide)
        if generations is None:
            return ()
        changes = found[0]
        # The DB committed: the model follows.
        datacenter.release(changes.released)
        datacenter.apply(types.SimpleNamespace(
            placements=dict(enumerate(changes.applied)), groups=None,
            bandwidth=None))
        inventory = self.manager.inventory
        for host, enabled in changes.enabled.items():
            datacenter.hosts[host].enabled = enabled
            # So that an aggregate change (which stores the inventory)
            # keeps it until the next sync says otherwise.
            if inventory is not None and host in inventory.hosts:
                inventory.hosts[host].enabled = enabled
        datacenter.set_generations(generations)
        self.applied += len(changes.events)
        return changes.events

    def _changes(self, datacenter, instances, services, rows):
        changes = Changes(datacenter)
        for uuid, event in instances.items():
            row = rows.get(uuid)
            if event.deleted:
                if row is not None:
                    self._forget(changes, event, row)
            elif event.host not in datacenter.hosts:
                changes.log('instance.unknown_host', instance=uuid,
                            host=event.host, event_type=event.event_type)
            elif row is None:
                self._unplanned(changes, event)
            elif row['kind'] == 'server':
                self._observe(changes, event, row)
        for host, event in services.items():
            state = datacenter.hosts.get(host)
            if state is not None and state.enabled != event.enabled:
                changes.enabled[host] = event.enabled
                changes.log('host.%s' % ('enabled' if event.enabled
                                         else 'disabled'),
                            host=host, reason=event.reason,
                            event_type=event.event_type)
        return changes

    @staticmethod
    def _unplanned(changes, event):
        host = changes.datacenter.hosts[event.host]
        row = {'orchestration_id': event.uuid, 'resource_id': event.uuid,
               'name': event.name or event.uuid, 'kind': 'server',
               'location': host.name, 'rack': host.rack, 'zone': host.zone,
               'reserved': True, 'flavor': event.flavor,
               'vcpus': event.vcpus, 'memory_mb': event.memory_mb,
               'disk_gb': event.disk_gb, 'project_id': event.project_id,
               'groups': [],
               'metadata': {UNPLANNED: True, NOVA_HOST: host.name}}
        changes.inserts.append(row)
        changes.move_usage(row, 1)
        changes.log('instance.unplanned', instance=event.uuid,
                    host=host.name, flavor=event.flavor,
                    vcpus=event.vcpus, memory_mb=event.memory_mb,
                    disk_gb=event.disk_gb, event_type=event.event_type)

    @staticmethod
    def _observe(changes, event, row):
        host = changes.datacenter.hosts[event.host]
        metadata = dict(row.get('metadata') or {})
        moved = host.name != row['location']
        resized = bool(event.flavor) and event.resources != (
            row['vcpus'], row['memory_mb'], row['disk_gb'])
        values = {}
        if moved or resized:
            new = dict(row, location=host.name, rack=host.rack,
                       zone=host.zone)
            if resized:
                new.update(flavor=event.flavor, vcpus=event.vcpus,
                           memory_mb=event.memory_mb, disk_gb=event.disk_gb)
            changes.move_usage(row, -1)
            changes.move_usage(new, 1)
            values.update({k: new[k] for k in (
                'location', 'rack', 'zone', 'flavor', 'vcpus', 'memory_mb',
                'disk_gb')})
        if moved and not metadata.get(UNPLANNED):
            # Valet decided another host: remember which, until Nova puts
            # the server back there.
            planned = (metadata.get(MOVED) or {}).get('planned',
                                                      row['location'])
            if planned == host.name:
                metadata.pop(MOVED, None)
            else:
                metadata[MOVED] = {'planned': planned, 'host': host.name,
                                   'event_type': event.event_type}
        confirmed = (row['reserved'] and metadata.get(NOVA_HOST) == host.name
                     and row['resource_id'] == event.uuid)
        if not values and confirmed:
            return                       # nothing new
        metadata[NOVA_HOST] = host.name
        values.update(reserved=True, resource_id=event.uuid,
                      metadata=metadata)
        changes.updates.append((row['id'], values))
        common = {'instance': event.uuid, 'placement': row['id'],
                  'stack_id': row.get('stack_id'),
                  'event_type': event.event_type}
        if moved:
            changes.log('instance.moved', source=row['location'],
                        host=host.name, planned=(metadata.get(MOVED) or {})
                        .get('planned'), **common)
        if resized:
            changes.log('instance.resized', host=host.name,
                        old_flavor=row.get('flavor'), flavor=event.flavor,
                        **common)
        if not (moved or resized):
            changes.log('instance.confirmed', host=host.name, **common)

    @staticmethod
    def _forget(changes, event, row):
        common = {'instance': event.uuid, 'placement': row['id'],
                  'stack_id': row.get('stack_id'), 'host': row['location'],
                  'event_type': event.event_type}
        if not row['plan_id']:
            # Ad-hoc (Valet's or unplanned): nothing keeps it any more.
            changes.deletes.append(row['id'])
            changes.move_usage(row, -1)
            changes.log('instance.deleted', released=True, **common)
            return
        metadata = dict(row.get('metadata') or {})
        if not row['reserved'] and NOVA_HOST not in metadata:
            return
        metadata.pop(NOVA_HOST, None)
        changes.updates.append((row['id'], {'reserved': False,
                                            'metadata': metadata}))
        changes.log('instance.deleted', released=False, **common)

    # -- aggregates (rare: a model rebuild) ------------------------------------

    def _aggregate(self, ctx, event):
        affected = []

        def change(inventory):
            affected.extend(inv_changes.apply_aggregate(inventory, event))
        self.manager.change_inventory(ctx, change)
        db_rec.apply_batch(self.manager.db, ctx, events=[(
            'aggregate.changed', {'aggregate': event.name,
                                  'hosts': list(event.hosts),
                                  'affected': affected,
                                  'deleted': event.deleted,
                                  'event_type': event.event_type})])
        self.applied += 1
