"""Flavor extra specs against aggregate metadata.

The semantics of Nova's AggregateInstanceExtraSpecsFilter: keys scoped
``aggregate_instance_extra_specs:`` and unscoped keys must match the host's
aggregate metadata, with the operators of ``nova.scheduler.filters.
extra_specs_ops``; keys of other scopes (``hw:``, ``quota:``...) are not
about aggregates and are skipped.
"""
import operator

SCOPE = 'aggregate_instance_extra_specs'


def _numeric(compare):
    def check(value, wanted):
        try:
            return compare(float(value), float(wanted))
        except (TypeError, ValueError):
            return False
    return check


_OPS = {
    '=': _numeric(operator.ge),        # Nova: "=" means "at least"
    '==': _numeric(operator.eq),
    '!=': _numeric(operator.ne),
    '>=': _numeric(operator.ge),
    '<=': _numeric(operator.le),
    's==': operator.eq,
    's!=': operator.ne,
    's<': operator.lt,
    's<=': operator.le,
    's>': operator.gt,
    's>=': operator.ge,
    '<in>': lambda value, wanted: wanted in value,
}


def match(value, requirement):
    """Does one metadata value satisfy one extra-spec requirement?"""
    words = str(requirement).split()
    if not words:
        return str(value) == str(requirement)
    op = words[0]
    if op == '<or>':
        return any(str(value) == word for word in words[1::2])
    if op == '<all-in>':
        return all(word in str(value) for word in words[1:])
    if op in _OPS and len(words) > 1:
        return bool(_OPS[op](str(value), words[1]))
    return str(value) == str(requirement)


def aggregate_requirements(extra_specs):
    """{metadata key: requirement} that a host's aggregates must satisfy."""
    wanted = {}
    for key, requirement in (extra_specs or {}).items():
        scope, _, name = key.partition(':')
        if not name:
            name = scope           # unscoped: checked, as Nova does
        elif scope != SCOPE:
            continue
        if name == 'valet':
            continue               # Valet's own group spec, not metadata
        wanted[name] = requirement
    return wanted


def host_matches(metadata, requirements):
    for key, requirement in requirements.items():
        values = metadata.get(key)
        if values is None:
            return False
        if not isinstance(values, list):
            values = [values]
        if not any(match(value, requirement) for value in values):
            return False
    return True
