"""Decision quality against the proven optimum (target 3).

    python -m benchmarks.quality [--instances 32] [--time-limit 60]

Seeded random instances (<= 160 hosts, <= 24 servers, every rule type,
pipes) are solved exactly by OR-Tools CP-SAT (``benchmarks/exact.py``;
the optima are cached in ``benchmarks/data/optima.json``, so OR-Tools is
only needed to add instances).  Valet, the Ostro-style greedy and the
Nova-style scheduler are evaluated with the same objective (Σ bandwidth ×
distance + 50 × newly opened hosts) in the same run.
"""
import argparse
import statistics

from benchmarks import baselines
from benchmarks import exact
from benchmarks import scenarios
from valet.engine.optimizer import search
from valet import exception

WEIGHTS = {'pipe_cost': 1.0, 'new_hosts': exact.NEW_HOST_WEIGHT, 'soft': 0}


def _value(datacenter, request, hosts):
    found = scenarios.terms(datacenter, request, hosts, weights=WEIGHTS)
    return None if found is None else found['objective']


def instance(seed):
    inventory, resources = scenarios.quality_instance(seed)
    datacenter = scenarios.build(inventory)
    return datacenter, scenarios.parse(resources, inventory)


def optimum(seed, datacenter, request, cache, solve_missing, time_limit):
    key = 'q%d' % seed
    fingerprint = exact.fingerprint(datacenter, request)
    entry = cache.get(key)
    if entry is None or entry.get('fingerprint') != fingerprint:
        if not solve_missing:
            return None
        result = exact.solve(datacenter, request, time_limit=time_limit)
        entry = dict(result, fingerprint=fingerprint)
        cache[key] = entry
        exact.save_cache(cache)      # keep what is proven, run by run
    return entry


def run(instances=32, seeds=None, solve_missing=True, time_limit=60.0,
        out=print, budget_ms=None, evaluations=None):
    """``evaluations``: Valet's improvement budget in host evaluations
    (None: the ``[optimizer] improve_evaluations`` default);
    ``budget_ms``: its safety time cap (None: ``improve_budget_ms``)."""
    from valet.engine.optimizer import framework
    options = {}
    if budget_ms is not None:
        options['improve_budget_ms'] = float(budget_ms)
    if evaluations is not None:
        options['improve_evaluations'] = int(evaluations)
    profile = framework.load(**options) if options else None
    cache = exact.load_cache()
    seeds = list(seeds) if seeds is not None else list(range(1, instances + 1))
    rows = []
    for seed in seeds:
        datacenter, request = instance(seed)
        best = optimum(seed, datacenter, request, cache, solve_missing,
                       time_limit)
        try:
            decision = search.place(datacenter, request, profile=profile)
            valet = decision.hosts()
            capped = decision.stats.get('improve_time_capped', False)
        except exception.PlacementFailed:
            valet, capped = None, False
        greedy = baselines.ostro_greedy(datacenter, request)
        nova = baselines.nova_style(datacenter, request)
        rows.append({
            'seed': seed, 'hosts': len(datacenter.hosts),
            'servers': len(request.servers), 'pipes': len(request.pipes),
            'status': best['status'] if best else 'not solved',
            'optimum': (best or {}).get('objective'),
            'valet': _value(datacenter, request, valet),
            'time_capped': capped,
            'greedy': _value(datacenter, request, greedy),
            'nova': _value(datacenter, request, nova),
            'nova_broken': (baselines.broken_rules(datacenter, request, nova)
                            if nova else None)})
    _print(rows, out, budget_ms, evaluations)
    return rows


def ratio(value, best):
    if value is None or best is None:
        return None
    if best == 0:
        return 1.0 if value == 0 else float('inf')
    return value / best


def _fmt(value):
    return '%.3f' % value if value is not None else 'fail'


def _cell(value, best):
    """A ratio, 'fail' (no answer) or '-' (no proven optimum)."""
    if best is None:
        return '-' if value is not None else 'fail'
    return _fmt(ratio(value, best))


def _print(rows, out, budget_ms=None, evaluations=None):
    budget = []
    if evaluations is not None:
        budget.append('%d evaluations' % evaluations)
    if budget_ms is not None:
        budget.append('time cap %g ms' % budget_ms)
    out('Quality against the exact optimum (CP-SAT), objective = pipe '
        'Mbit/s x distance + 50 x new hosts%s' % (
            '; Valet improvement budget %s' % ', '.join(budget)
            if budget else ''))
    out('%4s %5s %7s %5s %-8s %9s %8s %8s %8s %11s' % (
        'seed', 'hosts', 'servers', 'pipes', 'optimum', 'value', 'Valet',
        'greedy', 'Nova', 'Nova broken'))
    for row in rows:
        best = row['optimum'] if row['status'] == 'OPTIMAL' else None
        out('%4d %5d %7d %5d %-8s %9s %8s %8s %8s %11s' % (
            row['seed'], row['hosts'], row['servers'], row['pipes'],
            row['status'][:8], '%.0f' % best if best is not None else '-',
            _cell(row['valet'], best), _cell(row['greedy'], best),
            _cell(row['nova'], best),
            row['nova_broken'] if row['nova_broken'] is not None else '-'))
    summary = summarize(rows)
    out('proven optima: %(proven)d; Valet within 1.10x: %(within)d '
        '(%(share).0f%%); Valet infeasible where an optimum exists: '
        '%(valet_failed)d; answers cut by the safety time cap: '
        '%(time_capped)d' % summary)
    out('mean ratio  Valet %s  greedy %s (failed %d)  Nova-style %s '
        '(failed %d, rules broken in %d)' % (
            _fmt(summary['valet_mean']), _fmt(summary['greedy_mean']),
            summary['greedy_failed'], _fmt(summary['nova_mean']),
            summary['nova_failed'], summary['nova_broken']))


def summarize(rows):
    proven = [r for r in rows if r['status'] == 'OPTIMAL']

    def ratios(name):
        return [ratio(r[name], r['optimum']) for r in proven
                if r[name] is not None]

    def mean(values):
        return statistics.mean(values) if values else None
    within = sum(1 for r in proven if r['valet'] is not None
                 and ratio(r['valet'], r['optimum']) <= 1.10 + 1e-9)
    return {
        'proven': len(proven), 'within': within,
        'share': 100.0 * within / len(proven) if proven else 0.0,
        'valet_failed': sum(1 for r in proven if r['valet'] is None),
        'time_capped': sum(1 for r in rows if r.get('time_capped')),
        'valet_mean': mean(ratios('valet')),
        'greedy_mean': mean(ratios('greedy')),
        'greedy_failed': sum(1 for r in proven if r['greedy'] is None),
        'nova_mean': mean(ratios('nova')),
        'nova_failed': sum(1 for r in proven if r['nova'] is None),
        'nova_broken': sum(1 for r in proven if r['nova_broken'])}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--instances', type=int, default=32)
    parser.add_argument('--time-limit', type=float, default=60.0)
    parser.add_argument('--evaluations', type=int,
                        help="Valet's improvement budget in host "
                             "evaluations (default: config)")
    parser.add_argument('--budget-ms', type=float,
                        help="Valet's improvement safety time cap "
                             "(default: config)")
    parser.add_argument('--cached-only', action='store_true',
                        help='never run the solver (no OR-Tools needed)')
    args = parser.parse_args(argv)
    run(args.instances, solve_missing=not args.cached_only,
        time_limit=args.time_limit, budget_ms=args.budget_ms,
        evaluations=args.evaluations)


if __name__ == '__main__':
    main()
