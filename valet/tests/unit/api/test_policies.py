"""The policy defaults and the authorize helper."""
import pytest

from valet import context as valet_context
from valet import exception
from valet import policies
from valet.policies import enforcer as policy


def _ctx(project='p1', roles=('member',)):
    ctx = valet_context.RequestContext(project_id=project, roles=list(roles),
                                       overwrite=False)
    return ctx


@pytest.fixture
def enforcer(conf):
    return policy.get_enforcer(conf)


def test_rules_are_documented():
    rules = {r.name: r for r in policies.list_rules()}
    assert set(rules) >= {
        'context_is_admin', 'admin_api', 'admin_or_owner',
        'valet:groups:create', 'valet:groups:list', 'valet:groups:show',
        'valet:plans:create', 'valet:plans:list', 'valet:plans:show',
        'valet:plans:delete', 'valet:status:show'}
    for name, rule in rules.items():
        if name.startswith('valet:'):
            assert rule.description and rule.operations, name


def test_no_global_enforcer(conf):
    assert policy.get_enforcer(conf) is not policy.get_enforcer(conf)


def test_group_create_is_admin_only(enforcer):
    admin = _ctx(roles=['admin'])
    admin.is_admin = True
    assert policy.authorize(enforcer, admin, 'valet:groups:create',
                            {'project_id': 'p1'})
    with pytest.raises(exception.Forbidden) as info:
        policy.authorize(enforcer, _ctx(), 'valet:groups:create',
                         {'project_id': 'p1'})
    assert info.value.code == 403
    assert 'valet:groups:create' in info.value.message


def test_admin_or_owner(enforcer):
    owner = _ctx('p1')
    assert policy.authorize(enforcer, owner, 'valet:plans:show',
                            {'project_id': 'p1'})
    with pytest.raises(exception.Forbidden):
        policy.authorize(enforcer, _ctx('p2'), 'valet:plans:show',
                         {'project_id': 'p1'})
    admin = _ctx('p2', roles=['admin'])
    admin.is_admin = policy.is_admin(enforcer, admin)
    assert admin.is_admin
    assert policy.authorize(enforcer, admin, 'valet:plans:delete',
                            {'project_id': 'p1'})


def test_any_authenticated(enforcer):
    for rule in ('valet:groups:list', 'valet:groups:show',
                 'valet:plans:create', 'valet:status:show'):
        assert policy.authorize(enforcer, _ctx('p9'), rule,
                                {'project_id': 'p9'})


def test_override_in_code(conf):
    enforcer = policy.get_enforcer(
        conf, rules={'valet:groups:create': 'role:member'})
    assert policy.authorize(enforcer, _ctx(), 'valet:groups:create',
                            {'project_id': 'p1'})


def test_policy_file_override(conf, tmp_path):
    policy_file = tmp_path / 'policy.yaml'
    policy_file.write_text('"valet:status:show": "role:monitor"\n')
    policy.get_enforcer(conf)  # registers [oslo_policy]
    conf.set_override('policy_file', str(policy_file), group='oslo_policy')
    enforcer = policy.get_enforcer(conf)
    with pytest.raises(exception.Forbidden):
        policy.authorize(enforcer, _ctx(), 'valet:status:show',
                         {'project_id': 'p1'})
    assert policy.authorize(enforcer, _ctx(roles=['monitor']),
                            'valet:status:show', {'project_id': 'p1'})


def test_oslo_policy_entry_points():
    assert policies.list_rules()
    enforcer = policy.get_oslo_enforcer()
    assert 'valet:plans:show' in enforcer.registered_rules
