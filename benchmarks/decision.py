"""Decision latency and quality: Valet (Ostro) beside an Ostro-style
greedy and a Nova-style scheduler, measured in the same run on the same
datacenter (targets 1 and 2).

    python -m benchmarks.decision [--racks 10] [--hosts-per-rack 20]
                                  [--fill 0.7] [--servers 20] [--runs 50]
                                  [--api-runs 20]

The stack has host diversity, rack affinity, host exclusivity and rack
diversity groups and a chain of pipes through all servers.  The baselines
(``baselines.py``) place one server at a time; the Nova-style one cannot
see rack rules, exclusivity or pipes, so its "rules broken" column counts
what an operator would get without Valet.  The "API path" row is the whole
request: REST app -> RPC (in-process bus) -> engine -> sqlite.
"""
import argparse
import statistics
import tempfile
import time
import uuid

from benchmarks import baselines
from benchmarks import scenarios
from valet import heap
from valet.engine.optimizer import search

# Kept for callers of the first version of this module.
make_inventory = scenarios.make_inventory
stack = scenarios.stack
nova_style = baselines.nova_style
broken_rules = baselines.broken_rules


def timed(fn, runs):
    """``runs`` timed calls after one untimed warm-up call: the first call
    of a process loads plugins and fills caches once, which a running
    engine has long done."""
    samples, result = [], fn()
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        samples.append((time.perf_counter() - start) * 1000.0)
    return samples, result


def percentile(samples, p):
    """The nearest-rank ``p``-th percentile; NaN for no samples."""
    ordered = sorted(samples)
    if not ordered:
        return float('nan')
    return ordered[min(len(ordered) - 1,
                       int(round(p / 100.0 * (len(ordered) - 1))))]


def api_path(servers, runs):
    """Create + delete a plan through the REST app, in one process."""
    from valet import allinone
    from valet.cli import embedded
    from valet import conf as valet_conf
    from valet.engine.model import loader
    samples, broken = [], 0
    inventory = loader.load_datacenter(_example('10x20.yaml'))
    datacenter = scenarios.build(inventory)
    with tempfile.TemporaryDirectory() as tmp:
        conf = valet_conf.new_conf([], default_config_files=[])
        allinone.apply_aio_defaults(
            conf, datacenter=_example('10x20.yaml'),
            database_url='sqlite:///%s/bench.sqlite' % tmp)
        conf.set_override('topic', 'bench-%s' % uuid.uuid4().hex, 'engine')
        with allinone.AllInOne(conf) as aio:
            client = embedded.EmbeddedValet(aio.app)
            for i in range(runs):
                body = {'plan_name': 'b', 'stack_id': 'bench-%d' % i,
                        'resources': scenarios.stack(servers, 'api%d' % i)}
                start = time.perf_counter()
                plan = client.request('POST', '/v1/plans', body)['plan']
                samples.append((time.perf_counter() - start) * 1000.0)
                request = scenarios.parse(body['resources'], inventory)
                broken += baselines.broken_rules(datacenter, request, {
                    k: p['location'] for k, p in plan['placements'].items()})
                client.request('DELETE', '/v1/plans/bench-%d' % i)
    return samples, broken


def _example(name):
    import os
    return os.path.join(os.path.dirname(os.path.dirname(
        os.path.abspath(__file__))), 'examples', 'datacenters', name)


def run(racks=10, hosts_per_rack=20, fill=0.7, servers=20, runs=50,
        api_runs=20, out=print):
    """Print the table; returns rows ``(name, samples ms, hosts used,
    rules broken or 'no host', objective terms or None)``."""
    inventory = scenarios.make_inventory(racks, hosts_per_rack, fill)
    datacenter = scenarios.build(inventory)
    heap.settle()       # as the engine does after building its model
    request = scenarios.parse(scenarios.stack(servers, 'bench'), inventory)
    rows = []
    valet_ms, decision = timed(lambda: search.place(datacenter, request),
                               runs)
    hosts = decision.hosts()
    rows.append(('Valet (Ostro)', valet_ms, len(set(hosts.values())),
                 baselines.broken_rules(datacenter, request, hosts),
                 scenarios.terms(datacenter, request, hosts)))
    for name, fn in (('Ostro-style greedy (no lookahead)',
                      baselines.ostro_greedy),
                     ('Nova-style filters + RAM weigher',
                      baselines.nova_style)):
        ms, chosen = timed(lambda fn=fn: fn(datacenter, request), runs)
        rows.append((name, ms, len(set(chosen.values())) if chosen else 0,
                     baselines.broken_rules(datacenter, request, chosen)
                     if chosen else 'no host',
                     scenarios.terms(datacenter, request, chosen)))
    if api_runs:
        api_ms, api_broken = api_path(servers, api_runs)
        rows.append(('Valet, whole API path (10x20 example)', api_ms, '-',
                     api_broken, None))
    out('Decision for a %d-server stack (4 groups, %d pipes), %d hosts in %d '
        'racks, %d%% full (%d runs)' % (
            servers, len(request.pipes), racks * hosts_per_rack, racks,
            fill * 100, runs))
    out('%-38s %8s %8s %6s %5s %9s %9s %7s' % (
        'approach', 'p50 ms', 'p99 ms', 'hosts', 'new', 'pipe cost',
        'objective', 'broken'))
    for name, samples, used, broken, value in rows:
        value = value or {}
        out('%-38s %8.2f %8.2f %6s %5s %9s %9s %7s' % (
            name, statistics.median(samples), percentile(samples, 99), used,
            value.get('new_hosts', '-'), value.get('pipe_cost', '-'),
            '%.0f' % value['objective'] if 'objective' in value else '-',
            broken))
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--racks', type=int, default=10)
    parser.add_argument('--hosts-per-rack', type=int, default=20)
    parser.add_argument('--fill', type=float, default=0.7)
    parser.add_argument('--servers', type=int, default=20)
    parser.add_argument('--runs', type=int, default=50)
    parser.add_argument('--api-runs', type=int, default=20)
    args = parser.parse_args(argv)
    run(args.racks, args.hosts_per_rack, args.fill, args.servers, args.runs,
        args.api_runs)


if __name__ == '__main__':
    import logging
    from valet import cmd  # noqa: F401  (threading backend, as our processes)
    logging.basicConfig(level=logging.ERROR)
    main()
