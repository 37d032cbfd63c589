"""One scan of hosts for a host bundle: the cheapest feasible one.

``Search.best_host`` decides which hosts to look at (tiers, racks); this
module looks at them.  It is the optimizer's innermost loop, so the rules
and scorers are prepared once per scan (``Filter.prepare``,
``Scorer.prepare``) and, when every scorer allows it (``any_host``), a host
is scored first and checked against the rules only if it would be the new
best: most hosts cannot win, and the answer is the same.  With no negative
terms (``nonnegative`` scorers, weights >= 0), a host's terms stop being
added once they exceed the best.
"""
_INF = float('inf')


class Scan:
    """The best feasible host seen so far, by (cost, tiebreak)."""

    def __init__(self, search, bundle):
        filters, scorers = search.plugins(bundle)
        # The 'disabled' and 'capacity' rules are checked inline first
        # (they are the usual rejects) and then not called again.
        self.quick = search.quick_capacity
        self.checks = [rule.prepare(bundle, search) for rule in filters
                       if not (self.quick and rule.inline)]
        self.scores = [(scorer.prepare(bundle, search), weight)
                       for scorer, weight in scorers]
        self.score_first = self.quick and all(s.any_host for s, _ in scorers)
        self.monotone = all(s.nonnegative and w >= 0 for s, w in scorers)
        self.need = (bundle.vcpus, bundle.memory_mb, bundle.disk_gb)
        self.free = search.overlay.free
        self.tiebreak = search.tiebreak
        self.host = self.cost = self.tie = None

    def hosts(self, group, seen, remember):
        """Look at ``group``; skip the names in ``seen`` (and add them
        when ``remember``)."""
        if self.score_first:
            self._score_first(group, seen, remember)
        else:
            self._check_first(group, seen, remember)

    def _passes(self, host):
        for check in self.checks:
            if check(host) is not None:
                return False
        return True

    def _score_first(self, group, seen, remember):
        need, overlay_free, tiebreak = self.need, self.free, self.tiebreak
        scores, monotone = self.scores, self.monotone
        best, best_cost, best_tie = self.host, self.cost, self.tie
        bar = best_cost if best is not None and monotone else _INF
        for host in group:
            name = host.name
            if name in seen:
                continue
            if remember:
                seen.add(name)
            if not host.enabled:
                continue
            free = overlay_free(host)
            if free[0] < need[0] or free[1] < need[1] or free[2] < need[2]:
                continue
            cost = 0.0
            for score, weight in scores:
                cost += weight * score(host, free)
                if cost > bar:
                    break       # cannot win: the other terms only add
            else:
                # (cost, tiebreak) order, without a tuple per host.
                if (best is None or cost < best_cost or (
                        cost == best_cost and tiebreak(name) < best_tie)) and (
                        self._passes(host)):
                    best, best_cost, best_tie = host, cost, tiebreak(name)
                    if monotone:
                        bar = cost
        self.host, self.cost, self.tie = best, best_cost, best_tie

    def _check_first(self, group, seen, remember):
        need, overlay_free, tiebreak = self.need, self.free, self.tiebreak
        quick, scores = self.quick, self.scores
        best, best_cost, best_tie = self.host, self.cost, self.tie
        for host in group:
            name = host.name
            if name in seen:
                continue
            if remember:
                seen.add(name)
            if quick:
                if not host.enabled:
                    continue
                free = overlay_free(host)
                if (free[0] < need[0] or free[1] < need[1]
                        or free[2] < need[2]):
                    continue
            if not self._passes(host):
                continue
            if not quick:
                free = overlay_free(host)
            cost = 0.0
            for score, weight in scores:
                cost += weight * score(host, free)
            if best is None or cost < best_cost or (
                    cost == best_cost and tiebreak(name) < best_tie):
                best, best_cost, best_tie = host, cost, tiebreak(name)
        self.host, self.cost, self.tie = best, best_cost, best_tie
