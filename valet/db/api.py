"""Database handle: one oslo.db enginefacade transaction context per object.

A process builds its :class:`Database` from its own ConfigOpts; nothing is
configured at import time, so a test can open sqlite, MySQL and PostgreSQL
side by side.  The resource modules (``groups.py``, ``plans.py``, ...) take
a Database and a RequestContext and open their transactions through it.
"""
import contextlib
import functools
import threading

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


# Set while a sqlite writer transaction begins (see _begin_immediately).
_IMMEDIATE = threading.local()


def _begin_immediately(engine):
    """sqlite writers start with BEGIN IMMEDIATE.

    oslo.db turns pysqlite's own BEGIN off and emits a deferred BEGIN from
    a "begin" listener.  A deferred writer that reads first holds a SHARED
    lock and, when it comes to write while another connection (in this
    process or another one) holds the write lock, sqlite refuses at once
    with "database is locked" instead of waiting (waiting could deadlock).
    Taking the write lock first makes writers queue on the busy timeout.
    This replaces oslo.db's listener with one that does the same, except
    that a writer (``Database.writer``) begins immediately.
    """
    if engine.url.get_backend_name() != 'sqlite':
        return
    for listener in list(engine.dispatch.begin):
        if getattr(listener, '__name__', '') == '_sqlite_emit_begin':
            sa.event.remove(engine, 'begin', listener)

    def begin(conn):
        if 'in_transaction' not in conn.info:
            conn.exec_driver_sql('BEGIN IMMEDIATE'
                                 if getattr(_IMMEDIATE, 'on', False)
                                 else 'BEGIN')
            conn.info['in_transaction'] = True
    sa.event.listen(engine, 'begin', begin)


def _pool_sqlite_file(engine):
    """Keep sqlite file connections open between transactions.

    oslo.db gives a sqlite file a NullPool: every transaction opens the
    file, runs its connect listeners (pragmas, functions) and closes it,
    about as long as a small read itself.  A QueuePool keeps them;
    pysqlite already allows a file connection to move between threads.
    """
    if (engine.url.get_backend_name() != 'sqlite'
            or not isinstance(engine.pool, sa.pool.NullPool)):
        return
    old = engine.pool
    engine.pool = sa.pool.QueuePool(
        old._creator, pool_size=_SQLITE_POOL_SIZE, max_overflow=-1,
        recycle=old._recycle, echo=old.echo,
        logging_name=old._orig_logging_name,
        reset_on_return=old._reset_on_return, pre_ping=old._pre_ping,
        _dispatch=old.dispatch, dialect=old._dialect)


# Open sqlite connections kept per engine; more are opened (and closed
# again) while more threads want one.
_SQLITE_POOL_SIZE = 5


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
        # oslo.db's time.sleep(0) on every connection check-in only lets
        # eventlet switch greenthreads; Valet runs on native threads.
        options.setdefault('thread_checkin', False)
        self._tcm = enginefacade.transaction_context()
        self._tcm.configure(**options)
        self._tcm.append_on_engine_create(_begin_immediately)
        self._tcm.append_on_engine_create(_pool_sqlite_file)

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

    @contextlib.contextmanager
    def writer(self, context):
        with contextlib.ExitStack() as stack:
            # sqlite: the transaction begins with the write lock (a nested
            # writer joins the open transaction: no new BEGIN).
            _IMMEDIATE.on = self.backend == 'sqlite'
            try:
                session = stack.enter_context(
                    self._tcm.writer.using(context))
                if _IMMEDIATE.on:
                    session.connection()
            finally:
                _IMMEDIATE.on = False
            yield session

    def reader(self, context):
        return self._tcm.reader.using(context)

    def reader_connection(self, context):
        """A reader transaction on a Core Connection (no ORM Session): for
        the hot reads of plain rows."""
        return self._tcm.reader.connection.using(context)

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


# MySQL/MariaDB errors about the values sent, not the server: a JSON
# CHECK constraint (too deep a document), illegal parameter types.
_MYSQL_DATA_ERRORS = frozenset((3140, 3141, 4025, 4038, 4078))


def _dbapi_error(exc):
    inner = getattr(exc, 'inner_exception', None) or exc
    return getattr(inner, 'orig', None) or inner


def _is_data_error(exc):
    orig = _dbapi_error(exc)
    code = orig.args[0] if getattr(orig, 'args', None) else None
    return (isinstance(exc, db_exc.DBDataError)
            or (type(orig).__module__.startswith('pymysql')
                and code in _MYSQL_DATA_ERRORS))


def _unavailable(fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except (db_exc.DBDataError,) + _UNAVAILABLE as exc:
            if _is_data_error(exc):
                # The caller's values do not fit (too long, too deep, wrong
                # type): its fault, and the server is fine.  Only the
                # driver's message: the statement may hold megabytes.
                raise exception.Invalid(
                    detail='a value does not fit the database: %s'
                    % str(_dbapi_error(exc))[:300]) from exc
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
