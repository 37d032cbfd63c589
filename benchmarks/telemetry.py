"""What observability costs: the decision trace, the heartbeat, a scrape.

    python -m benchmarks.telemetry [--decisions 200] [--engines 1 10 50]

1. A real engine (EngineManager on sqlite, examples/datacenters/small.yaml)
   runs create_plan + delete_plan of a 4-server stack, alternating runs
   with the telemetry hook (the trace, its log line at INFO into a null
   handler, the counters) and without it (a no-op trace: the baseline,
   the decision loop as it was).  p50/p99 in ms per decision.
2. The trace alone around a decide/commit that does nothing: microseconds
   of overhead per decision.
3. One heartbeat write, and one ``GET /metrics`` render for N engines'
   rows (each with counters for 8 actions), in ms.
"""
import argparse
import contextlib
import datetime
import logging
import statistics
import tempfile
import time
import uuid

from benchmarks import api as api_bench

ACTIONS = ('create_plan', 'update_plan', 'delete_plan', 'reserve',
           'schedule_instance', 'schedule_volume', 'migrate',
           'delete_placement')


class _NoTrace:
    """The baseline: the decision loop without telemetry."""

    def trace(self, ctx, action, stack_id):
        return self

    def wrap(self, decide):
        return decide

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def _servers(n):
    return {'s%d' % i: {'type': 'OS::Nova::Server',
                        'properties': {'flavor': 'm1.small'}}
            for i in range(n)}


@contextlib.contextmanager
def _quiet_info():
    """Decision lines are formatted and handled, but written nowhere."""
    logger = logging.getLogger('valet.engine.telemetry')
    handler = logging.NullHandler()
    old = (logger.level, logger.propagate)
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old[0])
        logger.propagate = old[1]


def _engine_runs(manager, decisions):
    from valet import context as valet_context
    real = manager.telemetry
    samples = {'with telemetry': [], 'without (baseline)': []}
    resources = _servers(4)
    for i in range(decisions):
        name = 'with telemetry' if i % 2 else 'without (baseline)'
        manager.telemetry = real if i % 2 else _NoTrace()
        ctx = valet_context.RequestContext(
            project_id='bench', roles=['admin'],
            request_id='req-%s' % uuid.uuid4(), overwrite=False)
        start = time.perf_counter()
        manager.create_plan(ctx, 'b', 'st-%d' % i, resources)
        manager.delete_plan(ctx, 'st-%d' % i)
        samples[name].append((time.perf_counter() - start) * 500.0)
    manager.telemetry = real
    return samples


def _trace_overhead(runs):
    from valet import context as valet_context
    from valet.engine import telemetry
    tel = telemetry.Telemetry('bench')
    ctx = valet_context.RequestContext(project_id='p', request_id='req-1',
                                       overwrite=False)
    stats = {'hosts_considered': 200, 'mode': 'pack', 'restarts': 0,
             'backtracks': 0, 'improvement_moves': 3, 'elapsed_ms': 2.0}
    decision = type('D', (), {'placements': dict.fromkeys(range(20)),
                              'stats': stats})()
    plan = (lambda row: None, {}, (), None, decision)
    start = time.perf_counter()
    for i in range(runs):
        with tel.trace(ctx, ACTIONS[i % len(ACTIONS)], 'stack') as trace:
            _, answer = trace.wrap(lambda attempt: (plan, None))(0)
    return (time.perf_counter() - start) / runs * 1e6


def _rows(engines):
    from valet.engine import telemetry
    now = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
    tel = telemetry.Telemetry('x')
    for action in ACTIONS:
        for outcome in ('ok', 'failed', 'rejected'):
            tel._decisions[action, outcome] += 1
        tel._latency[action] = telemetry.Histogram()
        tel._latency[action].observe(0.02)
    tel._failures['capacity'] += 1
    snap = tel.snapshot()
    return [{'engine_id': 'e%d' % i, 'host': 'h', 'version': '1',
             'started_at': now, 'heartbeat_at': now, 'generation': 5,
             'hosts': 200, 'plans': 10, 'last_sync_at': now,
             'metrics': snap} for i in range(engines)]


def _render_ms(conf, db, engines, runs=20):
    from valet.api.handlers import metrics
    from valet import context as valet_context
    from valet.db import engines as db_engines
    ctx = valet_context.get_admin_context()
    for row in _rows(engines):
        db_engines.heartbeat(db, ctx, row)
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        metrics.render(db, conf)
        samples.append((time.perf_counter() - start) * 1000.0)
    return statistics.median(samples)


def run(decisions=200, engines=(1, 10, 50), trace_runs=20000, out=print):
    """Print the tables; returns ``(engine samples, trace us, heartbeat
    ms, {engines: render ms})``."""
    # Imported here: they pick oslo.service's backend, which the caller
    # (python -m benchmarks) selects first.
    from valet.db import api as db_api
    from valet.db import migration
    from valet.engine import heartbeat
    from valet.engine import manager as engine_manager
    from valet.tests.functional import fixtures
    with tempfile.TemporaryDirectory() as tmp, _quiet_info():
        url = 'sqlite:///%s/bench.sqlite' % tmp
        conf = fixtures.make_conf(url, datacenter=fixtures.example(
            'datacenters', 'small.yaml'))
        migration.upgrade(url)
        db = db_api.Database.from_conf(conf)
        try:
            manager = engine_manager.EngineManager(conf, db,
                                                   engine_id='bench')
            manager.start()
            samples = _engine_runs(manager, decisions)
            trace_us = _trace_overhead(trace_runs)
            beat = heartbeat.Heartbeat(manager, db, 10)
            beats = []
            for _ in range(20):
                start = time.perf_counter()
                beat.beat()
                beats.append((time.perf_counter() - start) * 1000.0)
            beat_ms = statistics.median(beats)
            # Rows e0..e<n-1> (plus this engine's) when n is measured.
            renders = {n: _render_ms(conf, db, n) for n in engines}
        finally:
            db.dispose()
    p = api_bench.percentile
    out('Decision (create_plan + delete_plan, 4 servers, 19 hosts, sqlite), '
        'ms per decision')
    out('%-22s %6s %8s %8s' % ('', 'n', 'p50', 'p99'))
    for name, values in samples.items():
        out('%-22s %6d %8.2f %8.2f' % (name, len(values), p(values, 50),
                                       p(values, 99)))
    out('')
    out('Trace alone (wrap, log line at INFO, counters): %.1f us per '
        'decision' % trace_us)
    out('Heartbeat write (count plans + upsert, sqlite): %.2f ms' % beat_ms)
    out('%-28s %10s' % ('GET /metrics render', 'p50 ms'))
    for n, ms in renders.items():
        out('%-28s %10.2f' % ('%d engine rows' % n, ms))
    return samples, trace_us, beat_ms, renders


def main():
    from valet import cmd  # noqa: F401  (threading backend)
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--decisions', type=int, default=200)
    parser.add_argument('--engines', type=int, nargs='+',
                        default=[1, 10, 50])
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    run(args.decisions, tuple(args.engines))


if __name__ == '__main__':
    main()
