"""``/v1/plans``: a stack's placement decision.

Reads come from the database; creating, updating, migrating and deleting a
plan are decisions the engine makes (and stores) over RPC.
"""
from valet.api import microversion
from valet.api import paging
from valet.api.schemas import plans as schema
from valet.api import util
from valet.db import plans as db_plans
from valet import exception
from valet.policies import enforcer as policy
from valet.policies import plans as plan_policies


def plan_view(plan):
    """The Plan shape of DESIGN §4, ``{id, name, stack_id, placements:
    {orchestration_id: {name, location, ...}}}``; the extra keys the DB or
    the engine give (project_id, rack, zone, reserved, ...) pass through.
    """
    view = dict(plan)
    placements = view.get('placements') or {}
    if isinstance(placements, list):
        # Keyed by orchestration id, whatever the producer chose.
        placements = {p.get('orchestration_id') or p.get('id'): p
                      for p in placements}
    view['placements'] = {
        oid: dict(p, name=p.get('name'), location=p.get('location'))
        for oid, p in placements.items()}
    return view


def _target(plan):
    return {'project_id': plan.get('project_id')}


@util.handler
def create_plan(req):
    context = util.context(req)
    svc = util.services(req)
    policy.authorize(svc.enforcer, context, plan_policies.CREATE,
                     {'project_id': context.project_id})
    data = util.extract_json(req, schema.CREATE)
    plan = svc.engine_api.create_plan(
        context, data['plan_name'], data['stack_id'], data['resources'],
        groups=data.get('groups'), locations=data.get('locations'),
        dry_run=data.get('dry_run', False))
    headers = {}
    if plan.get('id') and not data.get('dry_run'):
        headers['Location'] = '%s/v1/plans/%s' % (req.application_url,
                                                 plan['id'])
    return util.json_response({'plan': plan_view(plan)}, status=201,
                              headers=headers)


def _list_params(req, context):
    """(query params, project to list) for GET /v1/plans."""
    # 1.0 ignores the query string, as Valet 1.0 did.
    params = {}
    if microversion.of(req).matches('1.1'):
        params = paging.query(req, schema.LIST_QUERY)
    # Administrators see every project's plans, others their own.
    project_id = None if context.is_admin else context.project_id
    wanted = params.get('project_id')
    if wanted is not None and project_id not in (None, wanted):
        raise exception.Forbidden(
            "Project %s may not list project %s's plans."
            % (context.project_id, wanted))
    return params, wanted or project_id


@util.handler
def list_plans(req):
    context = util.context(req)
    svc = util.services(req)
    policy.authorize(svc.enforcer, context, plan_policies.LIST,
                     {'project_id': context.project_id})
    params, project_id = _list_params(req, context)
    plans = db_plans.list_plans(svc.db, context, project_id=project_id)
    for key in ('name', 'stack_id'):
        if key in params:
            plans = [p for p in plans if p.get(key) == params[key]]
    plans, links = paging.page(req, [plan_view(p) for p in plans], params,
                               'plans')
    return util.json_response(paging.body('plans', plans, links))


def _get_authorized(req, rule):
    context = util.context(req)
    svc = util.services(req)
    plan_id = util.wsgi_path_item(req.environ, 'plan_id')
    plan = db_plans.get_plan_summary(svc.db, context, plan_id)
    policy.authorize(svc.enforcer, context, rule, _target(plan))
    return plan


@util.handler
def get_plan(req):
    plan = _get_authorized(req, plan_policies.SHOW)
    return util.json_response({'plan': plan_view(plan)})


def _migrated_member(plan, ref):
    """The orchestration id of the member ``ref`` names: its orchestration
    id, or the Nova uuid (resource_id) Valet 1.0 clients send."""
    placements = plan.get('placements') or {}
    if ref in placements:
        return ref
    for orchestration_id, placement in placements.items():
        if placement.get('resource_id') == ref:
            return orchestration_id
    raise exception.PlacementNotFound(
        'Plan %s has no member %s.' % (plan['stack_id'], ref))


@util.handler
def update_plan(req):
    """PUT /v1/plans/{id}: ``action`` "update" or "migrate"."""
    context = util.context(req)
    svc = util.services(req)
    # Which action (hence which policy rule) first; its schema once the
    # caller may act on this plan.
    data = util.extract_json(req, schema.ACTION)
    rule = {'update': plan_policies.UPDATE,
            'migrate': plan_policies.MIGRATE}[data['action']]
    plan = _get_authorized(req, rule)
    data = util.validate(data, schema.BY_ACTION[data['action']])
    if data['action'] == 'update':
        plan = svc.engine_api.update_plan(
            context, plan['stack_id'], data['resources'],
            original_resources=data.get('original_resources'))
    else:
        member = _migrated_member(plan, data['resources'][0])
        plan = svc.engine_api.migrate(
            context, plan['stack_id'], member,
            excluded_hosts=data.get('excluded_hosts') or [])
    return util.json_response({'plan': plan_view(plan)}, status=201)


@util.handler
def delete_plan(req):
    plan = _get_authorized(req, plan_policies.DELETE)
    svc = util.services(req)
    svc.engine_api.delete_plan(util.context(req), plan['stack_id'])
    return util.no_content()
