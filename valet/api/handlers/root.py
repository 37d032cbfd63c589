"""Version discovery: ``GET /`` (no authentication) and ``GET /v1``."""
from valet.api import microversion
from valet.api import util

VERSION_ID = 'v1.0'
V1_RESOURCES = ('groups', 'placements', 'plans', 'status')


def _v1_url(req):
    return req.application_url + '/v1/'


def _version(req, links):
    version = {'status': 'CURRENT', 'id': VERSION_ID, 'links': links}
    if microversion.of(req).matches('1.1'):
        # 1.0 keeps Valet 1.0's exact shape; later versions say the range.
        version['min_version'] = str(microversion.MIN_VERSION)
        version['max_version'] = str(microversion.MAX_VERSION)
    return {'versions': [version]}


@util.handler
def home(req):
    return util.json_response(
        _version(req, [{'href': _v1_url(req), 'rel': 'self'}]))


@util.handler
def v1(req):
    base = _v1_url(req)
    links = [{'href': base, 'rel': 'self'}]
    links.extend({'href': base + name + '/', 'rel': name}
                 for name in V1_RESOURCES)
    return util.json_response(_version(req, links))
