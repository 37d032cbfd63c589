"""Query strings and paging of the list endpoints (microversion 1.1).

``limit`` and ``marker`` page a list the DB layer returned in its stable
order: the page starts after the item whose id is ``marker``, and a full
page links to the next one (``<collection>_links``, as Nova does).
"""
import urllib.parse

from valet.api import schemas
from valet.api import util
from valet import exception


def query(req, schema):
    """The query string as a dict, validated against ``schema``; a key
    given twice is a 400 rather than a silent choice."""
    params = {}
    for key, value in req.GET.items():
        if key in params:
            raise exception.Invalid('Query parameter %s is given more than '
                                    'once.' % key)
        params[key] = value
    return util.validate(params, schema, where='query string')


def page(req, items, params, collection):
    """(items of this page, links) for ``limit``/``marker`` in ``params``."""
    marker = params.get('marker')
    if marker is not None:
        for index, item in enumerate(items):
            if item.get('id') == marker:
                items = items[index + 1:]
                break
        else:
            raise exception.Invalid('marker %s: no such item in %s.'
                                    % (marker, collection))
    links = []
    if 'limit' in params:
        limit = min(int(params['limit']), schemas.MAX_LIMIT)
        if len(items) > limit:
            items = items[:limit]
            args = dict(params, marker=items[-1]['id'])
            links.append({'rel': 'next', 'href': '%s?%s' % (
                req.path_url, urllib.parse.urlencode(sorted(args.items())))})
    return items, links


def body(collection, items, links):
    """``{collection: items}``, plus ``<collection>_links`` if any."""
    result = {collection: items}
    if links:
        result[collection + '_links'] = links
    return result
