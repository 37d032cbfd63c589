"""Model memory and decision cost as placed servers grow (target 4).

    python -m benchmarks.memory [--hosts-per-rack 20] [--racks 250]
                                [--placed 10000 100000] [--runs 20]

Each size runs in its own process (RSS never shrinks inside one): a model
of the datacenter with that many servers already placed by Valet (stacks
of ten, each with a host-diversity group, on four hosts in five), its
resident set size, and the
p50 of a 20-server decision with four groups and 19 pipes on it.
"""
import argparse
import json
import subprocess
import sys
import time

from benchmarks import scenarios

STACK = 10


def _placements(datacenter, count):
    """``count`` placements, stacks of ten spread host by host over four
    hosts in five (the fifth stays empty, for exclusive groups)."""
    hosts = [h for i, h in enumerate(sorted(datacenter.hosts.values(),
                                            key=lambda h: h.name)) if i % 5]
    for i in range(count):
        stack, member = divmod(i, STACK)
        host = hosts[(stack * 7 + member) % len(hosts)]
        yield {'orchestration_id': 's%d' % member, 'stack_id': 'st%d' % stack,
               'kind': 'server', 'location': host.name, 'rack': host.rack,
               'zone': host.zone, 'vcpus': 1, 'memory_mb': 512, 'disk_gb': 1,
               'groups': ['div-%d' % stack]}


def rss():
    """This process's resident set size in bytes (psutil if installed,
    else Linux's /proc)."""
    try:
        import psutil
    except ImportError:
        with open('/proc/self/statm') as stream:
            import os
            return int(stream.read().split()[1]) * os.sysconf('SC_PAGE_SIZE')
    return psutil.Process().memory_info().rss


def measure(racks, hosts_per_rack, placed, runs):
    from valet.engine.model import datacenter as dc_model
    from valet.engine.optimizer import search
    inventory = scenarios.make_inventory(racks, hosts_per_rack, 0.0)
    before = rss()
    groups = {'div-%d' % s: {'type': 'diversity', 'level': 'host'}
              for s in range(placed // STACK + 1)}
    empty = dc_model.Datacenter.build(inventory)
    started = time.perf_counter()
    model = dc_model.Datacenter.build(
        inventory, placements=_placements(empty, placed), groups=groups)
    build_s = time.perf_counter() - started
    del empty, groups
    after = rss()
    request = scenarios.parse(scenarios.stack(20, 'mem'), inventory)
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        search.place(model, request)
        samples.append((time.perf_counter() - started) * 1000.0)
    samples.sort()
    return {'placed': placed, 'hosts': len(model.hosts),
            'rss_mb': after / 2 ** 20, 'model_mb': (after - before) / 2 ** 20,
            'build_s': build_s, 'p50_ms': samples[len(samples) // 2]}


def run(racks=250, hosts_per_rack=20, placed=(10000, 100000), runs=20,
        subprocesses=True, out=print):
    rows = []
    for count in placed:
        if subprocesses:
            text = subprocess.run(
                [sys.executable, '-m', 'benchmarks.memory', '--one',
                 str(count), '--racks', str(racks), '--hosts-per-rack',
                 str(hosts_per_rack), '--runs', str(runs)],
                check=True, capture_output=True, text=True).stdout
            rows.append(json.loads(text.strip().splitlines()[-1]))
        else:
            rows.append(measure(racks, hosts_per_rack, count, runs))
    out('Model memory and decision cost (%d hosts, 20-server stack, 19 '
        'pipes, %d runs)' % (racks * hosts_per_rack, runs))
    out('%10s %10s %12s %10s %16s' % ('placed', 'RSS MB', 'model MB',
                                      'build s', 'decision p50 ms'))
    for row in rows:
        out('%10d %10.0f %12.0f %10.2f %16.2f' % (
            row['placed'], row['rss_mb'], row['model_mb'], row['build_s'],
            row['p50_ms']))
    if len(rows) > 1 and rows[0]['p50_ms']:
        out('decision cost growth %d -> %d placed: %.2fx' % (
            rows[0]['placed'], rows[-1]['placed'],
            rows[-1]['p50_ms'] / rows[0]['p50_ms']))
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--racks', type=int, default=250)
    parser.add_argument('--hosts-per-rack', type=int, default=20)
    parser.add_argument('--placed', type=int, nargs='+',
                        default=[10000, 100000])
    parser.add_argument('--runs', type=int, default=20)
    parser.add_argument('--one', type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one is not None:
        print(json.dumps(measure(args.racks, args.hosts_per_rack, args.one,
                                 args.runs)))
        return
    run(args.racks, args.hosts_per_rack, args.placed, args.runs)


if __name__ == '__main__':
    main()
