"""The all-in-one runtime: API app + engine in one process.

sqlite file, the in-process ``kombu+memory:////`` transport, a simulated
datacenter from a YAML file, and no Keystone (``auth_strategy = noauth``
unless the config file says otherwise).  ``valet-aio``, ``valet place`` and
the functional tests all run Valet through this class, so they exercise the
same path as services mode: REST → RPC → engine → DB.
"""
import logging
import os

from valet.api import deploy
from valet.db import api as db_api
from valet.db import migration
from valet.engine import rpcapi
from valet.engine import service as engine_service
from valet import rpc

LOG = logging.getLogger(__name__)


def default_database_url():
    state = os.environ.get('XDG_STATE_HOME') or os.path.expanduser(
        '~/.local/state')
    path = os.path.join(state, 'valet', 'valet-aio.sqlite')
    os.makedirs(os.path.dirname(path), exist_ok=True)
    return 'sqlite:///' + path


def apply_aio_defaults(conf, datacenter=None, database_url=None):
    """All-in-one defaults; a config file still overrides them."""
    conf.set_default('auth_strategy', 'noauth', group='api')
    conf.set_default('collectors', ['file'], group='inventory')
    if datacenter:
        conf.set_override('datacenter_file', datacenter, group='inventory')
    if database_url:
        conf.set_override('connection', database_url, group='database')
    elif conf.database.connection == 'sqlite:///valet.sqlite':
        conf.set_override('connection', default_database_url(),
                          group='database')


class AllInOne:
    """Start/stop an engine and build the API app around it."""

    def __init__(self, conf, transport_url=rpc.IN_PROCESS_URL):
        self.conf = conf
        self.transport_url = transport_url
        self.transport = None
        self.db = None
        self.engine = None
        self.app = None

    def start(self):
        url = self.conf.database.connection
        migration.upgrade(url)
        self.db = db_api.Database.from_conf(self.conf)
        self.transport = rpc.get_transport(self.conf, url=self.transport_url)
        self.engine = engine_service.EngineService(
            self.conf, transport=self.transport, db=self.db)
        self.engine.start()
        engine_api = rpcapi.EngineAPI(self.conf, self.transport,
                                      timeout=self.conf.api.engine_timeout)
        self.app = deploy.make_app(self.conf, engine_api, self.db)
        return self

    def stop(self):
        if self.engine is not None:
            self.engine.stop()
            self.engine = None
        if self.transport is not None:
            self.transport.cleanup()
            self.transport = None
        if self.db is not None:
            self.db.dispose()
            self.db = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
