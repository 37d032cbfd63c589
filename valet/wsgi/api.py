"""valet-api under uwsgi or mod_wsgi: ``valet.wsgi.api:application``.

Nothing is done at import: the application is built on the first request
(in the worker, after uwsgi forks), from ``$VALET_CONFIG_FILE`` or
``/etc/valet/valet.conf``.  ``init_application()`` builds one directly.
"""
import os
import threading

from oslo_log import log as logging

DEFAULT_CONFIG_FILE = '/etc/valet/valet.conf'
CONFIG_FILE_ENV = 'VALET_CONFIG_FILE'

LOG = logging.getLogger(__name__)


def _config_files():
    path = os.environ.get(CONFIG_FILE_ENV, DEFAULT_CONFIG_FILE)
    return [path] if os.path.exists(path) else []


def _select_threading_backend():
    """Native threads, as valet.cmd chooses for Valet's own processes:
    oslo.messaging would otherwise get oslo.service's eventlet backend."""
    from oslo_service import backend
    if backend.get_backend_type() is None:
        backend.init_backend(backend.BackendType.THREADING)


def init_application(config_files=None):
    """Read the configuration, connect to the engine and the database and
    return the WSGI application."""
    _select_threading_backend()
    # Imported here so that importing this module stays free of side effects.
    from valet.api import deploy
    from valet import conf as valet_conf
    from valet.db import api as db_api
    from valet.engine import rpcapi
    from valet import heap
    from valet import rpc

    if config_files is None:
        config_files = _config_files()
    conf = valet_conf.new_conf([], default_config_files=config_files)
    logging.setup(conf, 'valet')
    transport = rpc.get_transport(conf)
    engine_api = rpcapi.EngineAPI(conf, transport,
                                  timeout=conf.api.engine_timeout)
    db = db_api.Database.from_conf(conf)
    LOG.info('valet-api ready (config files: %s, auth: %s)',
             ', '.join(config_files) or 'none', conf.api.auth_strategy)
    app = deploy.make_app(conf, engine_api, db)
    heap.settle()
    return app


class LazyApplication:
    """A WSGI callable that builds the real application on first use."""

    def __init__(self, factory=init_application):
        self._factory = factory
        self._app = None
        self._lock = threading.Lock()

    def _get(self):
        if self._app is None:
            with self._lock:
                if self._app is None:
                    self._app = self._factory()
        return self._app

    def __call__(self, environ, start_response):
        return self._get()(environ, start_response)


application = LazyApplication()
