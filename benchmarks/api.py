"""valet-api latency over RabbitMQ: what the REST layer adds to a request,
beside the raw oslo.messaging call floor measured in the same run.

    python -m benchmarks.api [--requests 300] [--clients 1 8]
                             [--api-workers 2] [--databases sqlite mysql]
                             [--transport-url rabbit://guest:guest@127.0.0.1:5672/]
                             [--new-connections]

Set-up, as an operator runs it: ``valet-engine`` and ``valet-api`` (the
built-in threaded server, ``[api] workers`` processes) as their own
processes, RabbitMQ on 127.0.0.1 between them, ``auth_strategy = noauth``;
this process is the HTTP client (one thread per client, each keeping its
HTTP/1.1 connection alive as keystoneauth sessions and Valet's CLI do;
``--new-connections`` connects for every request instead) and also an RPC
client of the same engine.  One table per database: a sqlite file (what the all-in-one
and a development valet-api use) and a throwaway MariaDB database on
127.0.0.1 (what operators run; skipped when MariaDB is not there).

What is measured, per request (milliseconds):

* ``GET /v1/status``: policy, an RPC ``ping`` to the engine, ``SELECT 1``.
  The engine computes nothing for a ping, so its compute time is 0 and the
  API latency is the whole HTTP time (RPC round trip included).
* ``GET /v1/plans/{stack}``: policy and a database read; no engine.
* ``POST /v1/plans`` with ``dry_run``: the engine places 4 servers of a
  diversity group and stores nothing.  Its compute time is measured, not
  reported by the engine (DESIGN shapes stay as they are): the HTTP pass
  records how many dry runs each dry run found in flight on arrival (its
  own included); after it, that many clients (the mean, rounded) send the
  same dry run straight over RPC from this process, then as many send
  ``ping``; ``compute = p50(create_plan) - p50(ping)`` at that concurrency,
  which includes the engine's queueing behind the other dry runs.  (Mixing
  pings into the RPC pass gave a concurrency that did not match the HTTP
  pass: pings are quicker than the HTTP requests they stood for, so more
  dry runs were in flight and the estimate came out larger than the HTTP
  time.)  The API latency of each dry-run request is ``HTTP time -
  compute``: it keeps the RPC transport, which the API cannot avoid, and
  drops only the engine's own work.  The HTTP and RPC passes never overlap,
  so neither loads the engine for the other.

Before each client count's timed passes, an untimed one at the same
concurrency (``WARM_UP_PER_CLIENT`` requests per client) lets each
valet-api worker open the database connections that concurrency needs,
once in its life: with PyMySQL a connection takes 25-40 ms, ~190 ms when
8 open at once, and those few requests were the 8-client p99 on MariaDB.

The "RPC floor" row is bare ``ping`` calls from as many clients as the HTTP
pass, over the same RabbitMQ from this process: no HTTP, no database.
Targets (the "all" rows, every request of the three kinds): API latency
p50 <= 5 ms and p99 <= 15 ms at 1 client, p50 <= 20 ms at 8 clients.
"""
import argparse
import contextlib
import socket
import http.client
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import uuid

import sqlalchemy as sa

from benchmarks.decision import percentile
from valet import cmd as _threading_backend  # noqa: F401 - before oslo
from valet import conf as valet_conf
from valet import context as valet_context
from valet.db import migration
from valet.engine import rpcapi
from valet import rpc

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATACENTER = os.path.join(REPO, 'examples', 'datacenters', 'small.yaml')
RABBIT = 'rabbit://guest:guest@127.0.0.1:5672/'
MARIADB = 'mysql+pymysql://root@127.0.0.1:3306/'
DATABASES = ('sqlite', 'mysql')
HEADERS = {'X-Project-Id': 'bench', 'X-Roles': 'member',
           'Content-Type': 'application/json'}
TARGETS = {1: (5.0, 15.0), 8: (20.0, None)}   # clients -> (p50, p99) ms
COLUMNS = ('workload', 'clients', 'n', 'HTTP p50', 'HTTP p99',
           'engine compute p50', 'API p50', 'API p99', 'target', 'ok')


def dry_run_body(stack_id):
    resources = {'spread': {'type': 'OS::Valet::Group', 'properties': {
        'name': 'bench-spread', 'type': 'diversity', 'level': 'host'}}}
    for i in range(4):
        resources['s%d' % i] = {
            'type': 'OS::Nova::Server',
            'properties': {'flavor': 'm1.small', 'metadata': {
                'valet': {'groups': ['bench-spread']}}}}
    return {'plan_name': 'bench', 'stack_id': stack_id,
            'resources': resources, 'dry_run': True}


def _free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def write_config(path, db_url, port, topic, transport_url, workers=1):
    with open(path, 'w') as f:
        f.write('\n'.join([
            '[DEFAULT]', 'transport_url = %s' % transport_url,
            'default_log_levels = valet=WARNING,oslo_messaging=WARNING,'
            'kombu=WARNING,amqp=WARNING,oslo_policy=WARNING',
            '[database]', 'connection = %s' % db_url,
            '[api]', 'auth_strategy = noauth', 'host = 127.0.0.1',
            'port = %d' % port, 'engine_timeout = 30',
            'workers = %d' % workers,
            '[engine]', 'topic = %s' % topic, 'engine_id = bench-engine',
            '[inventory]', 'collectors = file',
            'datacenter_file = %s' % DATACENTER, '']))


def connect(port):
    return http.client.HTTPConnection('127.0.0.1', port, timeout=60)


def request(port, method, path, body=None, conn=None):
    """(status, elapsed ms, decoded body) of one HTTP request, on ``conn``
    (kept open) or on a connection of its own."""
    data = json.dumps(body).encode() if body is not None else None
    start = time.perf_counter()
    own = conn is None
    if own:
        conn = connect(port)
    try:
        conn.request(method, path, body=data, headers=HEADERS)
        resp = conn.getresponse()
        raw = resp.read()
    except BaseException:
        conn.close()
        raise
    finally:
        if own:
            conn.close()
    elapsed = (time.perf_counter() - start) * 1000.0
    return resp.status, elapsed, (json.loads(raw) if raw else None)


@contextlib.contextmanager
def database(kind):
    """An empty database URL for ``kind``: None for 'sqlite' (services()
    makes a file), a throwaway MariaDB database for 'mysql' (dropped on
    exit), or ``kind`` itself if it is a URL."""
    if kind == 'sqlite':
        yield None
        return
    if kind != 'mysql':
        yield kind
        return
    name = 'valet_bench_%s' % uuid.uuid4().hex[:12]
    admin = sa.create_engine(MARIADB, poolclass=sa.pool.NullPool)
    with admin.connect() as conn:
        conn.execute(sa.text('CREATE DATABASE %s CHARACTER SET utf8mb4'
                             % name))
    try:
        yield MARIADB + name
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text('DROP DATABASE IF EXISTS %s' % name))
        admin.dispose()


def mariadb_available():
    try:
        socket.create_connection(('127.0.0.1', 3306), timeout=1).close()
    except OSError:
        return False
    return True


@contextlib.contextmanager
def services(transport_url, database_url=None, workers=1):
    """valet-engine and valet-api (``workers`` processes); yields (port,
    conf)."""
    with tempfile.TemporaryDirectory(prefix='valet-bench-') as tmp:
        db_url = database_url or 'sqlite:///%s' % os.path.join(
            tmp, 'valet.sqlite')
        port = _free_port()
        config = os.path.join(tmp, 'valet.conf')
        write_config(config, db_url, port,
                     'valet-bench-%s' % uuid.uuid4().hex, transport_url,
                     workers)
        migration.upgrade(db_url)
        log = open(os.path.join(tmp, 'services.log'), 'w')
        procs = [subprocess.Popen(
            [sys.executable, '-m', 'valet.cmd.%s' % name, '--config-file',
             config], stdout=log, stderr=subprocess.STDOUT)
            for name in ('engine', 'api')]
        try:
            _wait_ready(port, procs)
            yield port, valet_conf.new_conf(
                ['--config-file', config], default_config_files=[])
        finally:
            for proc in procs:
                proc.terminate()
            for proc in procs:
                try:
                    proc.wait(15)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
            log.close()


def _wait_ready(port, procs, deadline=90):
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        for proc in procs:
            if proc.poll() is not None:
                raise RuntimeError('%s exited with %s' % (proc.args,
                                                          proc.returncode))
        try:
            if request(port, 'GET', '/v1/status')[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError('valet-api/valet-engine did not become ready')


class Run:
    """The samples of one client count: HTTP times per workload, and the
    direct RPC times (ping, create_plan dry run) at the same concurrency."""

    def __init__(self):
        self.lock = threading.Lock()
        self.http = {}          # workload -> [ms]
        self.rpc = {}           # 'ping' / 'create_plan' -> [ms]
        self.dry_in_flight = 0
        self.dry_seen = []      # dry runs in flight as each one started

    def dry_run_started(self):
        with self.lock:
            self.dry_in_flight += 1
            self.dry_seen.append(self.dry_in_flight)

    def dry_run_ended(self):
        with self.lock:
            self.dry_in_flight -= 1

    def dry_run_concurrency(self):
        seen = self.dry_seen
        return max(1, round(sum(seen) / len(seen))) if seen else 1

    def add(self, table, key, ms):
        with self.lock:
            table.setdefault(key, []).append(ms)


# Requests per client of the untimed pass before each client count's.
WARM_UP_PER_CLIENT = 6

WORKLOADS = ('GET /v1/status', 'GET /v1/plans/{id}',
             'POST /v1/plans (dry run)')


def _http_client(port, stack_id, run, count, keep_alive, offset):
    conn = connect(port) if keep_alive else None
    try:
        for i in range(count):
            workload = WORKLOADS[(i + offset) % len(WORKLOADS)]
            if workload == 'GET /v1/status':
                args = ('GET', '/v1/status')
            elif workload == 'GET /v1/plans/{id}':
                args = ('GET', '/v1/plans/%s' % stack_id)
            else:
                args = ('POST', '/v1/plans', dry_run_body('bench-dry'))
            dry = args[0] == 'POST'
            if dry:
                run.dry_run_started()
            try:
                status, ms, _ = request(port, *args, conn=conn)
            finally:
                if dry:
                    run.dry_run_ended()
            if status >= 400:
                raise RuntimeError('%s answered %s' % (workload, status))
            run.add(run.http, workload, ms)
    finally:
        if conn is not None:
            conn.close()


def _rpc_client(engine, run, count, key, offset):
    """``count`` direct RPC calls: ``key`` is 'ping', 'create_plan' (the
    dry run of the HTTP pass) or 'ping@k' (pings beside the latter)."""
    context = valet_context.RequestContext(project_id='bench',
                                           roles=['member'], overwrite=False)
    body = dry_run_body('bench-dry')
    for _ in range(count):
        start = time.perf_counter()
        if key == 'create_plan':
            engine.create_plan(context, body['plan_name'], body['stack_id'],
                               body['resources'], dry_run=True)
        else:
            engine.ping(context)
        run.add(run.rpc, key, (time.perf_counter() - start) * 1000.0)


def _threads(target, clients, args):
    threads = [threading.Thread(target=target, args=args + (c,))
               for c in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def measure(port, engine, stack_id, clients, requests, keep_alive=True):
    """HTTP requests first, then the same number of direct RPC calls, each
    pass with ``clients`` concurrent threads (never both at once, so the
    engine is not loaded twice)."""
    run = Run()
    per_client = max(3, requests // clients)
    _threads(_http_client, clients,
             (port, stack_id, run, per_client, keep_alive))
    _threads(_rpc_client, clients, (engine, run, per_client, 'ping'))
    dry = run.dry_run_concurrency()
    # As many dry-run calls as the HTTP pass sent (a third of it).
    calls = max(3, per_client * clients // len(WORKLOADS) // dry)
    _threads(_rpc_client, dry, (engine, run, calls, 'create_plan'))
    _threads(_rpc_client, dry, (engine, run, calls, 'ping@k'))
    return run


def rows_of(run, clients):
    ping = run.rpc.get('ping', [])
    floor = percentile(ping, 50)
    # The engine's own work for a dry run at this concurrency.
    compute = max(0.0, percentile(run.rpc.get('create_plan', []), 50)
                  - percentile(run.rpc.get('ping@k', []), 50))
    rows, everything = [], []
    for workload in WORKLOADS:
        engine_ms = compute if workload.startswith('POST') else 0.0
        samples = [(ms, engine_ms) for ms in run.http.get(workload, [])]
        everything.extend(samples)
        label = ('%s, %d in flight' % (workload, run.dry_run_concurrency())
                 if workload.startswith('POST') else workload)
        rows.append(_row(label, clients, samples))
    rows.append(_row('all', clients, everything, check=True))
    rows.append(('oslo.messaging ping (RPC floor)', clients, len(ping),
                 floor, percentile(ping, 99), 0.0, None, None, '', ''))
    return rows


def _row(workload, clients, samples, check=False):
    http_ms = [h for h, _ in samples]
    compute = [c for _, c in samples]
    api = [h - c for h, c in samples]
    p50, p99 = percentile(api, 50), percentile(api, 99)
    target, ok = '', ''
    if check and clients in TARGETS:
        t50, t99 = TARGETS[clients]
        target = 'p50<=%g' % t50 + (' p99<=%g' % t99 if t99 else '')
        ok = 'yes' if p50 <= t50 and (t99 is None or p99 <= t99) else 'NO'
    return (workload, clients, len(samples), percentile(http_ms, 50),
            percentile(http_ms, 99), percentile(compute, 50), p50, p99,
            target, ok)


def _cell(value):
    if isinstance(value, float):
        return '%.2f' % value
    return '' if value is None else str(value)


def print_table(rows, out=None, title=None):
    out = out or sys.stdout
    if title:
        out.write(title + '\n')
    cells = [COLUMNS] + [tuple(_cell(v) for v in row) for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(COLUMNS))]
    line = '+' + '+'.join('-' * (w + 2) for w in widths) + '+'
    out.write(line + '\n')
    for index, row in enumerate(cells):
        out.write('| ' + ' | '.join(c.ljust(w) for c, w in zip(row, widths))
                  + ' |\n')
        if index == 0:
            out.write(line + '\n')
    out.write(line + '\n')
    out.write('All times in ms. API = HTTP - engine compute; engine compute '
              '= p50 of direct create_plan RPCs - p50 of pings, both at the '
              'concurrency the dry runs met in the HTTP pass ("k in flight"; '
              '0 for status and reads).\n')


def run(requests=300, clients=(1, 8), transport_url=RABBIT, warmup=20,
        database_url=None, workers=2, database_name='sqlite',
        keep_alive=True):
    """Start the services, measure, print the table; returns its rows."""
    with services(transport_url, database_url, workers) as (port, conf):
        transport = rpc.get_transport(conf)
        engine = rpcapi.EngineAPI(conf, transport, timeout=30)
        context = valet_context.RequestContext(
            project_id='bench', roles=['member'], overwrite=False)
        try:
            stack_id = 'bench-seed'
            body = dry_run_body(stack_id)
            body.pop('dry_run')
            status = request(port, 'POST', '/v1/plans', body)[0]
            if status != 201:
                raise RuntimeError('seeding the plan answered %s' % status)
            for _ in range(warmup):
                request(port, 'GET', '/v1/status')
                engine.ping(context)
            rows = []
            for count in clients:
                # Untimed, at this concurrency first: each worker opens as
                # many database connections as it has requests at once,
                # once in its life (PyMySQL takes 25-40 ms a connection,
                # most of it building a TLS context, ~190 ms when 8 connect
                # at once); steady state is what is measured.
                measure(port, engine, stack_id, count, WARM_UP_PER_CLIENT *
                        count, keep_alive)
                rows.extend(rows_of(measure(port, engine, stack_id, count,
                                            requests, keep_alive), count))
        finally:
            transport.cleanup()
    print_table(rows, title='valet-api on %s, %d worker process(es), %s:'
                % (database_name, workers,
                   'kept-alive connections' if keep_alive
                   else 'a new connection per request'))
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--requests', type=int, default=300,
                        help='HTTP requests per client count')
    parser.add_argument('--clients', type=int, nargs='+', default=[1, 8])
    parser.add_argument('--transport-url', default=RABBIT)
    parser.add_argument('--api-workers', type=int, default=2,
                        help='[api] workers of valet-api (one per core of '
                             'the 2-core reference machine)')
    parser.add_argument('--databases', nargs='+', default=list(DATABASES),
                        help="'sqlite' (a file), 'mysql' (a throwaway "
                             "MariaDB database on 127.0.0.1) or URLs of "
                             "empty databases; one table each")
    parser.add_argument('--database-url',
                        help='An empty database (instead of --databases)')
    parser.add_argument('--new-connections', action='store_true',
                        help='Connect for every request instead of keeping '
                             "each client's connection alive")
    args = parser.parse_args(argv)
    kinds = [args.database_url] if args.database_url else args.databases
    failed = []
    for kind in kinds:
        if kind == 'mysql' and not mariadb_available():
            print('MariaDB is not running on 127.0.0.1:3306: no mysql table')
            continue
        with database(kind) as url:
            rows = run(args.requests, tuple(args.clients), args.transport_url,
                       database_url=url, workers=args.api_workers,
                       database_name=kind if '://' not in kind
                       else sa.engine.make_url(kind).get_backend_name(),
                       keep_alive=not args.new_connections)
        failed += [r for r in rows if r[-1] == 'NO']
        print()
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
