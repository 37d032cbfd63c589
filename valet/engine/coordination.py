"""Which engine leads the inventory sync: a tooz lock, held by one.

Every engine tries the lock ``valet-engine-sync-leader-<topic>`` without
blocking on each heartbeat; the one that holds it leads.  A lock works on every
tooz backend an operator already runs (Redis, MySQL/MariaDB, PostgreSQL,
etcd...), group membership does not.  A leader that stops releases it; one
that dies loses it with its connection (MySQL, PostgreSQL) or when the
lock's timeout expires (Redis, etcd).  With no ``[coordination]
backend_url`` the engine always leads (one engine, all-in-one).

Two engines believing they lead for a moment is harmless: a sync only
stores the difference and decisions are guarded by the generation CAS.
"""
import logging

from tooz import coordination

LOG = logging.getLogger(__name__)
LOCK_PREFIX = 'valet-engine-sync-leader'


class Election:

    def __init__(self, conf, member_id):
        self.url = conf.coordination.backend_url
        self.member_id = member_id
        # Engines lead among those serving the same topic.
        self.lock_name = ('%s-%s' % (LOCK_PREFIX, conf.engine.topic)).encode(
            'utf-8')
        self._coordinator = None
        self._lock = None
        self.leader = self.url is None

    def _connect(self):
        coordinator = coordination.get_coordinator(
            self.url, self.member_id.encode('utf-8'))
        coordinator.start()
        self._coordinator = coordinator
        self._lock = coordinator.get_lock(self.lock_name)

    def tick(self):
        """Heartbeat, and try to lead if not leading; returns whether this
        engine leads.  A backend error costs the leadership (and the
        connection, retried on the next tick), never the engine."""
        if self.url is None:
            return True
        try:
            if self._coordinator is None:
                self._connect()
            self._coordinator.heartbeat()
            # Locks with a timeout (Redis) say here if they were lost; the
            # coordinator's own heartbeat only logs it.
            keep_alive = getattr(self._lock, 'heartbeat', None)
            if self.leader and keep_alive is not None:
                keep_alive()
            if not self.leader and self._lock.acquire(blocking=False):
                LOG.info('Engine %s leads the inventory sync',
                         self.member_id)
                self.leader = True
        except Exception as exc:   # tooz errors and backend client errors
            LOG.warning('Coordination backend: %s; not leading', exc)
            self._disconnect()
        return self.leader

    def _disconnect(self):
        self.leader = False
        coordinator, self._coordinator, self._lock = (
            self._coordinator, None, None)
        if coordinator is not None:
            try:
                coordinator.stop()
            except Exception:
                LOG.debug('Coordinator stop failed', exc_info=True)

    def stop(self):
        """Give the leadership up (at once, not at lock expiry)."""
        if self.url is None:
            return
        if self.leader and self._lock is not None:
            try:
                self._lock.release()
            except Exception:
                LOG.debug('Lock release failed', exc_info=True)
        self._disconnect()
