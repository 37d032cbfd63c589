"""Version discovery: ``GET /`` (no authentication) and ``GET /v1``."""
from valet.api import util

VERSION_ID = 'v1.0'
V1_RESOURCES = ('groups', 'placements', 'plans', 'status')


def _v1_url(req):
    return req.application_url + '/v1/'


@util.handler
def home(req):
    return util.json_response({'versions': [{
        'status': 'CURRENT',
        'id': VERSION_ID,
        'links': [{'href': _v1_url(req), 'rel': 'self'}],
    }]})


@util.handler
def v1(req):
    base = _v1_url(req)
    links = [{'href': base, 'rel': 'self'}]
    links.extend({'href': base + name + '/', 'rel': name}
                 for name in V1_RESOURCES)
    return util.json_response({'versions': [{
        'status': 'CURRENT',
        'id': VERSION_ID,
        'links': links,
    }]})
