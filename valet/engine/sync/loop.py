"""The daemon thread behind the periodic inventory sync.

Every ``[coordination] heartbeat_interval`` it heartbeats the election.
The leader collects every ``[inventory] sync_interval`` seconds, and at
once when it takes over or when the model was built from a stored
inventory (a warm start); the others look for a newer stored inventory
every ``[inventory] refresh_interval`` seconds.  A plain thread, as the
oslo.service threading backend expects; no eventlet.
"""
import logging
import threading
import time

from valet import context as valet_context
from valet.engine import coordination

LOG = logging.getLogger(__name__)
RETRY_S = 30      # after a failed sync or refresh (collector or DB down)


class SyncLoop:

    def __init__(self, conf, manager):
        self.conf = conf
        self.manager = manager
        self.election = coordination.Election(conf, manager.engine_id)
        self._stopping = threading.Event()
        self._thread = None

    def start(self):
        self.manager.sync_leader = self.election.leader
        self._thread = threading.Thread(
            target=self._run, name='valet-inventory-sync', daemon=True)
        self._thread.start()

    def stop(self, timeout=30):
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
        self.election.stop()
        self.manager.sync_leader = self.election.leader

    def _run(self):
        inv = self.conf.inventory
        wait = self.conf.coordination.heartbeat_interval
        now = time.monotonic()
        # A cold start has just collected; a warm one runs on stored data.
        warm = getattr(self.manager, 'warm_started', True)
        next_sync = now if warm else now + inv.sync_interval
        next_refresh = now + inv.refresh_interval
        leading = False
        while not self._stopping.is_set():
            try:
                leader = self.election.tick()
                self.manager.sync_leader = leader
                now = time.monotonic()
                if leader and not leading and self.election.url:
                    next_sync = now          # took over: sync at once
                leading = leader
                ctx = valet_context.get_admin_context()
                if leader and inv.sync_interval and now >= next_sync:
                    self.manager.sync_inventory(ctx)
                    next_sync = time.monotonic() + inv.sync_interval
                elif (not leader and inv.refresh_interval
                      and now >= next_refresh):
                    self.manager.refresh_inventory(ctx)
                    next_refresh = time.monotonic() + inv.refresh_interval
            except Exception:
                LOG.exception('Inventory sync failed; retrying in %ds',
                              RETRY_S)
                next_sync = next_refresh = time.monotonic() + RETRY_S
            self._stopping.wait(wait)
