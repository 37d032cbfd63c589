"""The improvement phase: cheaper hosts for bundles, then neighbourhoods.

The greedy answer is improved in two deterministic steps, both bounded by
``[optimizer] improve_passes`` and the ``improve_budget_ms`` time cap:

* coordinate descent: every bundle with pipes is taken off its host and
  given the cheapest feasible host with all others fixed; a move is kept
  only if it is strictly cheaper (a bundle's cost holds all its pipes and
  whether it opened a host, so each move lowers the objective);
* neighbourhood re-insertion (a small LNS): the affinity units of a
  bundle and of its pipe peers are taken out together and placed again
  with the search's own unit placement, the bundle's unit first; the
  result is kept only if the plan's objective went down.  This moves a
  pipe hub, its peers and the affinity groups they belong to onto hosts
  and racks with room for all of them, which no single move can do.
  The first cheaper plan is kept; only when the neighbourhood gives none
  is the hub forced onto the roomiest host.  A re-insertion stops as soon
  as its partial objective reaches the old one (placing more members never
  lowers it), and a hub whose neighbourhood gave nothing is not tried
  again until one of its members moved: the time cap reaches more hubs.
"""
import time

_EPSILON = 1e-9


NEIGHBOURHOODS = 8      # re-insertions tried per pass (costliest hubs)
ROOMY = 8               # the roomiest hosts a hub may also move to
FORCED = 1              # ... of which the first ones are tried alone
                        # (only when the neighbourhood itself gave nothing)


def _pipe_cost(search, bundle):
    host = search.overlay.assigned[bundle.key]
    return sum(mbps for spot, mbps in search.peers(bundle)[0]
               if spot[1] != host)


def improve(search, clusters, started):
    """Improve ``search``'s current answer in place; returns moves kept."""
    profile = search.profile
    deadline = started + profile.improve_budget_ms / 1000.0
    bundles = [hb for cluster in clusters for hb in cluster.host_bundles
               if hb.pipes and hb.host is None]
    cluster_of = {id(hb): cluster for cluster in clusters
                  for hb in cluster.host_bundles}
    moves = 0
    tried = {}
    for _ in range(profile.improve_passes):
        moved = _descent(search, bundles, deadline)
        moved += _neighbourhoods(search, bundles, cluster_of, deadline,
                                 tried)
        moves += moved
        if not moved or time.perf_counter() > deadline:
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


def _descent(search, bundles, deadline):
    moves = 0
    for bundle in bundles:
        if time.perf_counter() > deadline:
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


def _neighbourhoods(search, bundles, cluster_of, deadline, tried):
    """``tried``: {hub: where its neighbourhood was} when re-inserting it
    gave nothing; such a hub is skipped until one of them moved."""
    moves = attempts = 0
    costs = {id(b): _pipe_cost(search, b) for b in bundles}
    order = sorted((b for b in bundles if costs[id(b)]),
                   key=lambda b: (-costs[id(b)], b.key))
    assigned = search.overlay.assigned
    for bundle in order:
        if attempts >= NEIGHBOURHOODS or time.perf_counter() > deadline:
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
            if time.perf_counter() > deadline:
                break
            if _reinsert(search, bundle, units, target, keep_below=before):
                kept = True
                break
        if kept:
            moves += 1
            continue
        for hb, host in reversed(old):
            _put(search, hb, host)
        tried[id(bundle)] = signature
    return moves


def _reinsert(search, bundle, units, target, keep_below):
    """Place ``units`` again with the hub limited to ``target`` hosts;
    kept (True) if the plan's objective is now below ``keep_below``, else
    undone (False)."""
    saved = bundle.candidates
    bundle.candidates = (frozenset(target) if saved is None
                         else saved & frozenset(target))
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

