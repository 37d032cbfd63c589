"""Policy enforcement for valet-api.

There is no module-level enforcer: each application builds its own from its
own ConfigOpts with :func:`get_enforcer` and passes it down, so several apps
(and tests) can live in one interpreter.
"""
import time

from oslo_log import log as logging
from oslo_policy import policy

from valet import exception
from valet import policies

LOG = logging.getLogger(__name__)

# Seconds between two looks for a new or changed policy file.
RELOAD_INTERVAL = 1.0


class Enforcer(policy.Enforcer):
    """oslo.policy's Enforcer, looking for policy file changes at most once
    a second.

    oslo.policy searches the config directories for ``policy_file`` (while
    it does not exist) and for every ``policy_dirs`` entry, and stats them,
    on every check: about a millisecond of each API request.  A changed
    file still takes effect without a restart, within RELOAD_INTERVAL.
    """

    _loaded_at = None

    def _stale(self):
        self._loaded_at = None

    def load_rules(self, force_reload=False):
        now = time.monotonic()
        if (force_reload or self._loaded_at is None
                or now - self._loaded_at >= RELOAD_INTERVAL):
            super().load_rules(force_reload)
            self._loaded_at = now

    # Whatever changes the rules in code makes the next check reload.
    def set_rules(self, *args, **kwargs):
        self._stale()
        super().set_rules(*args, **kwargs)

    def clear(self):
        self._stale()
        super().clear()

    def register_default(self, default):
        self._stale()
        super().register_default(default)


def get_enforcer(conf, rules=None):
    """An Enforcer for ``conf`` with Valet's defaults registered.

    ``[oslo_policy] policy_file`` may override any default; ``rules`` (a
    dict of name → check string) overrides them in code, for tests.
    """
    enforcer = Enforcer(conf)
    enforcer.register_defaults(policies.list_rules())
    if rules:
        enforcer.set_rules(policy.Rules.from_dict(rules), overwrite=False,
                           use_conf=True)
    return enforcer


def get_oslo_enforcer():
    """The ``oslo.policy.enforcer`` entry point (oslopolicy-checker,
    oslopolicy-policy-generator): an enforcer on a fresh valet ConfigOpts."""
    # Imported here: valet.conf is not needed to enforce policies.
    from valet import conf as valet_conf
    return get_enforcer(valet_conf.new_conf([], register_log=False))


def _creds(context):
    creds = dict(context.to_policy_values())
    creds['is_admin'] = bool(context.is_admin)
    return creds


def is_admin(enforcer, context):
    """Whether ``context_is_admin`` holds for the caller's roles."""
    return bool(enforcer.authorize('context_is_admin', {}, _creds(context),
                                   do_raise=False))


def authorize(enforcer, context, rule, target):
    """Check ``rule`` for ``context`` on ``target``; raise Forbidden (403).

    ``target`` is a dict describing the object, at least its
    ``project_id`` for owner-checked rules.
    """
    try:
        allowed = enforcer.authorize(rule, target, _creds(context),
                                     do_raise=False)
    except policy.InvalidScope:
        allowed = False
    except policy.PolicyNotRegistered:
        LOG.exception('Policy rule %s is not registered', rule)
        raise
    if not allowed:
        LOG.debug('Policy %s denied for project %s (roles %s)', rule,
                  context.project_id, context.roles)
        raise exception.Forbidden(action=rule)
    return True
