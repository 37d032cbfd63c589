"""``/v1/placements``: where each planned (or ad-hoc) member goes.

Reads come from the database.  Reserving or replanning a placement, and
deleting one, change capacity: the engine does those over RPC.
"""
from valet.api import microversion
from valet.api import paging
from valet.api import schemas
from valet.api.schemas import placements as schema
from valet.api import util
from valet.db import placements as db_placements
from valet.policies import enforcer as policy
from valet.policies import placements as placement_policies

# The Placement shape of DESIGN §4; the DB's other keys (stack_id, kind,
# rack, zone, flavor, sizes, project_id, groups) pass through.
FIELDS = ('id', 'name', 'orchestration_id', 'resource_id', 'location',
          'reserved', 'plan_id', 'metadata')


def placement_view(placement):
    view = dict(placement)
    for field in FIELDS:
        view.setdefault(field, None)
    view['metadata'] = view['metadata'] or {}
    return view


def _list_filters(req, context):
    """(paging params, DB filters or None for "nothing visible")."""
    if microversion.of(req).matches('1.1'):
        params = paging.query(req, schema.LIST_QUERY)
        filters = {k: v for k, v in params.items() if k not in schemas.PAGING}
    else:
        # 1.0: every key filters (own fields, else metadata); the last of
        # a repeated key wins, as Valet 1.0's did.
        params, filters = {}, dict(req.GET.items())
    if not context.is_admin:
        # Other projects' placements are invisible, not forbidden.
        if filters.setdefault('project_id', context.project_id) != \
                context.project_id:
            return params, None
    return params, filters


@util.handler
def list_placements(req):
    context = util.context(req)
    svc = util.services(req)
    policy.authorize(svc.enforcer, context, placement_policies.LIST,
                     {'project_id': context.project_id})
    params, filters = _list_filters(req, context)
    found = ([] if filters is None else
             db_placements.list_placements(svc.db, context, filters))
    items, links = paging.page(req, [placement_view(p) for p in found],
                               params, 'placements')
    return util.json_response(paging.body('placements', items, links))


def _get_authorized(req, rule):
    context = util.context(req)
    svc = util.services(req)
    ref = util.wsgi_path_item(req.environ, 'placement_id')
    placement = db_placements.get_placement(svc.db, context, ref)
    policy.authorize(svc.enforcer, context, rule,
                     {'project_id': placement.get('project_id')})
    return placement


@util.handler
def get_placement(req):
    placement = _get_authorized(req, placement_policies.SHOW)
    return util.json_response({'placement': placement_view(placement)})


@util.handler
def update_placement(req):
    """POST: reserve the placement for the booting server if its host is
    among ``locations``, else (or with ``action: replan``) replan it
    inside them."""
    placement = _get_authorized(req, placement_policies.UPDATE)
    data = util.extract_json(req, schema.UPDATE)
    svc = util.services(req)
    result = svc.engine_api.reserve(
        util.context(req), data['locations'],
        orchestration_id=placement['orchestration_id'],
        instance_uuid=data.get('resource_id'),
        action=data.get('action', 'reserve'))
    return util.json_response({'placement': placement_view(result)},
                              status=201)


@util.handler
def delete_placement(req):
    """DELETE: the engine deletes it and releases its capacity (and its
    pipes' bandwidth); deleting the row alone would leak them."""
    placement = _get_authorized(req, placement_policies.DELETE)
    svc = util.services(req)
    svc.engine_api.delete_placement(util.context(req), placement['id'])
    return util.no_content()
