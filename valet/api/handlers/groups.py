"""``/v1/groups``: named placement groups (affinity, diversity,
exclusivity at host, rack or zone level)."""
from valet.api.schemas import groups as schema
from valet.api import util
from valet.db import groups as db_groups
from valet.policies import enforcer as policy
from valet.policies import groups as group_policies


def _group_view(group):
    """The Group shape of DESIGN §4; other keys of the DB dict pass."""
    view = dict(group)
    view.setdefault('description', None)
    view['members'] = list(view.get('members') or [])
    return view


@util.handler
def create_group(req):
    context = util.context(req)
    svc = util.services(req)
    policy.authorize(svc.enforcer, context, group_policies.CREATE,
                     {'project_id': context.project_id})
    data = util.extract_json(req, schema.CREATE)
    group = db_groups.create_group(
        svc.db, context, data['name'], data['type'], data['level'],
        description=data.get('description'),
        project_id=context.project_id)
    return util.json_response(
        _group_view(group), status=201,
        headers={'Location': '%s/v1/groups/%s' % (req.application_url,
                                                 group['id'])})


@util.handler
def list_groups(req):
    context = util.context(req)
    svc = util.services(req)
    policy.authorize(svc.enforcer, context, group_policies.LIST,
                     {'project_id': context.project_id})
    groups = db_groups.list_groups(svc.db, context)
    return util.json_response({'groups': [_group_view(g) for g in groups]})


@util.handler
def get_group(req):
    context = util.context(req)
    svc = util.services(req)
    group_id = util.wsgi_path_item(req.environ, 'group_id')
    policy.authorize(svc.enforcer, context, group_policies.SHOW,
                     {'project_id': context.project_id})
    group = db_groups.get_group(svc.db, context, group_id)
    return util.json_response({'group': _group_view(group)})
