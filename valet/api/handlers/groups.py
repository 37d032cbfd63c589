"""``/v1/groups``: named placement groups (affinity, diversity,
exclusivity at host, rack or zone level) and their member projects.

Groups are rows of the database only (the engine reads them at every
decision), so every handler here goes to valet.db.groups.
"""
from valet.api import microversion
from valet.api import paging
from valet.api.schemas import groups as schema
from valet.api import util
from valet.db import groups as db_groups
from valet import exception
from valet.policies import enforcer as policy
from valet.policies import groups as group_policies

# Query keys of GET /v1/groups (1.1) that filter on a group field.
_FIELD_FILTERS = ('name', 'type', 'level')


def _group_view(group):
    """The Group shape of DESIGN §4; other keys of the DB dict pass."""
    view = dict(group)
    view.setdefault('description', None)
    view['members'] = list(view.get('members') or [])
    return view


def _authorize(req, rule):
    """(context, services) once ``rule`` allows the caller."""
    context = util.context(req)
    svc = util.services(req)
    policy.authorize(svc.enforcer, context, rule,
                     {'project_id': context.project_id})
    return context, svc


def _group_id(req):
    return util.wsgi_path_item(req.environ, 'group_id')


def _created(req, group):
    return util.json_response(
        _group_view(group), status=201,
        headers={'Location': '%s/v1/groups/%s' % (req.application_url,
                                                 group['id'])})


@util.handler
def create_group(req):
    context, svc = _authorize(req, group_policies.CREATE)
    data = util.extract_json(req, schema.CREATE)
    group = db_groups.create_group(
        svc.db, context, data['name'], data['type'], data['level'],
        description=data.get('description'),
        project_id=context.project_id)
    return _created(req, group)


def _filtered(groups, params):
    for key in _FIELD_FILTERS:
        if key in params:
            groups = [g for g in groups if g.get(key) == params[key]]
    if 'member' in params:
        groups = [g for g in groups if params['member'] in g['members']]
    return groups


@util.handler
def list_groups(req):
    context, svc = _authorize(req, group_policies.LIST)
    # 1.0 ignores the query string, as Valet 1.0 did.
    params = {}
    if microversion.of(req).matches('1.1'):
        params = paging.query(req, schema.LIST_QUERY)
    groups = _filtered(db_groups.list_groups(svc.db, context), params)
    groups, links = paging.page(req, [_group_view(g) for g in groups],
                                params, 'groups')
    return util.json_response(paging.body('groups', groups, links))


@util.handler
def get_group(req):
    context, svc = _authorize(req, group_policies.SHOW)
    group = db_groups.get_group(svc.db, context, _group_id(req))
    return util.json_response({'group': _group_view(group)})


@util.handler
def update_group(req):
    context, svc = _authorize(req, group_policies.UPDATE)
    data = util.extract_json(req, schema.UPDATE)
    group = db_groups.update_group(svc.db, context, _group_id(req),
                                   data['description'])
    return _created(req, group)


@util.handler
def delete_group(req):
    context, svc = _authorize(req, group_policies.DELETE)
    db_groups.delete_group(svc.db, context, _group_id(req))
    return util.no_content()


@util.handler
def add_members(req):
    context, svc = _authorize(req, group_policies.MEMBERS_ADD)
    data = util.extract_json(req, schema.MEMBERS)
    group = db_groups.add_members(svc.db, context, _group_id(req),
                                  data['members'])
    return _created(req, group)


@util.handler
def check_member(req):
    context, svc = _authorize(req, group_policies.MEMBERS_CHECK)
    group = db_groups.get_group(svc.db, context, _group_id(req))
    member = util.wsgi_path_item(req.environ, 'member_id')
    if member not in group['members']:
        raise exception.NotFound('Project %s is not a member of group %s.'
                                 % (member, group['name']))
    return util.no_content()


@util.handler
def remove_member(req):
    context, svc = _authorize(req, group_policies.MEMBERS_REMOVE)
    db_groups.remove_member(svc.db, context, _group_id(req),
                            util.wsgi_path_item(req.environ, 'member_id'))
    return util.no_content()
