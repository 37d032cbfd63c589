"""The improvement phase: cheaper hosts for bundles, then neighbourhoods.

The greedy answer is improved in deterministic passes
(``[optimizer] improve_passes``), bounded by a count of host evaluations
(``improve_evaluations``, see :class:`Budget`), not by the clock:

* coordinate descent: every bundle with pipes is taken off its host and
  given the cheapest feasible host with all others fixed; a move is kept
  only if it is strictly cheaper (a bundle's cost holds all its pipes and
  whether it opened a host, so each move lowers the objective);
* whole-neighbourhood relocations (``relocate.py``): the units around a
  costly hub are placed again limited to one roomy host or rack, polished
  with the other moves, and kept only if the plan got cheaper;
* neighbourhood re-insertion (a small LNS): the affinity units of a
  bundle and of its pipe peers are taken out together and placed again
  with the search's own unit placement, the bundle's unit first; the
  result is kept only if the plan's objective went down.  The first
  cheaper plan is kept; only when the neighbourhood gives none is the
  hub forced onto the roomiest host.  A re-insertion stops as soon as its
  partial objective reaches the old one (placing more members never
  lowers it), and a hub whose neighbourhood gave nothing is not tried
  again until one of its members moved.

Every move is checked by the same filters as the greedy, and only a
cheaper plan is ever kept: the answer obeys every rule and never costs
more than the greedy's.  The phase stops early once the plan is provably
within ``improve_gap`` of the optimum (``bounds.py``).
"""
import time

from valet.engine.optimizer import bounds
from valet.engine.optimizer import relocate

_EPSILON = 1e-9


NEIGHBOURHOODS = 8      # re-insertions tried per pass (costliest hubs)
ROOMY = 8               # the roomiest hosts a hub may also move to
FORCED = 1              # ... of which the first ones are tried alone
                        # (only when the neighbourhood itself gave nothing)
RELOCATIONS = 2         # whole-neighbourhood moves tried per pass
POLISH = 2              # passes of the other moves after a relocation
POLISHED = 2            # relocation targets polished (the cheapest ones)
POLISH_HUBS = 8         # hub re-insertions per polishing pass


def _pipe_cost(search, bundle):
    host = search.overlay.assigned[bundle.key]
    return sum(mbps for spot, mbps in search.peers(bundle)[0]
               if spot[1] != host)


class Budget:
    """What ends the phase: ``[optimizer] improve_evaluations`` host
    evaluations (deterministic); a plan provably within ``improve_gap`` of
    the optimum (``bounds.py``); or the ``improve_budget_ms`` safety cap
    (recorded in ``search.time_capped``: the answer then depends on the
    machine)."""

    def __init__(self, search, evaluations, deadline, good_enough=None):
        self.search = search
        self.limit = search.evaluations + evaluations
        self.deadline = deadline
        self.good_enough = good_enough     # objective to stop at
        self.done = False

    def spent(self):
        if self.done or self.search.evaluations >= self.limit:
            return True
        if time.perf_counter() > self.deadline:
            self.search.time_capped = True
            return True
        return False

    def check(self):
        """After a kept move: is the plan good enough to stop?"""
        if self.good_enough is not None and (
                self.search.current_cost() <= self.good_enough + _EPSILON):
            self.done = True
        return self.done


def improve(search, clusters, started):
    """Improve ``search``'s current answer in place; returns moves kept."""
    profile = search.profile
    floor = bounds.lower_bound(search)
    budget = Budget(search, profile.improve_evaluations,
                    started + profile.improve_budget_ms / 1000.0,
                    floor * (1.0 + profile.improve_gap) if floor else None)
    bundles = [hb for cluster in clusters for hb in cluster.host_bundles
               if hb.pipes and hb.host is None]
    cluster_of = {id(hb): cluster for cluster in clusters
                  for hb in cluster.host_bundles}
    movable = [hb for cluster in clusters for hb in cluster.host_bundles
               if hb.host is None]
    moves = 0
    tried, relocated = {}, {}
    for _ in range(profile.improve_passes if not budget.check() else 0):
        moved = _descent(search, bundles, budget)
        if moved:
            budget.check()
        moved += _relocations(search, bundles, movable, cluster_of, budget,
                              relocated)
        moved += _neighbourhoods(search, bundles, cluster_of, budget,
                                 tried)
        moves += moved
        if not moved or budget.spent():
            break
    # Nothing rolls back past this phase: drop the (now stale) undo log.
    search.overlay.log = []
    return moves


def _take_out(search, bundle):
    host = search.dc.hosts[search.overlay.assigned[bundle.key]]
    search.overlay.unassign(bundle, host, search.pipe_demand(bundle, host))
    return host


def _put(search, bundle, host):
    search.overlay.assign(bundle, host, search.pipe_demand(bundle, host))


def _descent(search, bundles, budget):
    moves = 0
    for bundle in bundles:
        if budget.spent():
            break
        if not _pipe_cost(search, bundle):
            continue           # all its peers share its host already
        current = _take_out(search, bundle)
        stay = search.cost(current, bundle)
        host, cost = search.best_host(bundle)
        if host is None or host is current or stay is not None and (
                cost >= stay - _EPSILON):
            host = current
        else:
            moves += 1
        _put(search, bundle, host)
    return moves


def _neighbourhoods(search, bundles, cluster_of, budget, tried,
                    limit=None):
    """``tried``: {hub: where its neighbourhood was} when re-inserting it
    gave nothing; such a hub is skipped until one of them moved."""
    if budget.spent():
        return 0
    moves = attempts = 0
    costs = {id(b): _pipe_cost(search, b) for b in bundles}
    order = sorted((b for b in bundles if costs[id(b)]),
                   key=lambda b: (-costs[id(b)], b.key))
    assigned = search.overlay.assigned
    for bundle in order:
        if attempts >= (limit or NEIGHBOURHOODS) or budget.spent():
            break
        units, seen = [], set()
        for member in [bundle] + _peer_bundles(search, bundle):
            unit = cluster_of[id(member)]
            if id(unit) not in seen and not any(
                    hb.host is not None for hb in unit.host_bundles):
                seen.add(id(unit))
                units.append(unit)
        signature = tuple(assigned[hb.key] for unit in units
                          for hb in unit.host_bundles)
        if tried.get(id(bundle)) == signature:
            continue
        attempts += 1
        before = search.current_cost()
        # Where the hub may go: its peers' racks and the roomiest hosts
        # (to open one for the whole neighbourhood); then, if that gave no
        # cheaper plan, forced, the roomiest host.
        roomy = [h.name for h in search.roomiest(ROOMY)]
        hint = {h.name for spot, _ in search.peers(bundle)[0]
                for h in search.rack_hosts.get(spot[2], ())}
        hint.update(roomy)
        old = [(hb, _take_out(search, hb))
               for unit in reversed(units) for hb in unit.host_bundles]
        hint.update(h.name for _, host in old
                    for h in search.rack_hosts[host.rack])
        kept = False
        for target in [hint] + [{name} for name in roomy[:FORCED]]:
            # The first cheaper plan is kept: the forced tries are only a
            # fallback, and the budget goes to the next hub instead.
            if budget.spent():
                break
            if _reinsert(search, bundle, units, target, keep_below=before):
                kept = True
                break
        if kept:
            moves += 1
            budget.check()
            continue
        for hb, host in reversed(old):
            _put(search, hb, host)
        tried[id(bundle)] = signature
    return moves


def _relocations(search, bundles, movable, cluster_of, budget, tried):
    """Whole-neighbourhood moves (``relocate.py``) around the costliest
    hubs; ``tried``: {neighbourhood: where it was} when no target gave a
    cheaper plan, skipped until one of its members moved."""
    if budget.spent():
        return 0
    moves = attempts = 0
    costs = {id(b): _pipe_cost(search, b) for b in bundles}
    order = sorted((b for b in bundles if costs[id(b)]),
                   key=lambda b: (-costs[id(b)], b.key))
    assigned = search.overlay.assigned
    done = set()
    for hub, size in [(hub, size) for hub in order
                      for size in relocate.SIZES]:
        if attempts >= RELOCATIONS or budget.spent():
            break
        units = relocate.neighbourhood(search, hub, cluster_of, size)
        key = frozenset(id(unit) for unit in units)
        if not units or key in done:
            continue
        done.add(key)
        signature = tuple(assigned[hb.key] for unit in units
                          for hb in unit.host_bundles)
        if tried.get(key) == signature:
            continue
        attempts += 1
        before = search.current_cost()
        snapshot = [(hb, search.dc.hosts[assigned[hb.key]])
                    for hb in movable]
        inside = [hb for unit in units for hb in unit.host_bundles]
        for hb in reversed(inside):
            _take_out(search, hb)
        kept = _relocate(search, bundles, cluster_of, budget, units, inside,
                         snapshot, before)
        if kept:
            moves += 1
            budget.check()
            continue
        _restore(search, snapshot, inside)
        tried[key] = signature
    return moves


def _relocate(search, bundles, cluster_of, budget, units, inside, snapshot,
              before):
    """Try the targets with ``inside`` taken out; True if a cheaper plan
    was kept.  Every target is placed, then only the ``POLISHED`` cheapest
    placements are polished (polishing costs ten times more)."""
    placed = []
    for index, target in enumerate(relocate.targets(search, units)):
        if budget.spent():
            return False
        # Placing more units never lowers the cost: a target already
        # dearer than the POLISHED cheapest ones so far is dropped early.
        bar = (sorted(placed)[POLISHED - 1][0] if len(placed) >= POLISHED
               else float('inf'))
        if all(relocate.place_limited(search, unit, target)
               and search.current_cost() < bar for unit in units):
            cost = search.current_cost()
            if cost < before - _EPSILON:
                _polish(search, bundles, cluster_of, budget)
                return True
            placed.append((cost, index, target))
        _restore(search, snapshot, inside)
        for hb in reversed(inside):
            _take_out(search, hb)
    for _, _, target in sorted(placed)[:POLISHED]:
        if budget.spent():
            return False
        if all(relocate.place_limited(search, unit, target)
               for unit in units):
            _polish(search, bundles, cluster_of, budget)
            if search.current_cost() < before - _EPSILON:
                return True
        _restore(search, snapshot, inside)
        for hb in reversed(inside):
            _take_out(search, hb)
    return False


def _polish(search, bundles, cluster_of, budget):
    """The single-bundle and hub moves on a relocated plan, to a local
    optimum (or the budget): a relocation is judged by where it leads."""
    tried = {}
    for _ in range(POLISH):
        moved = _descent(search, bundles, budget)
        moved += _neighbourhoods(search, bundles, cluster_of, budget, tried,
                                 POLISH_HUBS)
        if not moved or budget.spent():
            break


def _restore(search, snapshot, inside):
    """Put every bundle of ``snapshot`` [(bundle, host)] back on its host
    (``inside``: the moved ones, possibly not placed now)."""
    assigned = search.overlay.assigned
    back = [(hb, host) for hb, host in snapshot
            if assigned.get(hb.key) != host.name]
    for hb, _ in back:
        if hb.key in assigned:
            _take_out(search, hb)
    for hb, host in back:
        _put(search, hb, host)


def _reinsert(search, bundle, units, target, keep_below):
    """Place ``units`` again with the hub limited to ``target`` hosts;
    kept (True) if the plan's objective is now below ``keep_below``, else
    undone (False)."""
    saved = bundle.candidates
    bundle.candidates = (frozenset(target) if saved is None
                         else saved & frozenset(target))
    search.forget_plugins(bundle)      # the candidates rule now applies
    mark = search.overlay.mark()
    placed = True
    try:
        for unit in units:
            # Placing more members never lowers the objective (pipe costs
            # and opened hosts only add up): stop as soon as it is no
            # better than the plan it should replace.
            if not search.place_cluster(unit) or (
                    search.current_cost() >= keep_below - _EPSILON):
                placed = False
                break
    finally:
        bundle.candidates = saved
        search.forget_plugins(bundle)
    if placed:
        return True
    search.overlay.rollback(mark)
    return False


def _peer_bundles(search, bundle):
    seen, result = {id(bundle)}, []
    for peer, _ in sorted(bundle.pipes, key=lambda p: (-p[1], p[0])):
        other = search.bundle_of.get(peer)
        if other is not None and id(other) not in seen:
            seen.add(id(other))
            result.append(other)
    return result

