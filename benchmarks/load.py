"""Load test and throughput benchmark with several valet-engine processes.

    python -m benchmarks.load [--stacks 1000] [--clients 16] [--hosts 1000]
                              [--engines 2] [--servers 5] [--api-workers 2]
                              [--max-seconds 1200] [--backend mysql]
    python -m benchmarks.load --throughput [--stacks 200] [--clients 8]
                              [--hosts 1000] [--servers 10]

Set-up, all on 127.0.0.1 and as an operator runs it (valet/tests/cluster.py):
a temporary MariaDB database, a RabbitMQ topic of its own, ``--engines``
``valet-engine`` processes on that topic and ``valet-api`` under uwsgi with
``--api-workers`` processes, which share nothing but the database and the
bus.  The datacenter is ``scenarios.make_inventory`` (racks of 20 hosts,
70 % of the RAM used by servers Valet did not place, one host in five
empty) written as a datacenter file for the engines' ``file`` collector.

Before the clock starts, every engine places two stacks of the same shape,
deleted again at once: an engine's first decisions compile its SQL
statements, which an engine that has been up for a while did long ago.

Load run: ``--clients`` threads POST ``--stacks`` plans (each with a host
diversity and a rack diversity group of its own) over REST, one request at
a time each, stopping after ``--max-seconds``.  Then everything is re-read
from the database (valet/tests/invariants.py) and checked: 0 rule
violations, 0 capacity overcommits, usage columns equal to the placements,
every accepted plan stored as answered, every refused one absent and
explained by a structured reason.  Prints stacks/s, servers/s and latency
percentiles; exits 1 on any violation or unexpected error.

Throughput (``--throughput``): the same with 10-server stacks and 8
clients, run once with 1 engine and once with 2 (a fresh database each),
printed side by side against the target (>= 100 servers/s, p99 <= 500 ms).
"""
import argparse
import contextlib
import http.client
import json
import logging
import os
import re
import sys
import tempfile
import threading
import time

import yaml

from benchmarks.decision import percentile
from benchmarks import scenarios

RACK_SIZE = 20
TARGET_SERVERS_PER_S = 100.0
TARGET_P99_MS = 500.0
HEADERS = {'Content-Type': 'application/json', 'X-Project-Id': 'load',
           'X-Roles': 'member'}
COLUMNS = ('run', 'engines', 'clients', 'stacks', 'accepted', 'refused',
           'errors', 'seconds', 'stacks/s', 'servers/s', 'p50 ms', 'p90 ms',
           'p99 ms', 'max ms', 'conflicts', 'violations', 'target', 'ok')


# More ``{(group, name): value}`` options for every engine (experiments).
ENGINE_OPTIONS = {}


# -- the datacenter and the stacks ------------------------------------------

def datacenter_document(inventory):
    """``inventory`` (an Inventory of ``scenarios.make_inventory``) as a
    datacenter file (DESIGN §5.1), explicit ratios and sizes per host."""
    zones = {}
    for rack in sorted(inventory.racks.values(), key=lambda r: r.name):
        zones.setdefault(rack.zone, []).append(
            {'name': rack.name, 'uplink_mbps': rack.uplink_mbps, 'hosts': []})
    racks = {r['name']: r for rs in zones.values() for r in rs}
    ratios = set()
    for host in sorted(inventory.hosts.values(), key=lambda h: h.name):
        racks[host.rack]['hosts'].append({
            'name': host.name, 'vcpus': host.vcpus,
            'memory_mb': host.memory_mb, 'disk_gb': host.disk_gb,
            'nic_mbps': host.nic_mbps})
        ratios.add((host.cpu_allocation_ratio, host.ram_allocation_ratio,
                    host.disk_allocation_ratio))
    # make_inventory gives every host the same ratios: one file-wide entry.
    (cpu, ram, disk), = ratios
    return {
        'name': inventory.name,
        'allocation_ratios': {'cpu': cpu, 'ram': ram, 'disk': disk},
        'zones': [{'name': z, 'racks': rs} for z, rs in sorted(zones.items())],
        **_bundled_servers(inventory),
    }


def _bundled_servers(inventory):
    """The outside servers of each host as one server of an N-fold
    flavor: the same usage per host for the engines, a file of 1,000
    lines instead of 44,000 that loads in seconds."""
    count = {}
    for s in inventory.servers:
        key = (s.host, s.flavor, s.vcpus, s.memory_mb, s.disk_gb)
        count[key] = count.get(key, 0) + 1
    flavors, servers = {}, []
    for (host, flavor, vcpus, ram, disk), n in sorted(count.items()):
        name = '%s-x%d' % (flavor, n)
        flavors[name] = {'name': name, 'vcpus': vcpus * n, 'ram': ram * n,
                         'disk': disk * n}
        servers.append({'id': '%s-bg' % host, 'host': host, 'flavor': name})
    return {'flavors': list(flavors.values()), 'servers': servers}


def write_datacenter(path, hosts, fill=0.7):
    """A ``hosts``-host datacenter in racks of 20, ``fill`` full; returns
    the path."""
    racks = max(1, hosts // RACK_SIZE)
    inventory = scenarios.make_inventory(racks, min(hosts, RACK_SIZE), fill)
    with open(path, 'w') as f:
        yaml.dump(datacenter_document(inventory), f,
                  Dumper=getattr(yaml, 'CSafeDumper', yaml.SafeDumper),
                  default_flow_style=None, sort_keys=False)
    return path


def stack(servers, tag):
    """``servers`` servers: the first half in a host diversity group, the
    next three in a rack diversity group, the rest free; m1.large every
    third, m1.medium otherwise (as in scenarios.stack)."""
    hdiv, rdiv = 'hdiv-%s' % tag, 'rdiv-%s' % tag
    res = {'hdiv': _group(hdiv, 'host'), 'rdiv': _group(rdiv, 'rack')}
    for i in range(servers):
        props = {'flavor': 'm1.medium' if i % 3 else 'm1.large'}
        if i < max(2, servers // 2):
            props['metadata'] = {'valet': {'groups': [hdiv]}}
        elif i < max(2, servers // 2) + 3:
            props['metadata'] = {'valet': {'groups': [rdiv]}}
        res['s%02d' % i] = {'type': 'OS::Nova::Server', 'properties': props}
    return res


def _group(name, level):
    return {'type': 'OS::Valet::Group',
            'properties': {'name': name, 'type': 'diversity', 'level': level}}


# -- the services -------------------------------------------------------------

@contextlib.contextmanager
def cluster(workdir, hosts, engines=2, api_workers=2, backend='mysql',
            fill=0.7, db_url=None):
    """A running cluster (valet/tests/cluster.py) on a fresh ``hosts``-host
    datacenter: ``engines`` engines, one uwsgi valet-api with
    ``api_workers`` processes."""
    from valet.tests import cluster as cluster_mod
    datacenter = write_datacenter(os.path.join(str(workdir), 'dc.yaml'),
                                  hosts, fill)
    options = {('DEFAULT', 'default_log_levels'):
               'valet=WARNING,oslo_messaging=WARNING,kombu=WARNING,'
               'amqp=WARNING,oslo_policy=WARNING,oslo_db=WARNING,'
               # One line per decision: attempts, conflicts, phase timings.
               'valet.engine.telemetry=INFO',
               ('api', 'engine_timeout'): 60}
    with cluster_mod.Cluster(workdir, backend=backend, datacenter=datacenter,
                             db_url=db_url, options=options) as c:
        # Each engine its own tie-breaking seed (docs: scale-out), so that
        # engines do not all pick the same hosts among equals.
        for n in range(engines):
            options = dict(ENGINE_OPTIONS)
            options['optimizer', 'seed'] = n + 1
            c.start_engine_with(options, wait=False)
        for proc in c.engines:
            c.wait_engine(proc, timeout=180)
        c.start_uwsgi_api(processes=api_workers, timeout=120)
        yield c


# -- the clients ----------------------------------------------------------------

class Run:
    """What the clients saw: per stack the answer, per request the time."""

    def __init__(self, stacks, servers, prefix):
        self.stacks, self.servers, self.prefix = stacks, servers, prefix
        self.lock = threading.Lock()
        self.next = 0
        self.latencies = []       # ms of every answered request
        self.accepted = {}        # stack_id -> {orchestration_id: location}
        self.refused = {}         # stack_id -> error body (409 + reason)
        self.errors = []          # (stack_id, status, body): anything else
        self.seconds = 0.0
        self.decisions = None     # DecisionLog of the engines, if read

    def take(self):
        with self.lock:
            if self.next >= self.stacks:
                return None
            self.next += 1
            return self.next - 1

    def record(self, stack_id, status, body, ms):
        with self.lock:
            self.latencies.append(ms)
            if status == 201:
                self.accepted[stack_id] = {
                    k: v['location']
                    for k, v in body['plan']['placements'].items()}
            elif status == 409 and (body or {}).get('error', {}).get(
                    'type') == 'placement_failed':
                self.refused[stack_id] = body
            else:
                self.errors.append((stack_id, status, body))


def post(port, path, body, timeout=120):
    """(status, decoded body, ms) of one request on a new connection."""
    start = time.perf_counter()
    conn = http.client.HTTPConnection('127.0.0.1', port, timeout=timeout)
    try:
        conn.request('POST', path, body=json.dumps(body), headers=HEADERS)
        resp = conn.getresponse()
        raw = resp.read()
    finally:
        conn.close()
    ms = (time.perf_counter() - start) * 1000.0
    try:
        decoded = json.loads(raw) if raw else None
    except ValueError:
        decoded = {'raw': raw[:500].decode(errors='replace')}
    return resp.status, decoded, ms


def _client(port, run, deadline):
    while time.monotonic() < deadline:
        index = run.take()
        if index is None:
            return
        stack_id = '%s-%05d' % (run.prefix, index)
        body = {'plan_name': stack_id, 'stack_id': stack_id,
                'resources': stack(run.servers, stack_id)}
        try:
            status, answer, ms = post(port, '/v1/plans', body)
        except OSError as exc:
            with run.lock:
                run.errors.append((stack_id, None, repr(exc)))
            continue
        run.record(stack_id, status, answer, ms)


def drive(port, stacks, clients, servers, prefix='load', max_seconds=1200):
    """``clients`` threads create ``stacks`` plans; returns the Run."""
    run = Run(stacks, servers, prefix)
    deadline = time.monotonic() + max_seconds
    threads = [threading.Thread(target=_client, args=(port, run, deadline),
                                daemon=True) for _ in range(clients)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    run.seconds = time.perf_counter() - start
    return run


def warm_up(port, requests=8, deadline=120):
    """Build the app in every uwsgi worker (lazy-apps) before timing;
    ``requests`` answered GET /v1/status in a row, within ``deadline``."""
    end, answered = time.monotonic() + deadline, 0
    while answered < requests:
        if time.monotonic() > end:
            raise RuntimeError('valet-api did not answer %d status requests '
                               'in %ss' % (requests, deadline))
        conn = http.client.HTTPConnection('127.0.0.1', port, timeout=10)
        try:
            conn.request('GET', '/v1/status', headers=HEADERS)
            resp = conn.getresponse()
            resp.read()
            answered = answered + 1 if resp.status == 200 else 0
        except OSError:
            answered = 0
            time.sleep(0.5)
        finally:
            conn.close()


def warm_engines(port, engines, servers):
    """Two untimed stacks per engine, created then deleted (RabbitMQ hands
    sequential calls to the engines in turn): an engine's first decisions,
    commits and catch-ups compile their SQL statements, which an engine
    that has been up for a while did long ago.  The deletes give the
    capacity back; the stacks' groups stay, without members."""
    for index in range(2 * engines):
        stack_id = 'warm-%d' % index
        status, answer, _ = post(port, '/v1/plans', {
            'plan_name': stack_id, 'stack_id': stack_id,
            'resources': stack(servers, stack_id)})
        if status != 201:
            raise RuntimeError('warm-up plan answered %s: %s'
                               % (status, str(answer)[:300]))
    for index in range(2 * engines):
        conn = http.client.HTTPConnection('127.0.0.1', port, timeout=120)
        try:
            conn.request('DELETE', '/v1/plans/warm-%d' % index,
                         headers=HEADERS)
            resp = conn.getresponse()
            resp.read()
        finally:
            conn.close()
        if resp.status != 204:
            raise RuntimeError('deleting warm-up plan answered %s'
                               % resp.status)


# -- what the engines logged ---------------------------------------------------

_FIELD = re.compile(r'(\w+)=("(?:[^"\\]|\\.)*"|\S+)')
PHASES = ('wait_ms', 'decide_ms', 'search_ms', 'commit_ms', 'total_ms')


class DecisionLog:
    """The engines' telemetry lines (valet.engine.telemetry) of one run:
    how many decisions lost a compare-and-swap, and where their time
    went."""

    def __init__(self, texts, action='create_plan'):
        self.lines = []
        for text in texts:
            for line in text.splitlines():
                if 'decision=%s ' % action not in line:
                    continue
                self.lines.append({k: v.strip('"') for k, v in
                                   _FIELD.findall(line)})
        self.conflicts = sum(int(f.get('conflicts', 0)) for f in self.lines)
        self.retried = sum(1 for f in self.lines
                           if int(f.get('attempts', 1)) > 1)

    def phase_summary(self):
        """'phase p50/p99 ms' for each phase, one line."""
        parts = []
        for phase in PHASES:
            values = [float(f[phase]) for f in self.lines if phase in f]
            if values:
                parts.append('%s %.0f/%.0f' % (
                    phase[:-3], percentile(values, 50),
                    percentile(values, 99)))
        return ('%d decisions, %d CAS conflicts in %d of them; engine ms '
                'p50/p99: %s' % (len(self.lines), self.conflicts,
                                 self.retried, ', '.join(parts)))


# -- figures --------------------------------------------------------------------

def row(name, engines, clients, run, report, check_target=False):
    lat = run.latencies
    seconds = run.seconds or float('nan')
    placed = sum(len(v) for v in run.accepted.values())
    servers_s = placed / seconds
    p99 = percentile(lat, 99)
    target, ok = '', ''
    if check_target:
        target = '>=%g servers/s, p99<=%g' % (TARGET_SERVERS_PER_S,
                                              TARGET_P99_MS)
        ok = 'yes' if (servers_s >= TARGET_SERVERS_PER_S
                       and p99 <= TARGET_P99_MS) else 'NO'
    return (name, engines, clients, run.next, len(run.accepted),
            len(run.refused), len(run.errors), seconds,
            len(run.accepted) / seconds, servers_s, percentile(lat, 50),
            percentile(lat, 90), p99, max(lat) if lat else float('nan'),
            run.decisions.conflicts if run.decisions is not None else '',
            report.count() if report is not None else '', target, ok)


def _cell(value):
    if isinstance(value, float):
        return '%.1f' % value
    return '' if value is None else str(value)


def print_table(rows, out=None):
    out = out or sys.stdout
    cells = [COLUMNS] + [tuple(_cell(v) for v in r) for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(COLUMNS))]
    line = '+' + '+'.join('-' * (w + 2) for w in widths) + '+'
    out.write(line + '\n')
    for index, cells_row in enumerate(cells):
        out.write('| ' + ' | '.join(c.ljust(w) for c, w in
                                    zip(cells_row, widths)) + ' |\n')
        if index == 0:
            out.write(line + '\n')
    out.write(line + '\n')
    out.flush()


def machine_load():
    try:
        return 'load average %.2f %.2f %.2f on %d CPUs' % (
            os.getloadavg() + (os.cpu_count(),))
    except OSError:
        return 'load average unknown'


# -- the two modes -------------------------------------------------------------

def run_one(workdir, name, stacks, clients, hosts, engines, servers,
            api_workers=2, backend='mysql', max_seconds=1200,
            check_target=False, out=None):
    """One cluster, one run, the invariant check; returns (row, Run,
    Report)."""
    from valet.tests import invariants
    out = out or sys.stdout
    with cluster(workdir, hosts, engines, api_workers, backend) as c:
        port = c.apis[-1].port
        warm_up(port, 4 * api_workers)
        warm_engines(port, engines, servers)
        # The decision log of the timed run only, not the warm-up's.
        logged = [len(proc.log()) for proc in c.engines]
        out.write('%s: %d engines, %d API workers, %d hosts ready; %s\n'
                  % (name, engines, api_workers, hosts, machine_load()))
        run = drive(port, stacks, clients, servers, prefix=name,
                    max_seconds=max_seconds)
        run.decisions = DecisionLog(
            proc.log()[start:] for proc, start in zip(c.engines, logged))
        out.write('%s: %s\n' % (name, run.decisions.phase_summary()))
        report = invariants.check(c.db_url, run.accepted, run.refused)
        out.write('%s: %s\n' % (name, report.summary()))
        for stack_id, status, body in run.errors[:5]:
            out.write('%s: error %s on %s: %s\n' % (name, status, stack_id,
                                                    str(body)[:300]))
    return (row(name, engines, clients, run, report, check_target), run,
            report)


def run_load(stacks=1000, clients=16, hosts=1000, engines=2, servers=5,
             api_workers=2, backend='mysql', max_seconds=1200, workdir=None):
    """The load run; returns (rows, Run, Report)."""
    with _workdir(workdir) as tmp:
        result = run_one(tmp, 'load', stacks, clients, hosts, engines,
                         servers, api_workers, backend, max_seconds)
    print_table([result[0]])
    print('%d-server stacks; %s' % (servers, machine_load()))
    return [result[0]], result[1], result[2]


def run_throughput(stacks=200, clients=8, hosts=1000, servers=10,
                   engine_counts=(1, 2), api_workers=2, backend='mysql',
                   max_seconds=600, workdir=None):
    """The same stacks with 1 and with 2 engines, side by side."""
    rows, failed = [], False
    for engines in engine_counts:
        sub = None if workdir is None else _subdir(workdir, 'e%d' % engines)
        with _workdir(sub) as tmp:
            result = run_one(tmp, 'throughput-%de' % engines, stacks,
                             clients, hosts, engines, servers, api_workers,
                             backend, max_seconds, check_target=True)
        rows.append(result[0])
        failed = failed or not result[2].ok or bool(result[1].errors)
    print_table(rows)
    print('%d-server stacks; %s' % (servers, machine_load()))
    return rows, failed


@contextlib.contextmanager
def _workdir(workdir):
    if workdir is not None:
        yield str(workdir)
        return
    with tempfile.TemporaryDirectory(prefix='valet-load-') as tmp:
        yield tmp


def _subdir(base, name):
    path = os.path.join(str(base), name)
    os.makedirs(path, exist_ok=True)
    return path


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--throughput', action='store_true',
                        help='1-engine vs 2-engine throughput rows')
    parser.add_argument('--stacks', type=int)
    parser.add_argument('--clients', type=int)
    parser.add_argument('--hosts', type=int, default=1000)
    parser.add_argument('--engines', type=int, default=2)
    parser.add_argument('--servers', type=int,
                        help='servers per stack (load 5, throughput 10)')
    parser.add_argument('--engine-counts', default='1,2',
                        help='throughput: the engine counts to run, in order')
    parser.add_argument('--api-workers', type=int, default=2)
    parser.add_argument('--backend', default='mysql',
                        choices=('mysql', 'postgresql'))
    parser.add_argument('--max-seconds', type=float, default=1200)
    args = parser.parse_args(argv)
    from valet import cmd  # noqa: F401  (threading backend, before oslo)
    logging.basicConfig(level=logging.ERROR)
    if args.throughput:
        _, failed = run_throughput(
            args.stacks or 200, args.clients or 8, args.hosts,
            args.servers or 10,
            engine_counts=tuple(int(n) for n in
                                args.engine_counts.split(',')),
            api_workers=args.api_workers,
            backend=args.backend, max_seconds=args.max_seconds)
        return 1 if failed else 0
    _, run, report = run_load(
        args.stacks or 1000, args.clients or 16, args.hosts, args.engines,
        args.servers or 5, args.api_workers, args.backend, args.max_seconds)
    return 0 if report.ok and not run.errors else 1


if __name__ == '__main__':
    sys.exit(main())
