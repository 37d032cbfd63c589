"""Read-only engine queries: group members, invalid placements, explain.

They read the DB and the in-memory model and never decide or write.
"""
from valet.db import groups as db_groups
from valet.db import placements as db_placements
from valet.db import plans as db_plans
from valet.engine.model import bandwidth
from valet.engine.model import groups as rules
from valet.engine import replans
from valet.engine.optimizer import explain as explain_mod
from valet.engine.optimizer import objective
from valet.engine.optimizer import search
from valet.engine.optimizer import structure

_MEMBER_FIELDS = ('id', 'orchestration_id', 'resource_id', 'name', 'kind',
                  'location', 'rack', 'zone', 'reserved', 'plan_id',
                  'stack_id', 'project_id')


def _member(row):
    return {k: row.get(k) for k in _MEMBER_FIELDS}


def group_members(db, ctx, group):
    """The group and where each of its members is placed."""
    found = db_groups.get_group(db, ctx, group)
    rows = db_placements.list_by_group(db, ctx, found['id'])
    return {'group': found, 'members': [_member(r) for r in rows]}


def invalid_placements(db, ctx, datacenter):
    """Placements the current datacenter no longer honours: their host or
    pool is gone or disabled, or one of their group rules is broken (the
    inventory changed under them)."""
    rows = db_placements.load_all(db, ctx)
    lookup = replans.GroupLookup(db, ctx)
    result = []
    broken = _broken_groups(rows, lookup)
    for row in rows:
        reasons = []
        if row['kind'] == 'volume':
            if row['location'] not in datacenter.pools:
                reasons.append('pool_unknown')
        else:
            host = datacenter.hosts.get(row['location'])
            if host is None:
                reasons.append('host_unknown')
            elif not host.enabled:
                reasons.append('host_disabled')
            elif (host.rack, host.zone) != (row['rack'], row['zone']):
                reasons.append('host_moved')
            if _moved_by_nova(row):
                reasons.append('moved_by_nova')
        for name in row.get('groups') or ():
            code = broken.get((name, row['orchestration_id'],
                               row['stack_id']))
            if code:
                reasons.append(code)
        if reasons:
            result.append(dict(_member(row), reasons=sorted(set(reasons))))
    return result


def _moved_by_nova(row):
    """Nova runs this planned server elsewhere than Valet decided (marked
    by the notification reconciler, valet/engine/notifications)."""
    moved = (row.get('metadata') or {}).get('moved_by_nova')
    return bool(moved) and moved.get('host') == row['location']


def _broken_groups(rows, lookup):
    """(group, orchestration id, stack) -> code for members of groups
    whose rule their current hosts break."""
    by_group = {}
    for row in rows:
        if row['kind'] == 'server':
            for name in row.get('groups') or ():
                by_group.setdefault(name, []).append(row)
    units_all = {}
    for row in rows:
        if row['kind'] == 'server':
            for level, col in ((rules.HOST, 'location'), (rules.RACK, 'rack'),
                               (rules.ZONE, 'zone')):
                units_all.setdefault((level, row[col]), 0)
                units_all[level, row[col]] += 1
    broken = {}
    for name, members in sorted(by_group.items()):
        spec = lookup.get(name)
        if spec is None:
            continue
        col = {rules.HOST: 'location', rules.RACK: 'rack',
               rules.ZONE: 'zone'}[spec['level']]
        units = {}
        for row in members:
            units.setdefault(row[col], []).append(row)
        bad = []
        if spec['type'] == rules.AFFINITY and len(units) > 1:
            bad = members
        elif spec['type'] == rules.DIVERSITY:
            bad = [r for rs in units.values() if len(rs) > 1 for r in rs]
        elif spec['type'] == rules.EXCLUSIVITY:
            bad = [r for unit, rs in units.items()
                   if units_all[spec['level'], unit] != len(rs) for r in rs]
        for row in bad:
            broken[name, row['orchestration_id'], row['stack_id']] = (
                '%s_broken' % spec['type'])
    return broken


def explain(db, ctx, datacenter, stack_id, profile=None):
    """Why each member of a plan is where it is: its groups and pipes,
    the plan's objective terms, and for each server how many hosts each
    rule leaves it now (with every other member where it is)."""
    plan = db_plans.get_plan(db, ctx, stack_id)
    rows = {r['orchestration_id']: r
            for r in db_placements.load_all(db, ctx, plan['stack_id'])}
    pipes = db_plans.get_pipes(db, ctx, plan['id'])
    lookup = replans.GroupLookup(db, ctx)
    spots = {k: bandwidth.spot(r) for k, r in rows.items()}
    members = {}
    for key, row in sorted(rows.items()):
        groups = []
        for name in row.get('groups') or ():
            spec = lookup.get(name) or {}
            groups.append({'name': name, 'type': spec.get('type'),
                           'level': spec.get('level')})
        links = []
        for pipe in pipes:
            if key in (pipe['source'], pipe['target']):
                peer = (pipe['target'] if pipe['source'] == key
                        else pipe['source'])
                distance = (bandwidth.distance(spots[key], spots[peer])
                            if peer in spots else None)
                links.append({'pipe': pipe['name'], 'peer': peer,
                              'bandwidth_mbps': pipe['bandwidth_mbps'],
                              'distance': distance})
        members[key] = {'kind': row['kind'], 'location': row['location'],
                        'rack': row['rack'], 'zone': row['zone'],
                        'reserved': row['reserved'], 'groups': groups,
                        'pipes': links}
        if row['kind'] == 'server':
            members[key]['alternatives'] = _alternatives(
                datacenter, rows, key, pipes, lookup, profile)
    request = replans.replan_request(rows, (), pipes, lookup,
                                     datacenter.flavors)
    request.pipes = replans.pipe_requests(pipes)
    terms = objective.evaluate(datacenter, request, {})
    return {'stack_id': plan['stack_id'], 'plan_id': plan['id'],
            'objective': terms, 'members': members}


def _alternatives(datacenter, rows, key, pipes, lookup, profile):
    request = replans.replan_request(rows, {key}, pipes, lookup,
                                     datacenter.flavors)
    defs = search.group_definitions(datacenter, request)
    bundle = structure.build(request, defs)[0].host_bundles[0]
    released = [rows[key]]
    state = search.Search(
        datacenter, request, defs, profile or search.framework.default_profile(),
        0, released, replans.pipes_bandwidth(request_pipes(request),
                                             rows.values()))
    result = explain_mod.eliminate_hosts(state.first_failure, state.all_hosts,
                                         bundle)
    return {'hosts_considered': result.considered,
            'hosts_possible': result.survivors,
            'eliminated': result.ordered_counts(state.profile.rules)}


def request_pipes(request):
    return [p.as_dict() for p in request.pipes]
