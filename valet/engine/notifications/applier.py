"""One thread drains the notification queue in batches.

The listener's threads only enqueue; this thread gathers up to
``batch_size`` events (waiting at most ``batch_interval`` for more) and
applies them with one call, so the decision lock is taken once per batch
and is free while the next batch gathers (``batch_interval`` after each
batch, or a short yield to waiting decisions under a backlog).
"""
import logging
import queue
import threading
import time

LOG = logging.getLogger(__name__)
_STOP = object()
# The pause after a batch when a full batch is already waiting.
YIELD_SECONDS = 0.001


class Applier:

    def __init__(self, apply, batch_size=100, batch_interval=0.02,
                 backlog=20):
        self._apply = apply
        self.batch_size = batch_size
        self.batch_interval = batch_interval
        # Bounded: when the engine falls behind, the listener's threads
        # block and RabbitMQ keeps the rest (unacknowledged) instead of
        # this process's memory.
        self._queue = queue.Queue(maxsize=backlog * batch_size)
        self._thread = None
        self._done = threading.Condition()
        self.received = 0         # events queued
        self.processed = 0        # events taken from the queue and applied
        self.batches = 0
        self.failures = 0
        self.cpu_seconds = 0.0    # this thread's CPU applying batches

    def put(self, event):
        with self._done:
            self.received += 1
        self._queue.put(event)

    def start(self):
        self._thread = threading.Thread(target=self._run, daemon=True,
                                        name='valet-notifications')
        self._thread.start()

    def stop(self, timeout=30):
        """Apply what is queued, then stop."""
        if self._thread is not None:
            self._queue.put(_STOP)
            self._thread.join(timeout)
            self._thread = None

    def wait(self, timeout=30):
        """Block until every event queued so far is applied; False on
        timeout."""
        deadline = time.monotonic() + timeout
        with self._done:
            while self.processed < self.received:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._done.wait(left)
        return True

    def _run(self):
        stopping = False
        while not stopping:
            first = self._queue.get()
            if first is _STOP:
                break
            batch = [first]
            deadline = time.monotonic() + self.batch_interval
            while len(batch) < self.batch_size:
                try:
                    item = self._queue.get(
                        timeout=max(0.0, deadline - time.monotonic()))
                except queue.Empty:
                    break
                if item is _STOP:
                    stopping = True
                    break
                batch.append(item)
            cpu = time.thread_time()
            try:
                self._apply(batch)
            except Exception:
                # Nothing is lost for good: the next inventory sync brings
                # the usage back in line.  Keep absorbing.
                self.failures += 1
                LOG.exception('Could not apply %d notifications', len(batch))
            self.cpu_seconds += time.thread_time() - cpu
            with self._done:
                self.processed += len(batch)
                self.batches += 1
                self._done.notify_all()
            # Leave the decision lock to waiting decisions (a lock is not
            # fair: re-taking it at once could starve them).  A waiting
            # decision takes it within a millisecond, so under a backlog
            # that is all the pause there is: a longer one only caps the
            # rate at batch_size per (batch + pause).
            time.sleep(YIELD_SECONDS if self._queue.qsize() >= self.batch_size
                       else self.batch_interval or YIELD_SECONDS)
