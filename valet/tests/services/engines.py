"""Several EngineManagers in one process on one real database: the
deterministic way to race engines (each has its own connection pool, as
separate valet-engine processes would)."""
import contextlib

from valet.db import api as db_api
from valet.db import migration
from valet.engine import manager as engine_manager
from valet.tests import base_services
from valet.tests.functional import fixtures


@contextlib.contextmanager
def racing_engines(backend, names=('e1', 'e2')):
    """Yield ``(conf, dbs, managers)``: started managers named ``names``
    on a fresh ``backend`` database (DB retries off: a race must show)."""
    with base_services.temporary_database(backend) as url:
        migration.upgrade(url)
        conf = fixtures.make_conf(url)
        dbs = [db_api.Database(url, max_retries=0) for _ in names]
        try:
            managers = [engine_manager.EngineManager(conf, db, engine_id=name)
                        for name, db in zip(names, dbs)]
            for manager in managers:
                manager.start()
            yield conf, dbs, managers
        finally:
            for db in dbs:
                db.dispose()
