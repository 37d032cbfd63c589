"""Whole-neighbourhood moves of the improvement phase.

Single-bundle moves and the re-insertion of a hub with its direct peers
(``improve.py``) cannot leave a local optimum where the better answer has a
whole pipe-connected neighbourhood -- several affinity units, an exclusivity
group, their peers -- somewhere else at once: every step on the way costs
more (a newly opened host, pipes stretched across racks).  This move takes
the neighbourhood of a hub out (its pipe-connected units, up to
``MAX_BUNDLES`` host bundles) and places it again unit by unit, from the hub
on, always the unit with the most Mbit/s to those placed next, with every
unit first limited to one target:

* a host (the roomiest ones, often empty): each unit goes onto that host
  if it fits, else into its rack, else anywhere -- a neighbourhood
  consolidated on one (newly opened) host;
* a rack (the roomiest ones): each unit in that rack if it fits, else
  anywhere.

The cheapest placements are polished with the other moves and one is kept
only if the plan's objective went down; otherwise every bundle goes back
where it was
(``improve.py`` drives the move; this module chooses what and where).
"""
MAX_BUNDLES = 24        # host bundles moved together at most
SIZES = (MAX_BUNDLES, 6)  # neighbourhood sizes tried around a hub
RACKS = 8               # target racks tried per neighbourhood
HOSTS = 4               # target hosts tried per neighbourhood


def restrict(search, unit, hosts):
    """Limit every bundle of ``unit`` to ``hosts`` (names); returns the
    saved candidates for :func:`unrestrict`."""
    saved = []
    allowed = frozenset(hosts)
    for hb in unit.host_bundles:
        saved.append(hb.candidates)
        hb.candidates = (allowed if hb.candidates is None
                         else hb.candidates & allowed)
        # The candidates rule is cached per bundle: recompute it.
        search.forget_plugins(hb)
    return saved


def unrestrict(search, unit, saved):
    for hb, candidates in zip(unit.host_bundles, saved):
        hb.candidates = candidates
        search.forget_plugins(hb)


def neighbourhood(search, hub, cluster_of, limit=MAX_BUNDLES):
    """Units pipe-connected to ``hub``'s, hub first, then always the unit
    with the most Mbit/s to those chosen (so a heavy peer is placed before
    a light one that could take its room or its rack); units with a
    forced host are left alone."""
    start = cluster_of.get(id(hub))
    units, chosen, count = [], set(), 0
    frontier = {id(start): [0, start]}
    while frontier and count < limit:
        pick = min(frontier.values(), key=lambda e: (-e[0], e[1].key))[1]
        del frontier[id(pick)]
        chosen.add(id(pick))
        if any(hb.host is not None for hb in pick.host_bundles) or (
                count + len(pick.host_bundles) > limit):
            continue
        units.append(pick)
        count += len(pick.host_bundles)
        for hb in pick.host_bundles:
            for peer, mbps in hb.pipes:
                other = cluster_of.get(id(search.bundle_of.get(peer)))
                if other is not None and id(other) not in chosen:
                    entry = frontier.setdefault(id(other), [0, other])
                    entry[0] += mbps
    return units


def targets(search, units):
    """[(host name or None, [host names of the rack])] to try: the
    roomiest hosts, then the roomiest racks (by free RAM).  Called with
    the neighbourhood taken out, so its own room counts."""
    result = []
    racks = search.rack_hosts
    # Ranking hosts and racks looks at every host once: count it, so the
    # budget stays a measure of work on big datacenters too.
    search.evaluations += len(search.all_hosts)
    for host in search.roomiest(HOSTS):
        result.append((host.name, [h.name for h in racks[host.rack]]))
    free = search.overlay.free
    room = {}
    for name, hosts in racks.items():
        room[name] = sum(max(0, free(h)[1]) for h in hosts if h.enabled)
    chosen = sorted(room, key=lambda r: (-room[r], search.tiebreak(r)))
    chosen = chosen[:RACKS]
    result.extend((None, [h.name for h in racks[r]]) for r in chosen)
    return result


def place_limited(search, unit, target):
    """Place ``unit`` on ``target``'s host, else its rack, else anywhere."""
    host, rack = target
    for hosts in ([[host]] if host else []) + [rack, None]:
        saved = restrict(search, unit, hosts) if hosts is not None else None
        try:
            if search.place_cluster(unit):
                return True
        finally:
            if saved is not None:
                unrestrict(search, unit, saved)
    return False
