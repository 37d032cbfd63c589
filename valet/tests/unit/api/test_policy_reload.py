"""The enforcer looks for policy file changes at most once per
RELOAD_INTERVAL, and still picks them up without a restart."""
import pytest

from valet import context as valet_context
from valet import exception
from valet.policies import enforcer as policy

RULE = 'valet:status:show'


def _ctx(roles=('member',)):
    return valet_context.RequestContext(project_id='p1', roles=list(roles),
                                        overwrite=False)


def _authorized(enforcer, roles=('member',)):
    try:
        return policy.authorize(enforcer, _ctx(roles), RULE,
                                {'project_id': 'p1'})
    except exception.Forbidden:
        return False


@pytest.fixture
def clock(monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(policy.time, 'monotonic', lambda: now[0])
    return now


def test_policy_file_is_searched_once_per_interval(conf, tmp_path, clock,
                                                   monkeypatch):
    policy.get_enforcer(conf)  # registers [oslo_policy]
    conf.set_override('policy_file', str(tmp_path / 'policy.yaml'),
                      group='oslo_policy')
    enforcer = policy.get_enforcer(conf)
    searches = []
    find_file = conf.find_file
    monkeypatch.setattr(conf, 'find_file',
                        lambda name: searches.append(name) or find_file(name))

    for _ in range(20):
        assert _authorized(enforcer)
    # The policy file and policy.d, once each, not 20 times.
    assert len(searches) == 2

    # A file written later takes effect after the interval.
    (tmp_path / 'policy.yaml').write_text('"%s": "role:monitor"\n' % RULE)
    assert _authorized(enforcer)
    clock[0] += policy.RELOAD_INTERVAL
    assert not _authorized(enforcer)
    assert _authorized(enforcer, roles=('monitor',))


def test_changes_in_code_apply_at_once(conf, clock):
    enforcer = policy.get_enforcer(conf)
    assert _authorized(enforcer)
    enforcer.set_rules(policy.policy.Rules.from_dict(
        {RULE: 'role:monitor'}), overwrite=False)
    assert not _authorized(enforcer)
