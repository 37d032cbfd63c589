"""The engine's decisions: parse → decide → commit (CAS) → update the model.

One lock serialises decisions inside an engine, so its in-memory datacenter
always matches what it committed.  Between engines the DB arbitrates: every
commit is a compare-and-swap on the generation of each host and pool it
consumes; the loser reloads the model and decides again.
"""
import logging
import socket
import threading

from valet import context as valet_context
from valet.db import groups as db_groups
from valet.db import inventory as db_inventory
from valet.db import placements as db_placements
from valet.db import plans as db_plans
from valet.db import requests as db_requests
from valet import exception
from valet.engine import collectors
from valet.engine.model import datacenter as dc_model
from valet.engine.model import request as plan_request
from valet.engine.optimizer import search
from valet import version

LOG = logging.getLogger(__name__)


class EngineManager:

    def __init__(self, conf, db, engine_id=None):
        self.conf = conf
        self.db = db
        self.engine_id = (engine_id or conf.engine.engine_id
                          or socket.gethostname())
        self.inventory = None
        self.datacenter = None
        self.generation = 0   # decisions this engine has committed
        self._lock = threading.Lock()

    # -- model -------------------------------------------------------------

    def start(self):
        """Learn the datacenter, store it, and build the model from the DB."""
        ctx = valet_context.get_admin_context()
        self.inventory = collectors.collect_inventory(self.conf)
        db_inventory.save_inventory(self.db, ctx, self.inventory)
        with self._lock:
            self._reload(ctx)
        LOG.info('Engine %s ready: %s', self.engine_id,
                 self.datacenter.summary())

    def _reload(self, ctx):
        opt = self.conf.optimizer
        self.datacenter = dc_model.Datacenter.build(
            self.inventory,
            state=db_inventory.load_state(self.db, ctx),
            placements=db_placements.load_all(self.db, ctx),
            ratios={'cpu': opt.cpu_allocation_ratio,
                    'ram': opt.ram_allocation_ratio,
                    'disk': opt.disk_allocation_ratio},
            standby_ratio=opt.standby_ratio,
            groups=self._known_groups(ctx))

    def _known_groups(self, ctx):
        return {g['name']: g for g in db_groups.list_groups(self.db, ctx)}

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
        request_key = self._request_key(ctx, 'create_plan', stack_id)
        with self._lock:
            if request_key and not dry_run:
                answer = db_requests.get_answer(self.db, ctx, *request_key)
                if answer is not None:
                    return answer
            if not dry_run:
                self._check_new_stack(ctx, stack_id)
            return self._decide_and_commit(
                ctx, plan_name, stack_id, resources, groups, locations,
                dry_run, request_key)

    def delete_plan(self, ctx, stack_id):
        with self._lock:
            plan = db_plans.get_plan(self.db, ctx, stack_id)
            for attempt in self._attempts():
                rows = db_placements.load_all(
                    self.db, ctx, stack_id=plan['stack_id'])
                consumption = db_inventory.Consumption.from_dict(
                    self.datacenter.release_consumption(rows))
                try:
                    db_plans.delete_plan(self.db, ctx, plan['id'],
                                         consumption=consumption)
                except exception.GenerationConflict:
                    self._on_conflict(ctx, attempt)
                    continue
                self.datacenter.release(rows)
                self.datacenter.set_generations(consumption.next_generations())
                self.generation += 1
                LOG.info('Deleted plan %s (stack %s), released %d members',
                         plan['id'], plan['stack_id'], len(rows))
                return None

    # -- helpers -----------------------------------------------------------

    def _decide_and_commit(self, ctx, plan_name, stack_id, resources, groups,
                           locations, dry_run, request_key):
        for attempt in self._attempts():
            request = plan_request.parse_plan(
                resources, flavors=self.datacenter.flavors,
                known_groups=self._known_groups(ctx),
                groups=groups, plan_name=plan_name, stack_id=stack_id,
                project_id=ctx.project_id)
            decision = search.place(
                self.datacenter, request, seed=self.conf.optimizer.seed,
                candidate_hosts=locations or None)
            if dry_run:
                return self._plan_view(plan_name, stack_id, ctx, decision)
            consumption = db_inventory.Consumption.from_dict(
                self.datacenter.consumption_for(decision))
            try:
                plan = db_plans.create_plan(
                    self.db, ctx,
                    plan={'name': plan_name, 'stack_id': stack_id,
                          'project_id': ctx.project_id},
                    placements=self._placement_rows(ctx, request, decision),
                    groups=self._new_groups(ctx, request),
                    consumption=consumption,
                    request=dict(zip(('request_id', 'action', 'stack_id'),
                                     request_key)) if request_key else None)
            except exception.GenerationConflict:
                self._on_conflict(ctx, attempt)
                continue
            self.datacenter.define_groups(
                {g.name: {'type': g.type, 'level': g.level}
                 for g in request.new_groups})
            self.datacenter.apply(decision)
            self.datacenter.set_generations(consumption.next_generations())
            self.generation += 1
            LOG.info('Placed plan %s (stack %s): %d members',
                     plan['id'], stack_id, len(decision.placements))
            return plan

    def _attempts(self):
        return range(self.conf.engine.max_conflict_retries + 1)

    def _on_conflict(self, ctx, attempt):
        LOG.warning('Generation conflict (attempt %d): reloading the model',
                    attempt + 1)
        self._reload(ctx)
        if attempt >= self.conf.engine.max_conflict_retries:
            raise exception.GenerationConflict(
                detail='gave up after %d attempts; the datacenter keeps '
                       'changing under this engine, retry later' % (attempt + 1))

    def _check_new_stack(self, ctx, stack_id):
        try:
            db_plans.get_plan(self.db, ctx, stack_id)
        except exception.PlanNotFound:
            return
        raise exception.PlanExists(stack_id=stack_id)

    @staticmethod
    def _request_key(ctx, action, stack_id):
        if not getattr(ctx, 'request_id', None):
            return None
        return (ctx.request_id, action, stack_id or '')

    @staticmethod
    def _placement_rows(ctx, request, decision):
        rows = []
        for key, loc in sorted(decision.placements.items()):
            member = request.servers.get(key) or request.volumes.get(key)
            rows.append({
                'orchestration_id': key, 'name': loc.name, 'kind': loc.kind,
                'location': loc.location, 'rack': loc.rack, 'zone': loc.zone,
                'flavor': loc.flavor, 'vcpus': loc.vcpus,
                'memory_mb': loc.memory_mb, 'disk_gb': loc.disk_gb,
                'groups': list(loc.groups), 'project_id': ctx.project_id,
                'metadata': dict(getattr(member, 'metadata', None) or {}),
            })
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
