"""Base rules the operation rules are built from."""
from oslo_policy import policy

RULE_ADMIN_API = 'rule:admin_api'
RULE_ADMIN_OR_OWNER = 'rule:admin_or_owner'
RULE_ANY = '@'

rules = [
    policy.RuleDefault(
        name='context_is_admin',
        check_str='role:admin',
        description='Decides whether a request context is an administrator '
                    'context (RequestContext.is_admin).'),
    policy.RuleDefault(
        name='admin_api',
        check_str='role:admin',
        description='Default rule for administrative APIs.'),
    policy.RuleDefault(
        name='admin_or_owner',
        check_str='is_admin:True or project_id:%(project_id)s',
        description='Default rule for APIs on resources owned by a project: '
                    'an administrator or a member of the owning project.'),
]


def list_rules():
    return rules
