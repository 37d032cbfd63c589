"""An all-in-one Valet inside the CLI process, for one-shot commands.

The datacenter is simulated and the database is a throw-away sqlite file, so
``valet place`` shows a placement on a fresh machine with nothing running.
Requests still go through the REST app, RPC and the engine.
"""
import contextlib
import json
import os
import tempfile
import uuid

import webob

from valet import allinone
from valet.cli import client
from valet import conf as valet_conf

# Kept here too: callers caught embedded.ApiError before the HTTP client.
ApiError = client.ApiError


class EmbeddedValet:
    def __init__(self, app):
        self.app = app

    def request(self, method, path, body=None):
        req = webob.Request.blank(path, method=method)
        if body is not None:
            req.body = json.dumps(body).encode()
            req.content_type = 'application/json'
        resp = req.get_response(self.app)
        data = resp.json if resp.body else None
        if resp.status_int >= 400:
            raise client.ApiError(resp.status_int, data)
        return data


@contextlib.contextmanager
def embedded_valet(datacenter=None, config_files=None):
    with tempfile.TemporaryDirectory(prefix='valet-') as tmp:
        conf = valet_conf.new_conf(
            [], default_config_files=config_files or [])
        allinone.apply_aio_defaults(
            conf, datacenter=datacenter,
            database_url='sqlite:///' + os.path.join(tmp, 'valet.sqlite'))
        # Our own topic: the in-process bus is shared by the whole process.
        conf.set_override('topic', 'valet-engine-%s' % uuid.uuid4().hex,
                          group='engine')
        with allinone.AllInOne(conf) as aio:
            yield EmbeddedValet(aio.app)
