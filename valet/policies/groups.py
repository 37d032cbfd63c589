"""Policies for /v1/groups.

Groups are global (DESIGN §5.2): an administrator creates, changes and
deletes them and manages their members; any project may list and show them
and check a membership.  Who may *use* a group with members (place servers
in it) is decided by the engine: only its member projects.
"""
from oslo_policy import policy

from valet.policies import base

PREFIX = 'valet:groups:%s'
CREATE = PREFIX % 'create'
LIST = PREFIX % 'list'
SHOW = PREFIX % 'show'
UPDATE = PREFIX % 'update'
DELETE = PREFIX % 'delete'
MEMBERS_ADD = PREFIX % 'members:add'
MEMBERS_CHECK = PREFIX % 'members:check'
MEMBERS_REMOVE = PREFIX % 'members:remove'

GROUP = '/v1/groups/{group_id}'
MEMBERS = GROUP + '/members'
MEMBER = MEMBERS + '/{member_id}'

rules = [
    policy.DocumentedRuleDefault(
        name=CREATE,
        check_str=base.RULE_ADMIN_API,
        description='Create a placement group (groups are global).',
        operations=[{'method': 'POST', 'path': '/v1/groups'}],
        scope_types=['project']),
    policy.DocumentedRuleDefault(
        name=LIST,
        check_str=base.RULE_ANY,
        description='List placement groups.',
        operations=[{'method': 'GET', 'path': '/v1/groups'}],
        scope_types=['project']),
    policy.DocumentedRuleDefault(
        name=SHOW,
        check_str=base.RULE_ANY,
        description='Show a placement group.',
        operations=[{'method': 'GET', 'path': GROUP}],
        scope_types=['project']),
    policy.DocumentedRuleDefault(
        name=UPDATE,
        check_str=base.RULE_ADMIN_API,
        description="Change a placement group's description.",
        operations=[{'method': 'PUT', 'path': GROUP}],
        scope_types=['project']),
    policy.DocumentedRuleDefault(
        name=DELETE,
        check_str=base.RULE_ADMIN_API,
        description='Delete a placement group that has no members and no '
                    'placed servers.',
        operations=[{'method': 'DELETE', 'path': GROUP}],
        scope_types=['project']),
    policy.DocumentedRuleDefault(
        name=MEMBERS_ADD,
        check_str=base.RULE_ADMIN_API,
        description='Add projects to the members of a group (only members '
                    'may then use it).',
        operations=[{'method': 'PUT', 'path': MEMBERS}],
        scope_types=['project']),
    policy.DocumentedRuleDefault(
        name=MEMBERS_CHECK,
        check_str=base.RULE_ANY,
        description='Check whether a project is a member of a group.',
        operations=[{'method': 'GET', 'path': MEMBER}],
        scope_types=['project']),
    policy.DocumentedRuleDefault(
        name=MEMBERS_REMOVE,
        check_str=base.RULE_ADMIN_API,
        description='Remove one member project, or all of them, from a '
                    'group (refused while they have servers in it).',
        operations=[{'method': 'DELETE', 'path': MEMBERS},
                    {'method': 'DELETE', 'path': MEMBER}],
        scope_types=['project']),
]


def list_rules():
    return rules
