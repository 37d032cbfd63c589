"""A lower bound of the objective, to stop improving a provably good plan.

The improvement phase has nothing worth its latency to find once the plan
is within ``[optimizer] improve_gap`` of the optimum, and a lower bound of
the optimum proves that: every pipe costs at least its bandwidth times the
distance the group rules force between its ends (host diversity: another
host; rack diversity or exclusivity: another rack ...), and a host-level
exclusivity group with no member anywhere yet opens at least one host.
The bound is weak on plans with few rules, so the phase then simply runs
to its evaluation budget.
"""
from valet.engine.model import groups as rules


def lower_bound(search):
    """A lower bound of ``search.current_cost()`` over all feasible plans."""
    weight = search.profile.weight
    pipes = 0
    for pipe in search.request.pipes:
        a = search.bundle_of.get(pipe.source)
        b = search.bundle_of.get(pipe.target)
        if a is not None and b is not None and a is not b:
            pipes += pipe.bandwidth_mbps * search.apart(a, b)
    opened = 0
    if not search.released:
        for name, (kind, level) in sorted(search.defs.items()):
            if (kind == rules.EXCLUSIVITY and level == rules.HOST
                    and _has_new_members(search, name)
                    and not search.dc.group_units(name, level)):
                opened += 1
    return weight('pipe_cost') * pipes + weight('new_hosts') * opened


def _has_new_members(search, name):
    return any(name in server.groups and key not in search.request.fixed
               for key, server in search.request.servers.items())
