"""Failures that explain themselves (DESIGN §5.4).

A reason names the constraint (``code``), the group behind it, the member
that could not be placed and, per rule, how many hosts that rule removed
for that member, e.g. ``{"code": "diversity_unsatisfiable", "group": "web",
"type": "diversity", "level": "host", "member": "web-4", "eliminated":
{"capacity": 180, "diversity": 20}, "hosts_considered": 200}``.
"""
from valet import exception
from valet.engine.optimizer import filters


class Elimination:
    """Per-rule counts of the candidates a member lost."""

    def __init__(self, considered):
        self.considered = considered
        self.counts = {}
        self.groups = {}           # rule -> {group: count}
        self.last_rule = None      # the rule that removed the last candidate
        self.survivors = considered

    def remove(self, rule, group=None):
        self.counts[rule] = self.counts.get(rule, 0) + 1
        if group is not None:
            per_group = self.groups.setdefault(rule, {})
            per_group[group] = per_group.get(group, 0) + 1
        self.survivors -= 1

    def ordered_counts(self, order):
        return {rule: self.counts[rule] for rule in order
                if rule in self.counts}

    def emptying_rule(self, order):
        """The last rule in check order that removed anything.

        Rules run in order, so that rule is the one that took the last
        candidates away.
        """
        found = None
        for rule in order:
            if self.counts.get(rule):
                found = rule
        return found

    def main_group(self, rule):
        per_group = self.groups.get(rule) or {}
        if not per_group:
            return None
        return min(per_group, key=lambda g: (-per_group[g], g))


def eliminate_hosts(first_failure, hosts, bundle):
    """Count, per rule and group, the hosts ``first_failure(host,
    bundle)`` (a Status or None) rejects."""
    result = Elimination(len(hosts))
    for host in hosts:
        status = first_failure(host, bundle)
        if status is not None:
            result.remove(status.rule, status.group)
    return result


def reason(code, member, elimination, order, group=None, group_defs=None,
           considered_key='hosts_considered'):
    kind, level = (group_defs or {}).get(group, (None, None))
    return {'code': code, 'group': group, 'type': kind, 'level': level,
            'member': member,
            'eliminated': elimination.ordered_counts(order),
            considered_key: elimination.considered}


def failure(reason_dict, what='host'):
    counts = ', '.join('%s %d' % item
                       for item in reason_dict['eliminated'].items())
    group = ''
    if reason_dict.get('group'):
        group = ' (%s group %r at %s level)' % (
            reason_dict['type'], reason_dict['group'], reason_dict['level'])
    considered = reason_dict.get('hosts_considered', 0)
    detail = ('no %s for %s: %s%s; %d %ss considered, eliminated by %s'
              % (what, reason_dict['member'], reason_dict['code'], group,
                 considered, what, counts or 'nothing'))
    return exception.PlacementFailed(detail=detail, reason=reason_dict)


def code_for(rule):
    return filters.CODES.get(rule, rule)
