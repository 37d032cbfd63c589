"""Policies for /v1/status."""
from oslo_policy import policy

from valet.policies import base

SHOW = 'valet:status:show'
ENGINES = 'valet:status:engines'

rules = [
    policy.DocumentedRuleDefault(
        name=SHOW,
        check_str=base.RULE_ANY,
        description='Show the health of valet-engine and of the database.',
        operations=[{'method': 'GET', 'path': '/v1/status'},
                    {'method': 'HEAD', 'path': '/v1/status'}],
        scope_types=['project']),
    policy.DocumentedRuleDefault(
        name=ENGINES,
        check_str=base.RULE_ADMIN_API,
        description='See the list of valet-engine processes (host names, '
                    'heartbeats) in GET /v1/status; others get the model '
                    'summary only.',
        operations=[{'method': 'GET', 'path': '/v1/status'}],
        scope_types=['project']),
]


def list_rules():
    return rules
