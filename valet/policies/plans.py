"""Policies for /v1/plans.

The target of every check but create is ``{'project_id': <owner>}`` (for
list: the caller's own project); a plan is owned by the project that
created it.
"""
from oslo_policy import policy

from valet.policies import base

PREFIX = 'valet:plans:%s'
CREATE = PREFIX % 'create'
LIST = PREFIX % 'list'
SHOW = PREFIX % 'show'
UPDATE = PREFIX % 'update'
MIGRATE = PREFIX % 'migrate'
DELETE = PREFIX % 'delete'

PLAN = '/v1/plans/{plan_id}'

rules = [
    policy.DocumentedRuleDefault(
        name=CREATE,
        check_str=base.RULE_ANY,
        description='Create a plan (place a stack); the plan is owned by '
                    "the caller's project.",
        operations=[{'method': 'POST', 'path': '/v1/plans'}],
        scope_types=['project']),
    policy.DocumentedRuleDefault(
        name=LIST,
        check_str=base.RULE_ADMIN_OR_OWNER,
        description='List plans. Administrators see every project\'s plans, '
                    'other callers only their own project\'s.',
        operations=[{'method': 'GET', 'path': '/v1/plans'}],
        scope_types=['project']),
    policy.DocumentedRuleDefault(
        name=SHOW,
        check_str=base.RULE_ADMIN_OR_OWNER,
        description='Show a plan and its placements.',
        operations=[{'method': 'GET', 'path': PLAN}],
        scope_types=['project']),
    policy.DocumentedRuleDefault(
        name=UPDATE,
        check_str=base.RULE_ADMIN_OR_OWNER,
        description='Update a plan (PUT with action "update"): keep '
                    'unchanged members, place new ones, release removed '
                    'ones.',
        operations=[{'method': 'PUT', 'path': PLAN}],
        scope_types=['project']),
    policy.DocumentedRuleDefault(
        name=MIGRATE,
        check_str=base.RULE_ADMIN_OR_OWNER,
        description='Move one member of a plan away from its host (PUT '
                    'with action "migrate").',
        operations=[{'method': 'PUT', 'path': PLAN}],
        scope_types=['project']),
    policy.DocumentedRuleDefault(
        name=DELETE,
        check_str=base.RULE_ADMIN_OR_OWNER,
        description='Delete a plan and release its capacity.',
        operations=[{'method': 'DELETE', 'path': PLAN}],
        scope_types=['project']),
]


def list_rules():
    return rules
