"""The engine's row in the ``engines`` table, kept current by a thread.

Written on start, every ``[engine] heartbeat_interval`` seconds and soon
after decisions (at most once per ``MIN_SPACING`` seconds, so a burst of
decisions costs one write; not on sqlite, where every extra writer is a
chance for another connection's read-then-write transaction to fail with
"database is locked").  A failed write is logged and retried on the
next beat: the heartbeat must never stop the engine.
"""
import datetime
import logging
import socket
import threading
import time

from valet import context as valet_context
from valet.db import engines as db_engines
from valet import version

LOG = logging.getLogger(__name__)

MIN_SPACING = 1.0    # seconds between two writes triggered by decisions


def utcnow():
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


class Heartbeat:

    def __init__(self, manager, db, interval, follow_decisions=True,
                 clock=time.monotonic):
        self.manager = manager
        self.db = db
        self.interval = interval
        self.follow_decisions = follow_decisions
        self.clock = clock
        self.started_at = utcnow()
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread = None
        self._last = None

    def values(self):
        """The row as of now."""
        manager = self.manager
        summary = (manager.datacenter.summary()
                   if manager.datacenter is not None else {})
        ctx = valet_context.get_admin_context()
        return {
            'engine_id': manager.engine_id,
            'host': socket.gethostname(),
            'version': version.version_string(),
            'started_at': self.started_at,
            'heartbeat_at': utcnow(),
            'generation': manager.generation,
            'hosts': summary.get('hosts'),
            'plans': db_engines.count_plans(self.db, ctx),
            # Maintained by the inventory sync, when it runs here.
            'last_sync_at': _naive(getattr(manager, 'last_sync_at', None)),
            # The interval travels with the row: valet-api judges each
            # engine's staleness by its own interval.
            'metrics': dict(manager.telemetry.snapshot(),
                            heartbeat_interval=self.interval),
        }

    def beat(self):
        """Write the row now; False if the database refused."""
        self._last = self.clock()
        try:
            if self.db.backend == 'sqlite':
                # sqlite fails a write transaction that started as a read
                # while another connection writes (no waiting: it could
                # deadlock), so this engine's writers take turns.
                with self.manager._lock:
                    self._write()
            else:
                self._write()
        except Exception as exc:  # noqa: BLE001 - the next beat retries
            LOG.warning('Engine heartbeat failed: %s', exc)
            return False
        return True

    def _write(self):
        db_engines.heartbeat(self.db, valet_context.get_admin_context(),
                             self.values())

    def poke(self):
        """A decision happened: publish the new counters soon."""
        self._wake.set()

    def start(self):
        self.beat()
        if self.follow_decisions:
            self.manager.telemetry.on_decision.append(self.poke)
        self._thread = threading.Thread(target=self._run, daemon=True,
                                        name='valet-heartbeat')
        self._thread.start()

    def stop(self):
        self._stopping.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=max(self.interval, 5))
            self._thread = None
        try:
            self.manager.telemetry.on_decision.remove(self.poke)
        except ValueError:
            pass

    def _run(self):
        while not self._stopping.is_set():
            poked = self._wake.wait(self.interval)
            if self._stopping.is_set():
                return
            if poked:
                # Decisions come in bursts: wait out the spacing, then
                # one write carries them all.
                wait = MIN_SPACING - (self.clock() - self._last)
                if wait > 0 and self._stopping.wait(wait):
                    return
            self._wake.clear()
            self.beat()


def _naive(value):
    """Naive UTC for the DateTime column (accepts aware datetimes and
    epoch seconds, whichever the sync keeps)."""
    if value is None:
        return None
    if isinstance(value, (int, float)):
        value = datetime.datetime.fromtimestamp(value, datetime.timezone.utc)
    if value.tzinfo is not None:
        value = value.astimezone(datetime.timezone.utc).replace(tzinfo=None)
    return value
