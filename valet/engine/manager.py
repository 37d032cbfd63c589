"""The engine's decisions: parse → decide → commit (CAS) → update the model.

One lock serialises decisions inside an engine, so its in-memory datacenter
always matches what it committed.  Between engines the DB arbitrates: every
commit is a compare-and-swap on the generation of each host, rack and pool
it consumes; the loser reloads the model and decides again.  A decision is
all-or-nothing: the DB write is one transaction and the model changes only
after it committed.  Every call is idempotent on (request_id, action,
stack_id): a retry gets the first answer.
"""
import contextlib
import datetime
import logging
import socket
import threading

from valet import context as valet_context
from valet.db import inventory as db_inventory
from valet.db import placements as db_placements
from valet.db import plans as db_plans
from valet.db import requests as db_requests
from valet import exception
from valet import heap
from valet.engine.model import datacenter as dc_model
from valet.engine.model import request as plan_request
from valet.engine import queries
from valet.engine import replans
from valet.engine.sync import refresh as sync_refresh
from valet.engine import telemetry
from valet.engine.optimizer import framework
from valet.engine.optimizer import search
from valet.engine import pipes_qos
from valet import version

LOG = logging.getLogger(__name__)
SERVER = 'OS::Nova::Server'
# A catch-up rereads the groups stamped this long before the newest one it
# saw: a stamp is its writer's clock, taken before its commit (and MySQL
# keeps whole seconds).  A row missed all the same shows in the group
# totals (a full read then); every second more rereads the groups of
# another second of decisions.
GROUP_STAMP_MARGIN = datetime.timedelta(seconds=1)


class EngineManager:

    def __init__(self, conf, db, engine_id=None):
        self.conf = conf
        self.db = db
        self.engine_id = (engine_id or conf.engine.engine_id
                          or socket.gethostname())
        self.inventory = None
        self.datacenter = None
        self.generation = 0   # decisions this engine has committed
        self.profile = framework.Profile.from_conf(conf)
        self._lock = threading.Lock()
        self.qos = pipes_qos.PipeReservations(conf)
        self.telemetry = telemetry.Telemetry(self.engine_id)
        # Inventory sync (valet.engine.sync): the stored sync the model
        # holds, its time (aware UTC; None before any), whether this
        # engine leads the sync (the election updates it).
        self.sync_marker = None
        self.last_sync_at = None
        self.sync_leader = conf.coordination.backend_url is None
        self.warm_started = False
        self._sync_lock = threading.Lock()    # one sync at a time
        # Hosts other engines committed on during the current decision.
        self._contested = set()
        # The newest stamp of a group the model read (None: read all of
        # them at the next catch-up).
        self._groups_seen_at = None

    # -- model -------------------------------------------------------------

    def start(self):
        """Build the model from the DB.  Warm start: the DB holds an
        inventory, used as is (the sync leader refreshes it afterwards,
        valet.engine.sync); only an empty DB is collected into first."""
        ctx = valet_context.get_admin_context()
        self.warm_started = (db_inventory.sync_marker(self.db, ctx)
                             is not None)
        if not self.warm_started:
            db_inventory.save_synced_inventory(
                self.db, ctx, sync_refresh.collect(self, ctx),
                engine_id=self.engine_id)
        with self._lock:
            self._reload(ctx)
        LOG.info('Engine %s ready (%s start): %s', self.engine_id,
                 'warm' if self.warm_started else 'cold',
                 self.datacenter.summary())

    def _reload(self, ctx):
        """The whole model again from the DB, the inventory included:
        another engine may have synced it."""
        self.inventory, marker = db_inventory.load_stored(self.db, ctx)
        sync_refresh.mark(self, marker)
        self._build(ctx)
        heap.settle()

    def _build(self, ctx):
        opt = self.conf.optimizer
        # Group generations first: a generation read before the placements
        # can only be older than what the model holds (a needless conflict
        # at worst), never newer (a rule broken unseen).
        groups = db_placements.load_group_rules(self.db, ctx)
        self.datacenter = dc_model.Datacenter.build(
            self.inventory,
            state=db_inventory.load_state(self.db, ctx),
            placements=db_placements.load_all(self.db, ctx),
            ratios={'cpu': opt.cpu_allocation_ratio,
                    'ram': opt.ram_allocation_ratio,
                    'disk': opt.disk_allocation_ratio},
            standby_ratio=opt.standby_ratio,
            groups=groups)

    def sync_inventory(self, ctx):
        """The leader's sync and the ``sync_inventory`` cast: collect
        outside the decision lock, store, apply the difference.  An engine
        that does not lead only picks up what the DB holds."""
        with self._sync_lock:
            if not self.sync_leader:
                return sync_refresh.refresh(self, ctx)
            return sync_refresh.collect_and_apply(self, ctx)

    def refresh_inventory(self, ctx):
        """Apply the stored inventory if the leader stored a newer one."""
        with self._sync_lock:
            return sync_refresh.refresh(self, ctx)

    # -- RPC-facing actions ------------------------------------------------

    def ping(self, ctx):
        summary = self.datacenter.summary()
        return {'engine_id': self.engine_id,
                'version': version.version_string(),
                'datacenter': summary.get('datacenter'),
                'hosts': summary.get('hosts'),
                'generation': self.generation}

    def create_plan(self, ctx, plan_name, stack_id, resources, groups=None,
                    locations=None, dry_run=False):
        decided = {}

        def decide(attempt):
            request = plan_request.parse_plan(
                resources, flavors=self.datacenter.flavors,
                known_groups=replans.GroupLookup(self.db, ctx),
                groups=groups, plan_name=plan_name, stack_id=stack_id,
                project_id=ctx.project_id)
            decision = self._place_uncontested(request, locations)
            decided['pipes'] = decision.pipes
            if dry_run:
                return None, self._plan_view(plan_name, stack_id, ctx,
                                             decision)
            consumption = self.datacenter.consumption_for(decision)

            def write(request_row):
                return db_plans.create_plan(
                    self.db, ctx,
                    plan={'name': plan_name, 'stack_id': stack_id,
                          'project_id': ctx.project_id},
                    placements=self._placement_rows(ctx, request, decision),
                    pipes=decision.pipes,
                    groups=self._new_groups(ctx, request),
                    consumption=_consumption(consumption),
                    request=request_row)
            return (write, consumption, (), None, decision), None

        if not dry_run:
            def check():
                self._check_new_stack(ctx, stack_id)
        else:
            check = None
        plan = self._action(ctx, 'create_plan', stack_id, decide,
                            check=check, idempotent=not dry_run)
        # A plan decided here without pipes has none to reserve (saves two
        # reads); a replayed answer is looked up.
        if not dry_run and decided.get('pipes', True):
            self._reserve_pipes(ctx, plan)
        return plan

    def update_plan(self, ctx, stack_id, resources, original_resources=None):
        """Unchanged members stay, new or changed ones are placed (a resize
        is credited its old flavor), removed ones release capacity.

        ``original_resources`` (what Heat had) is accepted for
        compatibility; the stored placements are what counts.
        """
        def decide(attempt):
            plan = db_plans.get_plan(self.db, ctx, stack_id)
            rows = self._rows(ctx, plan)
            old_pipes = db_plans.get_pipes(self.db, ctx, plan['id'])
            request = plan_request.parse_plan(
                resources, flavors=self.datacenter.flavors,
                known_groups=replans.GroupLookup(self.db, ctx),
                plan_name=plan['name'], stack_id=plan['stack_id'],
                project_id=plan['project_id'] or ctx.project_id)
            released = _split_unchanged(request, rows)
            removed = sorted(k for k in rows if k not in request.servers
                             and k not in request.volumes
                             and k not in request.fixed)
            released_bw = replans.pipes_bandwidth(old_pipes, rows.values())
            decision = self._place(request, released=released,
                                   released_bandwidth=released_bw)
            consumption = _merge(
                self.datacenter.consumption_for(decision),
                self.datacenter.release_consumption(released, released_bw))

            def write(request_row):
                return db_plans.update_plan(
                    self.db, ctx, plan['id'],
                    placements=self._placement_rows(
                        ctx, request, decision, reserved=False),
                    removed=removed, pipes=decision.pipes,
                    groups=self._new_groups(ctx, request),
                    consumption=_consumption(consumption),
                    request=request_row)
            return (write, consumption, released, released_bw,
                    decision), None
        plan = self._action(ctx, 'update_plan', stack_id, decide)
        self._reserve_pipes(ctx, plan)
        return plan

    def delete_plan(self, ctx, stack_id):
        deleted = {}

        def decide(attempt):
            plan = db_plans.get_plan(self.db, ctx, stack_id)
            deleted['id'] = plan['id']
            rows = list(self._rows(ctx, plan).values())
            pipes = db_plans.get_pipes(self.db, ctx, plan['id'])
            used = replans.pipes_bandwidth(pipes, rows)
            consumption = self.datacenter.release_consumption(rows, used)

            def write(request_row):
                db_plans.delete_plan(self.db, ctx, plan['id'],
                                     consumption=_consumption(consumption),
                                     request=request_row)
                return None
            return (write, consumption, rows, used, None), None
        result = self._action(ctx, 'delete_plan', stack_id, decide)
        if deleted:
            self.qos.release(deleted['id'])
        return result

    def delete_placement(self, ctx, placement_id):
        """Delete one placement, releasing its capacity and the bandwidth
        of its pipes (which go with it)."""
        def decide(attempt):
            row = db_placements.get_placement(self.db, ctx, placement_id)
            if not row['plan_id']:
                consumption = self.datacenter.release_consumption([row])

                def write(request_row):
                    db_placements.delete_placement(
                        self.db, ctx, row['id'],
                        consumption=_consumption(consumption),
                        request=request_row)
                return (write, consumption, [row], None, None), None
            plan = db_plans.get_plan(self.db, ctx, row['stack_id'])
            rows = self._rows(ctx, plan)
            key = row['orchestration_id']
            pipes = db_plans.get_pipes(self.db, ctx, plan['id'])
            gone = [p for p in pipes if key in (p['source'], p['target'])]
            used = replans.pipes_bandwidth(gone, rows.values())
            consumption = self.datacenter.release_consumption([row], used)

            def write(request_row):
                db_plans.update_plan(
                    self.db, ctx, plan['id'], removed=[key],
                    pipes=[p for p in pipes if p not in gone],
                    consumption=_consumption(consumption),
                    request=request_row)
            return (write, consumption, [row], used, None), None
        return self._action(ctx, 'delete_placement', placement_id, decide)

    def migrate(self, ctx, stack_id, orchestration_id, excluded_hosts=None):
        """Move one server away from its host and ``excluded_hosts``."""
        def decide(attempt):
            plan = db_plans.get_plan(self.db, ctx, stack_id)
            rows = self._rows(ctx, plan)
            row = rows.get(orchestration_id)
            if row is None:
                raise exception.PlacementNotFound(placement=orchestration_id)
            if row['kind'] != 'server':
                raise exception.Invalid(detail='%s is a %s; only servers '
                                        'migrate' % (orchestration_id,
                                                     row['kind']))
            away = {row['location']} | set(excluded_hosts or ())
            request = replans.replan_request(
                rows, {orchestration_id},
                db_plans.get_pipes(self.db, ctx, plan['id']),
                replans.GroupLookup(self.db, ctx), self.datacenter.flavors,
                stack_id=plan['stack_id'], project_id=plan['project_id'],
                excluded={orchestration_id: away}, keep_previous=False)
            return self._replan_write(ctx, plan, rows, request, {
                orchestration_id: {'reserved': False}}), None
        return self._action(ctx, 'migrate', stack_id, decide)

    def reserve(self, ctx, candidate_hosts, orchestration_id=None,
                resource_id=None, instance_uuid=None, action='reserve'):
        """Nova boots a planned server: reserve its host if Nova's filters
        left it; otherwise replan it inside ``candidate_hosts`` (first
        alone, then with the plan's other unreserved members; reserved
        members never move)."""
        if action not in ('reserve', 'replan'):
            raise exception.Invalid(detail='action must be reserve or '
                                    'replan, not %r' % (action,))
        ref = orchestration_id or resource_id or instance_uuid
        if not ref:
            raise exception.Invalid(detail='reserve needs an orchestration '
                                    'id, a resource id or an instance uuid')
        candidates = (None if candidate_hosts is None
                      else frozenset(candidate_hosts))

        def decide(attempt):
            row = db_placements.get_placement(self.db, ctx, ref)
            if row['kind'] != 'server':
                raise exception.Invalid(detail='%s is a volume; use '
                                        'schedule_volume' % ref)
            uuid = instance_uuid or row['resource_id']
            if action == 'reserve' and (candidates is None
                                        or row['location'] in candidates):
                def write(request_row):
                    return db_placements.update_placement(
                        self.db, ctx, row['id'],
                        {'reserved': True, 'resource_id': uuid},
                        request=request_row)
                return (write, None, (), None, None), None
            return self._replan_reserve(ctx, row, candidates, uuid), None
        return self._action(ctx, 'reserve', ref, decide)

    def schedule_instance(self, ctx, instance_uuid, flavor, groups=None,
                          az=None, candidate_hosts=None):
        """Place a server no plan knows (ad-hoc boot); it is reserved."""
        try:
            existing = db_placements.get_placement(self.db, ctx,
                                                   instance_uuid)
        except exception.PlacementNotFound:
            existing = None
        if existing is not None:
            return self.reserve(ctx, candidate_hosts,
                                orchestration_id=existing['id'],
                                instance_uuid=instance_uuid)
        props = {'flavor': flavor}
        if az:
            props['availability_zone'] = az
        if groups:
            props['metadata'] = {'valet': {'groups': list(groups)}}
        resources = {instance_uuid: {'type': SERVER, 'properties': props}}
        candidates = (None if candidate_hosts is None
                      else list(candidate_hosts))

        def decide(attempt):
            request = plan_request.parse_plan(
                resources, flavors=self.datacenter.flavors,
                known_groups=replans.GroupLookup(self.db, ctx),
                project_id=ctx.project_id)
            decision = self._place(request, candidate_hosts=candidates)
            consumption = self.datacenter.consumption_for(decision)
            row = self._placement_rows(ctx, request, decision)[0]
            row.update(resource_id=instance_uuid, reserved=True)

            def write(request_row):
                return db_placements.create_placement(
                    self.db, ctx, row, consumption=_consumption(consumption),
                    request=request_row)
            return (write, consumption, (), None, decision), None
        return self._action(ctx, 'schedule_instance', instance_uuid, decide)

    def schedule_volume(self, ctx, volume_id, size_gb, volume_type=None,
                        az=None, orchestration_id=None, candidate_pools=None,
                        server=None):
        """The pool of a volume: the planned one if Cinder allows it, else
        a new decision inside ``candidate_pools`` (ad hoc: in ``az``, and
        near ``server``, the placed server that will use it)."""
        candidates = (None if candidate_pools is None
                      else frozenset(candidate_pools))
        row = None
        for ref in (orchestration_id, volume_id):
            if ref and row is None:
                try:
                    row = db_placements.get_placement(self.db, ctx, ref)
                except exception.PlacementNotFound:
                    pass
        if row is not None and row['kind'] != 'volume':
            raise exception.Invalid(detail='%s is a server; use reserve'
                                    % row['orchestration_id'])
        consumer = self._consumer(ctx, server)

        def decide(attempt):
            current = row and db_placements.get_placement(self.db, ctx,
                                                          row['id'])
            if current is not None and (candidates is None
                                        or current['location'] in candidates):
                def write(request_row):
                    return db_placements.update_placement(
                        self.db, ctx, current['id'],
                        {'reserved': True, 'resource_id': volume_id},
                        request=request_row)
                return (write, None, (), None, None), None
            key = current['orchestration_id'] if current else volume_id
            volume = plan_request.VolumeRequest(
                key=key, name=(current or {}).get('name') or key,
                size_gb=int(current['disk_gb'] if current else size_gb),
                volume_type=volume_type,
                zone=az or (current or {}).get('zone'),
                candidates=candidates,
                previous=current['location'] if current else None,
                server=consumer['orchestration_id'] if consumer else None)
            request = plan_request.PlanRequest(
                servers={}, volumes={key: volume}, groups={},
                project_id=ctx.project_id,
                # The consumer stays where it is; the volume goes near it.
                fixed={consumer['orchestration_id']: consumer}
                if consumer else {})
            released = [current] if current else []
            decision = self._place(request, released=released)
            consumption = _merge(
                self.datacenter.consumption_for(decision),
                self.datacenter.release_consumption(released))
            loc = decision.placements[key]
            values = {'location': loc.location, 'rack': loc.rack,
                      'zone': loc.zone, 'reserved': True,
                      'resource_id': volume_id}

            def write(request_row):
                if current is not None:
                    return db_placements.update_placement(
                        self.db, ctx, current['id'], values,
                        consumption=_consumption(consumption),
                        request=request_row)
                new = dict(values, orchestration_id=key, name=key,
                           kind='volume', disk_gb=loc.disk_gb,
                           project_id=ctx.project_id,
                           metadata={'volume_type': volume_type}
                           if volume_type else {})
                return db_placements.create_placement(
                    self.db, ctx, new, consumption=_consumption(consumption),
                    request=request_row)
            return (write, consumption, released, None, decision), None
        return self._action(ctx, 'schedule_volume', volume_id, decide)

    def _consumer(self, ctx, server):
        """The placed server an ad-hoc volume is for, or None."""
        if not server:
            return None
        try:
            row = db_placements.get_placement(self.db, ctx, server)
        except exception.PlacementNotFound:
            LOG.info('Volume consumer %s is not a Valet placement', server)
            return None
        return row if row['kind'] == 'server' else None

    # -- notifications (valet/engine/notifications) ------------------------

    def reconcile(self, ctx, apply):
        """Run ``apply(ctx, datacenter)`` (a batch of Nova notifications)
        under the decision lock; a lost CAS reloads the model and retries."""
        with self._lock:
            for attempt in self._attempts():
                try:
                    return apply(ctx, self.datacenter)
                except exception.GenerationConflict as conflict:
                    self._on_conflict(ctx, attempt, conflict)

    def change_inventory(self, ctx, change):
        """``change(inventory)`` (an aggregate notification), then store
        and rebuild as a sync does; returns save_inventory's changes."""
        with self._lock:
            change(self.inventory)
            changed = db_inventory.save_inventory(self.db, ctx,
                                                  self.inventory)
            self._reload(ctx)
        return changed

    # -- queries -----------------------------------------------------------

    def group_members(self, ctx, group):
        return queries.group_members(self.db, ctx, group)

    def invalid_placements(self, ctx):
        with self._lock:
            return queries.invalid_placements(self.db, ctx, self.datacenter)

    def explain(self, ctx, stack_id):
        with self._lock:
            return queries.explain(self.db, ctx, self.datacenter, stack_id,
                                   self.profile)

    # -- the decision loop -------------------------------------------------

    def _action(self, ctx, action, stack_id, decide, check=None,
                idempotent=True):
        # Telemetry: one log line, counters and phase timings per decision.
        with self.telemetry.trace(ctx, action, stack_id) as trace:
            return self._decide_and_commit(ctx, action, stack_id,
                                           trace.wrap(decide), check,
                                           idempotent)

    def _decide_and_commit(self, ctx, action, stack_id, decide, check=None,
                           idempotent=True):
        """Idempotency, the lock, CAS retries, the model update.

        ``decide(attempt)`` returns ``(plan, answer)``: either an answer
        that needs no write, or a plan ``(write, consumption, released,
        released_bandwidth, decision)`` where ``write(request_row)``
        commits it (raising GenerationConflict if the CAS fails).
        """
        key = self._request_key(ctx, action, stack_id) if idempotent else None
        with self._lock:
            # The reads before deciding share one transaction (each of its
            # own costs round trips of its own: ping, begin, rollback).
            with self._reads(ctx):
                # One query: the recorded answer, and the generation totals
                # that tell whether other engines committed since.
                answer, totals = db_requests.answer_and_generations(
                    self.db, ctx, key)
                if answer is not None:
                    return answer
                if check is not None:
                    check()
                # Other engines may have committed since: catch up first,
                # or the first attempt would mostly lose the CAS.
                self._contested = set()
                held = self.datacenter.generation_totals()
                if totals != held:
                    self._catch_up(ctx, moved=[
                        kind for kind, db_total, total in zip(
                            ('hosts', 'racks', 'pools'), totals, held)
                        if db_total != total])
            for attempt in self._attempts():
                # Its reads (group look-ups, the plan...) in one transaction
                # too, a new one every attempt: after a lost CAS they must
                # see what the winner committed.
                with self._reads(ctx):
                    plan, answer = decide(attempt)
                if plan is None:
                    return answer
                write, consumption, released, released_bw, decision = plan
                request_row = (dict(zip(('request_id', 'action', 'stack_id'),
                                        key)) if key else None)
                try:
                    result = write(request_row)
                except exception.GenerationConflict as conflict:
                    self._on_conflict(ctx, attempt, conflict)
                    continue
                if consumption is not None:
                    if released:
                        self.datacenter.release(released, released_bw)
                    if decision is not None:
                        self.datacenter.apply(decision)
                    self.datacenter.set_generations(
                        _consumption(consumption).next_generations())
                    self.generation += 1
                LOG.debug('%s %s: %s', action, stack_id,
                          'placed %d members' % len(decision.placements)
                          if decision is not None else 'done')
                return result

    def _place_uncontested(self, request, locations=None):
        """Decide, first without the hosts other engines committed on since
        this engine last looked (``_catch_up``): they are packing there,
        and a decision there would likely lose the compare-and-swap again.
        If that fails, all hosts are tried."""
        contested = frozenset(self._contested)
        if contested and not locations and request.servers:
            # Excluded per server, not as candidate hosts: candidates make
            # the search scan every allowed host for the tightest fit, the
            # same few hosts in every engine; exclusions keep its rack by
            # rack scan in this engine's own ([optimizer] seed) order.
            kept = {key: server.excluded
                    for key, server in request.servers.items()}
            for key, server in request.servers.items():
                server.excluded = frozenset(kept[key] or ()) | contested
            try:
                return self._place(request)
            except exception.PlacementFailed:
                pass
            finally:
                for key, server in request.servers.items():
                    server.excluded = kept[key]
        return self._place(request, candidate_hosts=locations or None)

    def _place(self, request, **kwargs):
        return search.place(self.datacenter, request,
                            seed=self.conf.optimizer.seed,
                            profile=self.profile, **kwargs)

    def _replan_write(self, ctx, plan, rows, request, values_for):
        """Decide ``request`` (members of ``plan`` to move) and return the
        commit plan; ``values_for``: key -> more columns to store."""
        moved = [rows[k] for k in request.servers]
        pipes = [p.as_dict() for p in request.pipes]
        released_bw = replans.pipes_bandwidth(pipes, rows.values())
        decision = self._place(request, released=moved,
                               released_bandwidth=released_bw)
        consumption = _merge(
            self.datacenter.consumption_for(decision),
            self.datacenter.release_consumption(moved, released_bw))
        placements = []
        for key, loc in decision.placements.items():
            values = {'orchestration_id': key, 'location': loc.location,
                      'rack': loc.rack, 'zone': loc.zone}
            if loc.location != rows[key]['location']:
                values['reserved'] = False
            values.update(values_for.get(key, {}))
            placements.append(values)

        def write(request_row):
            if plan is None:            # an ad-hoc server: no plan
                (values,) = placements
                return db_placements.update_placement(
                    self.db, ctx, rows[values['orchestration_id']]['id'],
                    values, consumption=_consumption(consumption),
                    request=request_row)
            return db_plans.update_plan(
                self.db, ctx, plan['id'], placements=placements,
                consumption=_consumption(consumption), request=request_row)
        return (write, consumption, moved, released_bw, decision)

    def _replan_reserve(self, ctx, row, candidates, uuid):
        plan = (db_plans.get_plan(self.db, ctx, row['stack_id'])
                if row['plan_id'] else None)
        rows = (self._rows(ctx, plan) if plan is not None
                else {row['orchestration_id']: row})
        pipes = (db_plans.get_pipes(self.db, ctx, plan['id'])
                 if plan is not None else [])
        key = row['orchestration_id']
        lookup = replans.GroupLookup(self.db, ctx)
        movable = [{key}]
        others = {k for k, r in rows.items()
                  if k != key and r['kind'] == 'server' and not r['reserved']}
        if others:
            movable.append({key} | others)
        failure = None
        for move in movable:
            request = replans.replan_request(
                rows, move, pipes, lookup, self.datacenter.flavors,
                stack_id=row['stack_id'], project_id=row['project_id'],
                candidates={key: candidates} if candidates is not None
                else None)
            try:
                write_plan = self._replan_write(
                    ctx, plan, rows, request,
                    {key: {'reserved': True, 'resource_id': uuid}})
            except exception.PlacementFailed as err:
                failure = failure or err
                continue
            write = write_plan[0]

            def answer(request_row, write=write):
                # The caller asked about one placement: answer with it.
                # A retry finds it reserved on a candidate and gets the
                # same answer, so the plan's write records none.
                if plan is None:
                    return write(request_row)
                write(None)
                return db_placements.get_placement(self.db, ctx, row['id'])
            return (answer,) + write_plan[1:]
        raise failure

    def _rows(self, ctx, plan):
        return {r['orchestration_id']: r for r in db_placements.load_all(
            self.db, ctx, stack_id=plan['stack_id'])}

    def _reserve_pipes(self, ctx, plan):
        if plan and plan.get('id'):
            pipes = db_plans.get_pipes(self.db, ctx, plan['id'])
            if pipes:
                self.qos.reserve(plan, pipes)

    def _attempts(self):
        return range(self.conf.engine.max_conflict_retries + 1)

    def _on_conflict(self, ctx, attempt, conflict):
        LOG.warning('Generation conflict (attempt %d): catching up with '
                    'the database', attempt + 1)
        if conflict.kwargs.get('groups'):
            # A lost group swap: read every group again, not only those
            # stamped lately (a stamp is only its writer's clock).
            self._groups_seen_at = None
        self._catch_up(ctx)
        if attempt >= self.conf.engine.max_conflict_retries:
            raise exception.GenerationConflict(
                detail='gave up after %d attempts; the datacenter keeps '
                       'changing under this engine, retry later' % (attempt + 1))

    def _catch_up(self, ctx, moved=('hosts', 'racks', 'pools')):
        """After a lost compare-and-swap, re-read only what other engines
        changed: the hosts, racks and pools whose generation moved and the
        placements on those hosts.  A whole reload (1,000 hosts and their
        placements) takes long enough for the other engine to commit again,
        so the loser would keep losing.  A newer stored inventory, or rows
        the model does not know, still rebuild everything."""
        # One read transaction (joined if the caller has one open): one
        # snapshot on MySQL, and no begin and rollback for every read.
        with self._reads(ctx):
            self._catch_up_reads(ctx, moved)

    def _reads(self, ctx):
        """One read transaction for several reads (the reads inside join
        it).  Not on sqlite: an open reader there holds off every writer,
        and one engine has nothing to catch up with anyway."""
        if self.db.backend == 'sqlite':
            return contextlib.nullcontext()
        return self.db.reader(ctx)

    def _catch_up_reads(self, ctx, moved):
        # One statement: the sync marker and, if host generations moved,
        # their sums by rack.
        marker, by_rack = db_inventory.catch_up_marks(
            self.db, ctx, racks='hosts' in moved)
        held = self.sync_marker
        if marker != (held.id if held else None):
            return self._reload(ctx)
        # Group generations before the state and placements (see _build).
        # A member another engine added to a group bumped its host (or
        # pool) too, so the refreshed hosts bring its occupancy.
        groups, complete, newest = self._group_changes(ctx)
        # Only the kinds whose generation total ``moved`` and, of hosts,
        # those of racks where a host generation moved and not at the
        # model's generation: a row that changes after these reads stays
        # stale in the model, which costs a lost compare-and-swap at worst.
        racks = self._moved_racks(by_rack) if by_rack else ()
        state = db_inventory.load_state(
            self.db, ctx, host_racks=racks,
            unchanged=self.datacenter.host_generations_in(racks),
            racks=None if 'racks' in moved else (),
            pools=None if 'pools' in moved else ())
        stale = self.datacenter.stale_units(state)
        if stale is None:
            return self._reload(ctx)
        placements = (db_placements.load_occupancy(self.db, ctx,
                                                   stale['hosts'])
                      if stale['hosts'] else [])
        self.datacenter.define_groups(groups, complete=complete)
        self._groups_seen_at = newest
        self.datacenter.refresh_units(
            {kind: {name: state[kind][name] for name in names}
             for kind, names in stale.items()}, placements)
        self._contested |= stale['hosts']

    def _group_changes(self, ctx):
        """``(rules, complete, newest stamp)``: the groups created or
        updated since the newest the model saw (less a margin), if with
        them the model's group totals equal the DB's (then it misses no
        group); else all of them (``complete``).  Another engine's stack
        creates groups: rereading 1,000s of them every catch-up would
        cost more than the rest of it."""
        seen = self._groups_seen_at
        if seen is not None:
            rules, (count, total, newest) = db_placements.group_changes(
                self.db, ctx, since=seen - GROUP_STAMP_MARGIN)
            if self.datacenter.group_totals_with(rules) == (count, total):
                return rules, False, newest
        rules, (_, _, newest) = db_placements.group_changes(self.db, ctx)
        return rules, True, newest

    def _moved_racks(self, by_rack):
        """Racks whose hosts' generations in the DB (``by_rack``: sum and
        count, ``catch_up_marks``) are not the model's (kept by rack as
        generations change); a rack the model does not know is among
        them."""
        held = self.datacenter.host_generations_by_rack()
        return sorted(rack for rack, pair in by_rack.items()
                      if held.get(rack) != pair)

    def _check_new_stack(self, ctx, stack_id):
        # An existence read, not the plan: it runs before every decision.
        if db_plans.plan_exists(self.db, ctx, stack_id):
            raise exception.PlanExists(stack_id=stack_id)

    @staticmethod
    def _request_key(ctx, action, stack_id):
        if not getattr(ctx, 'request_id', None):
            return None
        return (ctx.request_id, action, stack_id or '')

    @staticmethod
    def _placement_rows(ctx, request, decision, reserved=None):
        rows = []
        for key, loc in sorted(decision.placements.items()):
            member = request.servers.get(key) or request.volumes.get(key)
            metadata = dict(getattr(member, 'metadata', None) or {})
            if loc.kind == 'volume' and getattr(member, 'volume_type', None):
                metadata.setdefault('volume_type', member.volume_type)
            row = {
                'orchestration_id': key, 'name': loc.name, 'kind': loc.kind,
                'location': loc.location, 'rack': loc.rack, 'zone': loc.zone,
                'flavor': loc.flavor, 'vcpus': loc.vcpus,
                'memory_mb': loc.memory_mb, 'disk_gb': loc.disk_gb,
                'groups': list(loc.groups), 'project_id': ctx.project_id,
                'metadata': metadata,
            }
            if reserved is not None:
                row['reserved'] = reserved
            rows.append(row)
        return rows

    @staticmethod
    def _new_groups(ctx, request):
        return [{'name': g.name, 'type': g.type, 'level': g.level,
                 'description': g.description, 'members': list(g.members),
                 'project_id': ctx.project_id} for g in request.new_groups]

    @staticmethod
    def _plan_view(plan_name, stack_id, ctx, decision):
        """What a dry run answers: the plan shape, with nothing stored."""
        return {'id': None, 'name': plan_name, 'stack_id': stack_id,
                'project_id': ctx.project_id, 'dry_run': True,
                'placements': {
                    key: {'name': loc.name, 'location': loc.location,
                          'rack': loc.rack, 'zone': loc.zone,
                          'kind': loc.kind, 'reserved': False}
                    for key, loc in sorted(decision.placements.items())}}


def _same_server(row, server):
    return (row['kind'] == 'server'
            and (row['vcpus'], row['memory_mb'], row['disk_gb'])
            == (server.vcpus, server.memory_mb, server.disk_gb)
            and (row.get('flavor') or None) == (server.flavor or None)
            and sorted(row.get('groups') or ()) == sorted(server.groups)
            and (server.zone is None or server.zone == row['zone'])
            and (server.host is None or server.host == row['location']))


def _same_volume(row, volume):
    return (row['kind'] == 'volume' and row['disk_gb'] == volume.size_gb
            and (volume.zone is None or volume.zone == row['zone']))


def _split_unchanged(request, rows):
    """Move unchanged members of ``request`` to ``request.fixed``; the
    changed ones remember their host.  Returns the rows to release (the
    changed and the removed members)."""
    released = []
    for key in sorted(request.servers):
        server, row = request.servers[key], rows.get(key)
        if row is None:
            continue
        if _same_server(row, server):
            request.fixed[key] = row
            del request.servers[key]
        else:
            server.previous = row['location'] if row['kind'] == 'server' \
                else None
            released.append(row)
    for key in sorted(request.volumes):
        volume, row = request.volumes[key], rows.get(key)
        if row is None:
            continue
        if _same_volume(row, volume):
            request.fixed[key] = row
            del request.volumes[key]
        else:
            volume.previous = row['location'] if row['kind'] == 'volume' \
                else None
            released.append(row)
    # A moved server attached to a volume that stays keeps its zone.
    for server in request.servers.values():
        kept = [request.fixed[v] for v in server.volumes
                if v in request.fixed]
        server.volumes = [v for v in server.volumes if v in request.volumes]
        if kept and server.zone is None:
            server.zone = kept[0]['zone']
    for key, row in rows.items():
        if key not in request.servers and key not in request.volumes and (
                key not in request.fixed):
            released.append(row)
    return released


def _merge(*parts):
    """Sum consumption dicts; rows whose deltas cancel out are dropped.
    Group swaps (``groups: {name: generation}``) are kept as they are."""
    merged = {'hosts': {}, 'pools': {}, 'racks': {}}
    groups = {}
    for part in parts:
        for kind, rows in part.items():
            if kind == 'groups':
                groups.update(rows)
                continue
            for name, row in rows.items():
                into = merged[kind].setdefault(
                    name, {'generation': row['generation']})
                for field, value in row.items():
                    if field != 'generation':
                        into[field] = into.get(field, 0) + value
    result = {kind: {name: row for name, row in rows.items()
                     if any(v for f, v in row.items() if f != 'generation')}
              for kind, rows in merged.items()}
    if groups:
        result['groups'] = groups
    return result


def _consumption(values):
    return db_inventory.Consumption.from_dict(values)
