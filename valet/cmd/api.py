"""valet-api: the REST API on the built-in threaded server.

``[api] workers`` processes share the listening socket.  Under uwsgi or
mod_wsgi use ``valet.wsgi.api:application`` instead.
"""
import functools
import sys

from oslo_log import log

from valet.api import deploy
from valet.cmd import serve
from valet import conf as valet_conf
from valet.db import api as db_api
from valet.engine import rpcapi
from valet import rpc


def make_app(conf):
    """The application with its own RPC transport and database engine
    (built in each worker, after the fork)."""
    transport = rpc.get_transport(conf)
    engine_api = rpcapi.EngineAPI(conf, transport,
                                  timeout=conf.api.engine_timeout)
    return deploy.make_app(conf, engine_api, db_api.Database.from_conf(conf))


def main(argv=None):
    conf = valet_conf.new_conf(sys.argv[1:] if argv is None else argv)
    log.setup(conf, 'valet')
    serve.serve_workers(functools.partial(make_app, conf), conf.api.host,
                        conf.api.port, conf.api.workers)


if __name__ == '__main__':
    main()
