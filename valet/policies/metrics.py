"""Policy for GET /metrics (unless ``[api] metrics_public`` is set)."""
from oslo_policy import policy

from valet.policies import base

SHOW = 'valet:metrics:show'

rules = [
    policy.DocumentedRuleDefault(
        name=SHOW,
        check_str=base.RULE_ADMIN_API,
        description='Read the Prometheus metrics of the engines and of this '
                    'API worker. Not checked when [api] metrics_public is '
                    'true.',
        operations=[{'method': 'GET', 'path': '/metrics'}],
        scope_types=['project']),
]


def list_rules():
    return rules
