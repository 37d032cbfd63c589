"""Valet group names a server asks for outside a plan (ad-hoc boots).

They come from the ``valet`` key of the server metadata, of the flavor's
extra specs or of the scheduler hints: ``{"groups": ["a", "b"]}`` as a
mapping or its JSON text (DESIGN §4), or a bare comma-separated list.
"""
import json
import logging

LOG = logging.getLogger(__name__)


def _spec(value):
    if isinstance(value, (list, tuple)):
        # A Nova hint arrives as a list of strings.
        value = value[0] if len(value) == 1 else {'groups': list(value)}
    if isinstance(value, str):
        text = value.strip()
        if text.startswith(('{', '[')):
            try:
                value = json.loads(text)
            except ValueError:
                LOG.warning('Ignoring a "valet" spec that is not valid '
                            'JSON: %r', value)
                return []
        else:
            value = {'groups': text}
    if isinstance(value, list):
        value = {'groups': value}
    if not isinstance(value, dict):
        return []
    names = value.get('groups') or []
    if isinstance(names, str):
        names = names.split(',')
    return [n.strip() for n in names if isinstance(n, str) and n.strip()]


def group_names(*specs):
    """The union of the groups in ``specs``, in first-seen order."""
    seen = []
    for spec in specs:
        if spec is None:
            continue
        for name in _spec(spec):
            if name not in seen:
                seen.append(name)
    return seen
