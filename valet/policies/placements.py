"""Policies for /v1/placements.

The target is ``{'project_id': <owner>}`` of the placement (for list: the
caller's own project; administrators see every project's placements).
"""
from oslo_policy import policy

from valet.policies import base

PREFIX = 'valet:placements:%s'
LIST = PREFIX % 'list'
SHOW = PREFIX % 'show'
UPDATE = PREFIX % 'update'
DELETE = PREFIX % 'delete'

PLACEMENT = '/v1/placements/{placement_id}'

rules = [
    policy.DocumentedRuleDefault(
        name=LIST,
        check_str=base.RULE_ADMIN_OR_OWNER,
        description='List placements. Administrators see every project\'s, '
                    'other callers only their own project\'s.',
        operations=[{'method': 'GET', 'path': '/v1/placements'}],
        scope_types=['project']),
    policy.DocumentedRuleDefault(
        name=SHOW,
        check_str=base.RULE_ADMIN_OR_OWNER,
        description='Show a placement.',
        operations=[{'method': 'GET', 'path': PLACEMENT}],
        scope_types=['project']),
    policy.DocumentedRuleDefault(
        name=UPDATE,
        check_str=base.RULE_ADMIN_OR_OWNER,
        description='Reserve a placement for a booting server, or replan '
                    'it inside the given hosts.',
        operations=[{'method': 'POST', 'path': PLACEMENT}],
        scope_types=['project']),
    policy.DocumentedRuleDefault(
        name=DELETE,
        check_str=base.RULE_ADMIN_OR_OWNER,
        description='Delete a placement and release its capacity.',
        operations=[{'method': 'DELETE', 'path': PLACEMENT}],
        scope_types=['project']),
]


def list_rules():
    return rules
