"""An all-in-one Valet per test: real API app, real engine, in-process bus."""
import json
import os
import uuid

import webob

from valet import allinone
from valet import conf as valet_conf

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))))
EXAMPLES = os.path.join(REPO, 'examples')


def example(*parts):
    return os.path.join(EXAMPLES, *parts)


def make_conf(database_url, datacenter=None, **overrides):
    conf = valet_conf.new_conf([], default_config_files=[])
    allinone.apply_aio_defaults(conf, datacenter=datacenter,
                                database_url=database_url)
    conf.set_override('topic', 'valet-test-%s' % uuid.uuid4().hex,
                      group='engine')
    for (group, name), value in overrides.items():
        conf.set_override(name, value, group=group)
    return conf


class Client:
    """Calls the WSGI app like an HTTP client, as a given project/roles."""

    def __init__(self, app, project='admin', roles='admin'):
        self.app = app
        self.project = project
        self.roles = roles

    def __call__(self, method, path, body=None, raw=None, headers=None):
        req = webob.Request.blank(path, method=method)
        req.headers['X-Project-Id'] = self.project
        req.headers['X-Roles'] = self.roles
        req.headers.update(headers or {})
        if raw is not None:
            req.body = raw
            req.content_type = 'application/json'
        elif body is not None:
            req.body = json.dumps(body).encode()
            req.content_type = 'application/json'
        return req.get_response(self.app)

    def as_project(self, project, roles='member'):
        return Client(self.app, project, roles)
