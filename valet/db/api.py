"""Database handle: one oslo.db enginefacade transaction context per object.

A process builds its :class:`Database` from its own ConfigOpts; nothing is
configured at import time, so a test can open sqlite, MySQL and PostgreSQL
side by side.  The resource modules (``groups.py``, ``plans.py``, ...) take
a Database and a RequestContext and open their transactions through it.
"""
import functools

from oslo_db import api as oslo_db_api
from oslo_db import exception as db_exc
from oslo_db import options as db_options
from oslo_db.sqlalchemy import enginefacade
import sqlalchemy as sa

from valet import exception

# enginefacade options that a Database always passes explicitly: options set
# through configure() take precedence over the global cfg.CONF, which
# enginefacade would otherwise read for anything left unset.
_FACADE_OPTS = (
    'slave_connection', 'sqlite_synchronous', 'mysql_sql_mode',
    'mysql_wsrep_sync_wait', 'connection_recycle_time', 'connection_debug',
    'max_pool_size', 'max_overflow', 'pool_timeout', 'connection_trace',
    'max_retries', 'retry_interval', 'connection_parameters',
    'synchronous_reader',
)


def _option_defaults():
    return {opt.dest: opt.default for opt in db_options.database_opts
            if opt.dest in _FACADE_OPTS}


def effective_url(connection):
    """The URL to connect with: MySQL gets charset=utf8mb4 unless told
    otherwise (oslo.db would pick the 3-byte utf8)."""
    url = sa.engine.make_url(connection)
    if url.get_backend_name() == 'mysql' and 'charset' not in url.query:
        url = url.update_query_dict({'charset': 'utf8mb4'})
    return url.render_as_string(hide_password=False)


class Database:
    """An engine (pool) plus reader/writer transactions bound to a context.

    ``with db.writer(context) as session:`` commits on success and rolls
    back on any exception; nested writer/reader blocks on the same context
    join the outer transaction.
    """

    def __init__(self, connection, **engine_kwargs):
        self.url = sa.engine.make_url(connection)
        options = _option_defaults()
        options.update(engine_kwargs)
        options['connection'] = effective_url(connection)
        # ON DELETE CASCADE must work on sqlite too: oslo.db installs a
        # connect listener issuing PRAGMA foreign_keys=ON.
        options['sqlite_fk'] = True
        self._tcm = enginefacade.transaction_context()
        self._tcm.configure(**options)

    @classmethod
    def from_conf(cls, conf):
        """A Database from the ``[database]`` group of ``conf``."""
        group = conf.database
        kwargs = {name: getattr(group, name) for name in _FACADE_OPTS
                  if hasattr(group, name)}
        return cls(group.connection, **kwargs)

    @property
    def backend(self):
        """'sqlite', 'mysql' or 'postgresql'."""
        return self.url.get_backend_name()

    def writer(self, context):
        return self._tcm.writer.using(context)

    def reader(self, context):
        return self._tcm.reader.using(context)

    def get_engine(self):
        return self._tcm.writer.get_engine()

    def dispose(self):
        """Close pooled connections (the engine reconnects on next use)."""
        self._tcm.dispose_pool()

    def __repr__(self):
        return '<Database %s>' % self.url.render_as_string(hide_password=True)


# The database cannot be reached, logged in to or opened.  oslo.db passes
# OperationalErrors it does not classify (e.g. libpq's "Connection refused",
# "access denied") through unwrapped: those are connect-time failures too.
_UNAVAILABLE = (db_exc.DBConnectionError, db_exc.DBNonExistentDatabase,
                db_exc.CantStartEngineError, sa.exc.OperationalError)


def _unavailable(fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except _UNAVAILABLE as exc:
            raise exception.DatabaseUnavailable(detail=str(exc)) from exc
    return wrapper


def reads(fn):
    """Decorate a public read: connection errors become DatabaseUnavailable."""
    return _unavailable(fn)


def writes(fn):
    """Decorate a public write: deadlocks are retried (the whole function,
    so it must open its own transaction), connection errors become
    DatabaseUnavailable."""
    retried = oslo_db_api.wrap_db_retry(max_retries=5,
                                        retry_on_deadlock=True)(fn)
    return _unavailable(retried)
