"""Invariants of a Valet database, re-read from the tables after a run.

Shared by the load benchmark, its smoke test and the fault tests: whatever
happened (several engines, crashes, retries), what the database holds must
be a consistent set of decisions.  The checker reads the rows with plain
SQL, independently of Valet's DB layer and model, and reports:

* rules: every named group's members are pairwise apart (diversity),
  together (affinity) or alone (exclusivity) at the group's level, across
  all the plans that use the group;
* capacity: per host, Valet's placements plus the usage of servers Valet
  did not place fit capacity × allocation ratio × (1 − standby); pipes fit
  host NICs and rack uplinks; volumes fit their pools;
* bookkeeping: the ``*_used`` columns of hosts, racks and pools equal the
  sum of the placements (and pipes) on them;
* plans: every placement is located on a known host/pool with its rack and
  zone; every plan the caller saw accepted is present, complete and where
  the answer said; every refused one is absent and its answer carried a
  structured reason (DESIGN §5.4).
"""
import collections
import dataclasses
import itertools

import sqlalchemy as sa

# The engine's rounding of scaled capacities (datacenter._scaled).
_EPSILON = 1e-9
LEVELS = ('host', 'rack', 'zone')


@dataclasses.dataclass
class Report:
    plans: int = 0
    placements: int = 0
    groups: int = 0
    hosts: int = 0
    accepted: int = 0
    refused: int = 0
    # kind -> [message]; kinds: rule, capacity, usage, plan, refusal
    violations: dict = dataclasses.field(
        default_factory=lambda: collections.defaultdict(list))

    def add(self, kind, message):
        self.violations[kind].append(message)

    def count(self, kind=None):
        if kind is not None:
            return len(self.violations.get(kind, ()))
        return sum(len(v) for v in self.violations.values())

    @property
    def ok(self):
        return self.count() == 0

    def summary(self, limit=10):
        lines = ['%d plans, %d placements, %d groups, %d hosts; '
                 '%d accepted and %d refused answers checked; '
                 '%d violations' % (self.plans, self.placements, self.groups,
                                    self.hosts, self.accepted, self.refused,
                                    self.count())]
        for kind, messages in sorted(self.violations.items()):
            for message in messages[:limit]:
                lines.append('  %s: %s' % (kind, message))
            if len(messages) > limit:
                lines.append('  %s: ... %d more' % (kind,
                                                    len(messages) - limit))
        return '\n'.join(lines)

    def assert_ok(self):
        assert self.ok, self.summary()


def _rows(connection, sql):
    return [dict(r._mapping) for r in connection.execute(sa.text(sql))]


def read_state(db_url):
    """Everything the checks need, as lists of dicts."""
    engine = sa.create_engine(db_url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as c:
            return {
                'plans': _rows(c, 'SELECT id, stack_id FROM plans'),
                'placements': _rows(
                    c, 'SELECT id, plan_id, orchestration_id, kind, '
                       'location, rack, zone, vcpus, memory_mb, disk_gb '
                       'FROM placements'),
                # GROUPS is a reserved word in MySQL 8: quote it.
                'groups': _rows(c, 'SELECT id, name, type, level FROM %s'
                                % engine.dialect.identifier_preparer.quote(
                                    'groups')),
                'placement_groups': _rows(
                    c, 'SELECT placement_id, group_id FROM placement_groups'),
                'pipes': _rows(c, 'SELECT plan_id, source, target, '
                                  'bandwidth_mbps FROM pipes'),
                'hosts': _rows(
                    c, 'SELECT h.name, r.name AS rack, z.name AS zone, '
                       'h.vcpus, h.memory_mb, h.disk_gb, h.nic_mbps, '
                       'h.cpu_allocation_ratio, h.ram_allocation_ratio, '
                       'h.disk_allocation_ratio, h.external_vcpus, '
                       'h.external_memory_mb, h.external_disk_gb, '
                       'h.vcpus_used, h.memory_mb_used, h.disk_gb_used, '
                       'h.nic_used_mbps FROM hosts h '
                       'JOIN racks r ON r.id = h.rack_id '
                       'JOIN zones z ON z.id = h.zone_id'),
                'racks': _rows(c, 'SELECT name, uplink_mbps, '
                                  'uplink_used_mbps FROM racks'),
                'pools': _rows(c, 'SELECT name, capacity_gb, used_gb '
                                  'FROM pools'),
            }
    finally:
        engine.dispose()


def check(db_url, accepted=None, refused=None, standby_ratio=0.0):
    """Check the database at ``db_url``; returns a :class:`Report`.

    ``accepted``: {stack_id: {orchestration_id: location}} of the plans the
    caller was told were created; ``refused``: {stack_id: error body} of
    the ones it was told could not be placed.  ``standby_ratio``: the
    engines' ``[optimizer] standby_ratio``.
    """
    state = read_state(db_url)
    report = Report(plans=len(state['plans']),
                    placements=len(state['placements']),
                    groups=len(state['groups']), hosts=len(state['hosts']),
                    accepted=len(accepted or {}), refused=len(refused or {}))
    hosts = {h['name']: h for h in state['hosts']}
    pools = {p['name']: p for p in state['pools']}
    _check_locations(report, state['placements'], hosts, pools)
    _check_groups(report, state, hosts)
    _check_hosts(report, state, hosts, standby_ratio)
    _check_pools(report, state['placements'], pools)
    _check_answers(report, state, accepted or {}, refused or {})
    return report


def _servers(placements):
    return [p for p in placements if p['kind'] == 'server']


def _check_locations(report, placements, hosts, pools):
    for p in placements:
        where = p['orchestration_id'], p['location']
        if p['kind'] == 'server':
            host = hosts.get(p['location'])
            if host is None:
                report.add('plan', 'server %s on unknown host %s' % where)
            elif (p['rack'], p['zone']) != (host['rack'], host['zone']):
                report.add('plan', 'server %s on %s says rack/zone %s/%s, '
                           'the host is in %s/%s' % (
                               where + (p['rack'], p['zone'], host['rack'],
                                        host['zone'])))
        elif p['location'] not in pools:
            report.add('plan', 'volume %s in unknown pool %s' % where)


def _unit(placement, level):
    return placement['location'] if level == 'host' else placement[level]


def _check_groups(report, state, hosts):
    by_id = {p['id']: p for p in state['placements']}
    members = collections.defaultdict(list)
    for link in state['placement_groups']:
        placement = by_id.get(link['placement_id'])
        if placement is not None and placement['kind'] == 'server':
            members[link['group_id']].append(placement)
    servers = _servers(state['placements'])
    for group in state['groups']:
        mine = members.get(group['id'], [])
        level, name = group['level'], group['name']
        units = [_unit(p, level) for p in mine]
        if group['type'] == 'diversity':
            for a, b in itertools.combinations(mine, 2):
                if _unit(a, level) == _unit(b, level):
                    report.add('rule', 'diversity(%s) %s: %s and %s both on '
                               '%s' % (level, name, a['orchestration_id'],
                                       b['orchestration_id'],
                                       _unit(a, level)))
        elif group['type'] == 'affinity' and len(set(units)) > 1:
            report.add('rule', 'affinity(%s) %s spread over %s' % (
                level, name, sorted(set(units))))
        elif group['type'] == 'exclusivity' and mine:
            _check_exclusive(report, group, mine, servers, hosts)


def _check_exclusive(report, group, mine, servers, hosts):
    level, name = group['level'], group['name']
    ids = {p['id'] for p in mine}
    units = {_unit(p, level) for p in mine}
    for p in servers:
        if p['id'] not in ids and _unit(p, level) in units:
            report.add('rule', 'exclusivity(%s) %s: outsider %s on %s' % (
                level, name, p['orchestration_id'], _unit(p, level)))
    for host in hosts.values():
        unit = host['name'] if level == 'host' else host[level]
        if unit in units and (host['external_vcpus']
                              or host['external_memory_mb']):
            report.add('rule', 'exclusivity(%s) %s: servers Valet did not '
                       'place on %s' % (level, name, host['name']))


def _pipe_usage(state):
    """({host: mbps}, {rack: mbps}) of all stored pipes: a pipe crosses the
    NIC of each server end whose peer is on another host, and the uplink
    of each end's rack when the peer is in another rack (or in none)."""
    spots = {(p['plan_id'], p['orchestration_id']): p
             for p in state['placements']}
    host_use, rack_use = collections.Counter(), collections.Counter()
    for pipe in state['pipes']:
        a = spots.get((pipe['plan_id'], pipe['source']))
        b = spots.get((pipe['plan_id'], pipe['target']))
        mbps = pipe['bandwidth_mbps'] or 0
        if a is None or b is None or not mbps:
            continue
        if (a['kind'] == b['kind'] == 'server'
                and a['location'] == b['location']):
            continue
        for end in (a, b):
            if end['kind'] == 'server':
                host_use[end['location']] += mbps
        if a['rack'] is None or a['rack'] != b['rack']:
            for end in (a, b):
                if end['rack'] is not None:
                    rack_use[end['rack']] += mbps
    return host_use, rack_use


def _capacity(host, field, ratio, standby_ratio):
    return int(host[field] * host[ratio] * (1.0 - standby_ratio) + _EPSILON)


_HOST_FIELDS = (('vcpus', 'cpu_allocation_ratio'),
                ('memory_mb', 'ram_allocation_ratio'),
                ('disk_gb', 'disk_allocation_ratio'))


def _check_hosts(report, state, hosts, standby_ratio):
    used = collections.defaultdict(collections.Counter)
    for p in _servers(state['placements']):
        for field, _ in _HOST_FIELDS:
            used[p['location']][field] += p[field] or 0
    nic, uplink = _pipe_usage(state)
    for name, host in sorted(hosts.items()):
        for field, ratio in _HOST_FIELDS:
            mine = used[name][field]
            if host[field + '_used'] != mine:
                report.add('usage', 'host %s %s_used = %s, placements sum '
                           'to %s' % (name, field, host[field + '_used'],
                                      mine))
            total = mine + host['external_' + field]
            limit = _capacity(host, field, ratio, standby_ratio)
            if total > limit:
                report.add('capacity', 'host %s %s: %s used (%s by Valet) '
                           '> %s' % (name, field, total, mine, limit))
        if host['nic_used_mbps'] != nic[name]:
            report.add('usage', 'host %s nic_used_mbps = %s, pipes sum to '
                       '%s' % (name, host['nic_used_mbps'], nic[name]))
        if host['nic_mbps'] and nic[name] > host['nic_mbps']:
            report.add('capacity', 'host %s NIC: %s > %s Mbit/s' % (
                name, nic[name], host['nic_mbps']))
    for rack in state['racks']:
        name = rack['name']
        if rack['uplink_used_mbps'] != uplink[name]:
            report.add('usage', 'rack %s uplink_used_mbps = %s, pipes sum '
                       'to %s' % (name, rack['uplink_used_mbps'],
                                  uplink[name]))
        if rack['uplink_mbps'] and uplink[name] > rack['uplink_mbps']:
            report.add('capacity', 'rack %s uplink: %s > %s Mbit/s' % (
                name, uplink[name], rack['uplink_mbps']))


def _check_pools(report, placements, pools):
    used = collections.Counter()
    for p in placements:
        if p['kind'] == 'volume':
            used[p['location']] += p['disk_gb'] or 0
    for name, pool in sorted(pools.items()):
        if pool['used_gb'] != used[name]:
            report.add('usage', 'pool %s used_gb = %s, volumes sum to %s' % (
                name, pool['used_gb'], used[name]))
        if used[name] > pool['capacity_gb']:
            report.add('capacity', 'pool %s: %s GB > %s GB' % (
                name, used[name], pool['capacity_gb']))


def _check_answers(report, state, accepted, refused):
    plan_of = {p['stack_id']: p['id'] for p in state['plans']}
    stored = collections.defaultdict(dict)
    for p in state['placements']:
        stored[p['plan_id']][p['orchestration_id']] = p['location']
    for stack_id, answer in sorted(accepted.items()):
        plan_id = plan_of.get(stack_id)
        if plan_id is None:
            report.add('plan', 'accepted plan %s is missing' % stack_id)
        elif stored[plan_id] != answer:
            missing = sorted(set(answer) - set(stored[plan_id]))
            moved = sorted(k for k in answer if k in stored[plan_id]
                           and stored[plan_id][k] != answer[k])
            extra = sorted(set(stored[plan_id]) - set(answer))
            report.add('plan', 'accepted plan %s differs from its answer: '
                       'missing %s, moved %s, extra %s' % (
                           stack_id, missing, moved, extra))
    for stack_id, body in sorted(refused.items()):
        if stack_id in plan_of:
            report.add('refusal', 'refused plan %s is stored' % stack_id)
        reason = (body or {}).get('reason')
        if not isinstance(reason, dict) or not reason.get('code'):
            report.add('refusal', 'refused plan %s has no structured '
                       'reason: %r' % (stack_id, body))
