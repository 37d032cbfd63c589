"""Policies for /v1/status."""
from oslo_policy import policy

from valet.policies import base

SHOW = 'valet:status:show'

rules = [
    policy.DocumentedRuleDefault(
        name=SHOW,
        check_str=base.RULE_ANY,
        description='Show the health of valet-engine and of the database.',
        operations=[{'method': 'GET', 'path': '/v1/status'},
                    {'method': 'HEAD', 'path': '/v1/status'}],
        scope_types=['project']),
]


def list_rules():
    return rules
