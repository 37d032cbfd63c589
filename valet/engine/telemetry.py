"""What an engine counts about its decisions, and the one log line each.

Plain thread-safe counters and fixed-bucket histograms, not
prometheus_client objects: an engine serves no HTTP.  Its
:meth:`Telemetry.snapshot` (JSON) goes into its ``engines`` row with every
heartbeat, and valet-api renders the rows of all engines as Prometheus
metrics (valet.api.handlers.metrics), so one scrape of any API worker sees
every engine.  Counters start at zero when an engine starts; Prometheus
treats that as a counter reset.
"""
import bisect
import collections
import logging
import threading
import time

from valet import exception

LOG = logging.getLogger(__name__)

# Decision latency buckets, seconds (upper bounds; +Inf is implicit).
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
                   10.0, 30.0)

# Outcomes of a decision (the ``outcome`` label).
OK = 'ok'                # decided (and committed, unless a dry run)
REPLAYED = 'replayed'    # a retried request: the recorded answer
FAILED = 'failed'        # PlacementFailed: no placement satisfies it
CONFLICT = 'conflict'    # gave up after losing every CAS retry
REJECTED = 'rejected'    # any other Valet error (bad input, not found...)
ERROR = 'error'          # anything else: a bug or the database


def outcome_of(exc):
    """(outcome, reason code or error type) for an exception."""
    if isinstance(exc, exception.PlacementFailed):
        reason = exc.reason if isinstance(exc.reason, dict) else {}
        return FAILED, reason.get('code') or exc.error_type
    if isinstance(exc, exception.GenerationConflict):
        return CONFLICT, exc.error_type
    if isinstance(exc, exception.ValetException):
        return REJECTED, exc.error_type
    return ERROR, type(exc).__name__


class Histogram:
    """Cumulative-bucket histogram, the shape Prometheus exposes."""

    def __init__(self, buckets=LATENCY_BUCKETS):
        self.buckets = tuple(buckets)
        self.counts = [0] * (len(self.buckets) + 1)   # the last is +Inf
        self.sum = 0.0

    def observe(self, value):
        self.counts[bisect.bisect_left(self.buckets, value)] += 1
        self.sum += value

    def as_dict(self):
        cumulative, total = [], 0
        for count in self.counts:
            total += count
            cumulative.append(total)
        return {'buckets': list(self.buckets), 'counts': cumulative,
                'sum': round(self.sum, 6), 'count': total}


class Telemetry:
    """One engine's counters; ``on_decision`` callbacks run after each
    decision (the heartbeat uses it to publish soon)."""

    def __init__(self, engine_id, clock=time.perf_counter):
        self.engine_id = engine_id
        self.clock = clock
        self.on_decision = []
        self._lock = threading.Lock()
        self._decisions = collections.Counter()     # (action, outcome)
        self._latency = {}                          # action -> Histogram
        self._failures = collections.Counter()      # reason code
        self._notifications = collections.Counter()  # event type
        self._conflicts = 0

    def trace(self, ctx, action, stack_id):
        return Trace(self, ctx, action, stack_id)

    def notification(self, event_type):
        """Count a Nova notification the engine absorbed."""
        with self._lock:
            self._notifications[event_type] += 1

    def _record(self, trace):
        with self._lock:
            self._decisions[trace.action, trace.outcome] += 1
            self._latency.setdefault(trace.action, Histogram()).observe(
                trace.elapsed)
            self._conflicts += trace.conflicts
            if trace.outcome == FAILED:
                self._failures[trace.code] += 1
        for callback in list(self.on_decision):
            callback()

    def snapshot(self):
        """Everything counted so far, as JSON-able lists."""
        with self._lock:
            return {
                'decisions': [{'action': a, 'outcome': o, 'count': n}
                              for (a, o), n in sorted(
                                  self._decisions.items())],
                'latency': [dict(h.as_dict(), action=a)
                            for a, h in sorted(self._latency.items())],
                'conflicts': self._conflicts,
                'failures': [{'code': c, 'count': n}
                             for c, n in sorted(self._failures.items())],
                'notifications': [{'event': e, 'count': n}
                                  for e, n in sorted(
                                      self._notifications.items())],
            }


class Trace:
    """One decision, from the call to the answer: phase timings, CAS
    attempts, the optimizer's stats; :meth:`finish` logs and counts it.

    The manager wraps its ``decide`` callback with :meth:`wrap`: the trace
    sees each attempt, the decision it produced and its commit, without
    the decision loop knowing more than two calls.
    """

    def __init__(self, telemetry, ctx, action, stack_id):
        self.telemetry = telemetry
        self.clock = telemetry.clock
        self.request_id = getattr(ctx, 'request_id', None)
        self.global_request_id = getattr(ctx, 'global_request_id', None)
        self.action = action
        self.stack_id = stack_id
        self.started = self.clock()
        self.first_attempt = None
        self.phases = collections.Counter()   # name -> seconds
        self.attempts = 0
        self.conflicts = 0
        self.stats = {}
        self.members = None
        self.outcome = REPLAYED     # until decide runs
        self.code = None
        self.reason = None
        self.elapsed = None

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        self.finish(exc)
        return False

    def wrap(self, decide):
        """``decide`` timed, its commit plan's ``write`` timed too."""
        def traced(attempt):
            now = self.clock()
            if self.first_attempt is None:
                # Lock wait, idempotency lookup and pre-checks.
                self.first_attempt = now
                self.phases['wait'] += now - self.started
            self.attempts = attempt + 1
            self.outcome = OK
            try:
                plan, answer = decide(attempt)
            finally:
                self.phases['decide'] += self.clock() - now
            if plan is None:
                return plan, answer
            decision = plan[4]
            if decision is not None:
                self.stats = dict(getattr(decision, 'stats', None) or {})
                self.members = len(decision.placements)
            return (self._timed_write(plan[0]),) + tuple(plan[1:]), answer
        return traced

    def _timed_write(self, write):
        def timed(request_row):
            now = self.clock()
            try:
                return write(request_row)
            except exception.GenerationConflict:
                self.conflicts += 1
                raise
            finally:
                self.phases['commit'] += self.clock() - now
        return timed

    def finish(self, exc=None):
        self.elapsed = self.clock() - self.started
        if exc is not None:
            self.outcome, self.code = outcome_of(exc)
            self.reason = getattr(exc, 'reason', None)
            if isinstance(exc, exception.PlacementFailed) and isinstance(
                    self.reason, dict):
                self.stats.setdefault('hosts_considered',
                                      self.reason.get('hosts_considered'))
        LOG.info('%s', format_line(self))
        self.telemetry._record(self)


def _ms(seconds):
    return '%.1f' % (seconds * 1000.0)


def phase_timings(trace):
    """{phase: ms}: wait (lock, idempotency, checks), decide (parse and
    model lookups + search), of which search and improve come from the
    optimizer's stats, commit (DB transactions, every attempt)."""
    timings = {'wait': trace.phases['wait'], 'decide': trace.phases['decide']}
    search_ms = trace.stats.get('elapsed_ms')
    if search_ms is not None:
        timings['search'] = search_ms / 1000.0
    improve_ms = trace.stats.get('improve_ms')
    if improve_ms is not None:
        timings['improve'] = improve_ms / 1000.0
    timings['commit'] = trace.phases['commit']
    timings['total'] = trace.elapsed
    return {name: _ms(value) for name, value in timings.items()}


def format_line(trace):
    """The decision's log line: ``key=value`` pairs, grep- and
    logfmt-friendly, always in this order."""
    fields = [('decision', trace.action),
              ('request_id', trace.request_id or '-'),
              ('stack_id', trace.stack_id or '-'),
              ('outcome', trace.outcome)]
    if trace.global_request_id:
        fields.insert(2, ('global_request_id', trace.global_request_id))
    if trace.code:
        fields.append(('code', trace.code))
    fields.append(('attempts', trace.attempts))
    fields.append(('conflicts', trace.conflicts))
    if trace.members is not None:
        fields.append(('members', trace.members))
    considered = trace.stats.get('hosts_considered')
    if considered is not None:
        fields.append(('hosts_considered', considered))
    for key in ('mode', 'restarts', 'backtracks', 'improvement_moves'):
        if key in trace.stats:
            fields.append((key, trace.stats[key]))
    fields.extend(('%s_ms' % name, value)
                  for name, value in phase_timings(trace).items())
    line = ' '.join('%s=%s' % (k, _quote(v)) for k, v in fields)
    if trace.outcome == FAILED and isinstance(trace.reason, dict):
        line += ' reason=%s' % _quote(_explain(trace.reason))
    return line


def _explain(reason):
    """The §5.4 reason in one token: constraint, group, member, counts."""
    parts = [str(reason.get(k)) for k in ('group', 'level', 'member')
             if reason.get(k)]
    eliminated = reason.get('eliminated') or {}
    parts.extend('%s:%s' % (rule, eliminated[rule])
                 for rule in sorted(eliminated))
    return ','.join(parts) or '-'


def _quote(value):
    text = str(value)
    if not text or any(c in text for c in ' "=\n'):
        return '"%s"' % text.replace('\\', '\\\\').replace('"', '\\"') \
            .replace('\n', '\\n')
    return text
