"""What the API commands share: their client, and turning API dicts into
cliff rows."""
from cliff import columns


class DictColumn(columns.FormattableColumn):
    """A dict: ``k=v, ...`` in a table, the dict itself in json/yaml."""

    def human_readable(self):
        return ', '.join('%s=%s' % (k, v)
                         for k, v in sorted((self._value or {}).items()))

    def machine_readable(self):
        return dict(self._value or {})


class ListColumn(columns.FormattableColumn):
    def human_readable(self):
        return ', '.join(str(v) for v in self._value or ())

    def machine_readable(self):
        return list(self._value or ())


def api(command):
    """The valet-api client of a command's application."""
    return command.app.valet()


def show(fields, item, formatters=None):
    """(column names, values) for a ShowOne of ``item``.

    ``fields`` is a sequence of (column title, key)."""
    formatters = formatters or {}
    values = []
    for _, key in fields:
        value = item.get(key)
        if key in formatters:
            value = formatters[key](value)
        values.append(value)
    return tuple(title for title, _ in fields), tuple(values)


def rows(fields, items, formatters=None):
    """(column names, rows) for a Lister of ``items``."""
    formatters = formatters or {}
    out = []
    for item in items:
        out.append(tuple(formatters[key](item.get(key)) if key in formatters
                         else item.get(key) for _, key in fields))
    return tuple(title for title, _ in fields), out


def pairs(values, what):
    """``['k=v', ...]`` → dict; ValueError names the bad one."""
    result = {}
    for pair in values or ():
        key, sep, value = pair.partition('=')
        if not sep or not key:
            raise ValueError('%s %r: expected KEY=VALUE' % (what, pair))
        result[key] = value
    return result
