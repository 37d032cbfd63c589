"""Policies for /v1/groups."""
from oslo_policy import policy

from valet.policies import base

PREFIX = 'valet:groups:%s'
CREATE = PREFIX % 'create'
LIST = PREFIX % 'list'
SHOW = PREFIX % 'show'

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
        operations=[{'method': 'GET', 'path': '/v1/groups/{group_id}'}],
        scope_types=['project']),
]


def list_rules():
    return rules
