"""``/v1/plans``: a stack's placement decision.

Reads come from the database; creating and deleting a plan are decisions
the engine makes (and stores) over RPC.
"""
from valet.api.schemas import plans as schema
from valet.api import util
from valet.db import plans as db_plans
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


@util.handler
def list_plans(req):
    context = util.context(req)
    svc = util.services(req)
    policy.authorize(svc.enforcer, context, plan_policies.LIST,
                     {'project_id': context.project_id})
    # Administrators see every project's plans, others their own.
    project_id = None if context.is_admin else context.project_id
    plans = db_plans.list_plans(svc.db, context, project_id=project_id)
    return util.json_response({'plans': [plan_view(p) for p in plans]})


def _get_authorized(req, rule):
    context = util.context(req)
    svc = util.services(req)
    plan_id = util.wsgi_path_item(req.environ, 'plan_id')
    plan = db_plans.get_plan(svc.db, context, plan_id)
    policy.authorize(svc.enforcer, context, rule, _target(plan))
    return plan


@util.handler
def get_plan(req):
    plan = _get_authorized(req, plan_policies.SHOW)
    return util.json_response({'plan': plan_view(plan)})


@util.handler
def delete_plan(req):
    plan = _get_authorized(req, plan_policies.DELETE)
    svc = util.services(req)
    svc.engine_api.delete_plan(util.context(req), plan['stack_id'])
    return util.no_content()
