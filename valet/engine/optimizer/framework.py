"""The optimizer's plugin framework, shaped like Kubernetes' scheduler.

A decision runs *filters* (stevedore namespace ``valet.optimizer.filters``)
on each candidate host for a host bundle, then *scorers*
(``valet.optimizer.scorers``) on the hosts that passed; the bundle goes to
the host with the lowest weighted cost.  (Scorers that declare
``any_host`` are scored first, and the filters then only run on a host
that would be the new best: the same answer for less work.)  Filter order
and scorer weights come from ``[optimizer]``.  A filter answers ``None``
when the host passes (the common case costs no allocation) and a
:class:`Status` with a code and reasons when it rejects it; the
explanation of a failure (DESIGN §5.4) is built from those statuses, so
search and explanation share one definition of feasibility.
"""
import functools

from stevedore import named

from valet import exception

FILTER_NAMESPACE = 'valet.optimizer.filters'
SCORER_NAMESPACE = 'valet.optimizer.scorers'

DEFAULT_FILTERS = ('disabled', 'zone', 'host', 'candidates', 'excluded',
                   'extra_specs', 'storage', 'capacity', 'bandwidth',
                   'affinity', 'exclusivity', 'diversity')
DEFAULT_SCORERS = ('pipe_cost', 'pipe_lookahead', 'new_hosts', 'fit',
                   'stay')
# Pipe cost is in Mbit/s x distance; one newly opened host weighs as much
# as 50 Mbit/s one hop further; soft rules weigh less than one host.
DEFAULT_WEIGHTS = {'pipe_cost': 1.0, 'pipe_lookahead': 0.5,
                   'new_hosts': 50.0, 'fit': 1.0, 'stay': 10.0}
_DEFAULT_WEIGHT_ITEMS = tuple(sorted(DEFAULT_WEIGHTS.items()))
# The improvement phase is bounded by host evaluations (deterministic); the
# time budget is only a safety cap for a machine far slower than expected.
IMPROVE_EVALUATIONS = 5000
IMPROVE_BUDGET_MS = 2000.0
IMPROVE_GAP = 0.10      # stop once provably within 10% of the optimum


class Status:
    """Why a filter rejected a host: its rule, reason code and group."""
    __slots__ = ('code', 'group', 'reasons', 'rule')

    def __init__(self, rule, code, group=None, reasons=()):
        self.rule = rule
        self.code = code
        self.group = group
        self.reasons = tuple(reasons)

    def __repr__(self):
        return '<Status %s %s %s>' % (self.code, self.group or '',
                                      '; '.join(self.reasons))


class Filter:
    """A hard rule.  ``check`` returns None (pass) or a Status."""
    name = None
    code = None
    # True for the built-in rules the search checks inline before the
    # others ('disabled', 'capacity'): it then does not call them again.
    inline = False

    def __init__(self):
        self._reject = Status(self.name, self.code)
        self._by_group = {}

    def applies(self, bundle, search):
        """False if this rule cannot reject any host for ``bundle``."""
        return True

    def check(self, host, bundle, search):
        raise NotImplementedError

    def prepare(self, bundle, search):
        """:meth:`check` for one scan of hosts: a callable ``host -> None
        or Status``, valid while ``search.overlay`` does not change.  The
        search prepares a rule once per scan, so work that does not depend
        on the host can leave the per-host loop (the default just calls
        :meth:`check`)."""
        check = self.check
        return lambda host: check(host, bundle, search)

    def reject(self, group=None, reason=None):
        """A (cached) Status for this rule and group."""
        if group is None and reason is None:
            return self._reject
        key = (group, reason)
        status = self._by_group.get(key)
        if status is None:
            status = self._by_group[key] = Status(
                self.name, self.code, group, (reason,) if reason else ())
        return status


class Scorer:
    """A soft preference or objective term: lower is better."""
    name = None
    # True if score() may also be called on a host that passed only the
    # 'disabled' and 'capacity' rules (its value is then ignored when
    # another rule rejects the host): the search may then score first and
    # check the other rules only on a host that would be the new best.
    any_host = False
    # True if score() is never negative: with non-negative weights the
    # search may stop adding a host's terms once they exceed the best.
    nonnegative = False

    def applies(self, bundle, search):
        return True

    def score(self, host, bundle, search, free):
        """The raw cost of ``bundle`` on ``host`` (``free``: its free
        vcpus, memory, disk before the bundle)."""
        raise NotImplementedError

    def prepare(self, bundle, search):
        """:meth:`score` for one scan of hosts: a callable ``(host, free)
        -> cost``, valid while ``search.overlay`` does not change (see
        :meth:`Filter.prepare`)."""
        score = self.score
        return lambda host, free: score(host, bundle, search, free)

    def floor(self, bundle, search, tier):
        """A lower bound of :meth:`score` on hosts of ``tier`` or beyond
        (see ``search.py``); lets the search stop scanning early."""
        return 0.0


class Profile:
    """Filters in order and weighted scorers, plus search limits."""

    def __init__(self, filters, scorers, max_restarts=3,
                 improve_passes=3, improve_budget_ms=IMPROVE_BUDGET_MS,
                 improve_evaluations=IMPROVE_EVALUATIONS,
                 improve_gap=IMPROVE_GAP):
        self.filters = list(filters)
        self.scorers = list(scorers)            # [(scorer, weight)]
        self.max_restarts = max_restarts
        self.improve_passes = improve_passes
        self.improve_budget_ms = improve_budget_ms
        self.improve_evaluations = improve_evaluations
        self.improve_gap = improve_gap

    @property
    def rules(self):
        """Rule names in check order (what explanations count by)."""
        return tuple(f.name for f in self.filters)

    def weight(self, name):
        for scorer, weight in self.scorers:
            if scorer.name == name:
                return weight
        return 0.0

    @classmethod
    def from_conf(cls, conf):
        opt = conf.optimizer
        weights = dict(DEFAULT_WEIGHTS)
        weights.update({k: float(v) for k, v in
                        (opt.score_weights or {}).items()})
        return load(tuple(opt.filters), tuple(opt.scorers),
                    tuple(sorted(weights.items())), opt.max_restarts,
                    opt.improve_passes, opt.improve_budget_ms,
                    opt.improve_evaluations, opt.improve_gap)


@functools.lru_cache(maxsize=16)
def load(filter_names=DEFAULT_FILTERS, scorer_names=DEFAULT_SCORERS,
         weights=_DEFAULT_WEIGHT_ITEMS, max_restarts=3,
         improve_passes=3, improve_budget_ms=IMPROVE_BUDGET_MS,
         improve_evaluations=IMPROVE_EVALUATIONS, improve_gap=IMPROVE_GAP):
    """A Profile with the named plugins (cached: plugins are stateless)."""
    filters = _load(FILTER_NAMESPACE, filter_names, 'filters')
    scorers = _load(SCORER_NAMESPACE, scorer_names, 'scorers')
    weight_of = dict(weights)
    return Profile(filters,
                   [(s, weight_of.get(s.name, 1.0)) for s in scorers],
                   max_restarts, improve_passes, improve_budget_ms,
                   improve_evaluations, improve_gap)


def default_profile():
    return load()


def _load(namespace, names, option):
    if len(set(names)) != len(names):
        raise exception.Invalid(detail='[optimizer] %s: %s lists a plugin '
                                'twice' % (option, ', '.join(names)))

    def missing(unknown):
        raise exception.Invalid(detail='[optimizer] %s: unknown plugin(s) %s'
                                % (option, ', '.join(sorted(unknown))))
    manager = named.NamedExtensionManager(
        namespace, list(names), invoke_on_load=True, name_order=True,
        on_missing_entrypoints_callback=missing)
    return [ext.obj for ext in manager]
