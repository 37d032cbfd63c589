"""Launch Valet in services mode as real processes, for fault and load tests.

One :class:`Cluster` is one isolated Valet deployment on 127.0.0.1: its own
temporary MariaDB/PostgreSQL database (``base_services.temporary_database``),
its own RabbitMQ ``control_exchange`` and ``[engine] topic`` (so concurrent
tests never see each other's engines), N ``valet-engine`` and M ``valet-api``
subprocesses.  Everything it started is killed and the database dropped on
exit, whatever happened.

Usage::

    from valet.tests import cluster

    def test_something(tmp_path):
        with cluster.Cluster(tmp_path, backend='postgresql') as c:
            c.start(engines=2, apis=1)         # waits until all answer
            code, body = c.http('POST', '/v1/plans', {...})
            c.rpc().create_plan(c.context(), 'p', 's', resources)
            c.kill(c.engines[0])                # SIGKILL
            rows = c.sql('SELECT location FROM placements')

API (all times in seconds; every wait is bounded):

``Cluster(workdir, backend='mysql', datacenter=None, db_url=None,
transport_url=None, options=None, debug=False)``
    ``workdir``: a directory for config files and logs (``tmp_path``).
    ``backend``: 'mysql' or 'postgresql' for the temporary database, unless
    ``db_url`` names an existing one (not dropped then).  ``datacenter``:
    a datacenter YAML (default ``examples/datacenters/small.yaml``).
    ``transport_url``: default ``rabbit://guest:guest@127.0.0.1:5672/``.
    ``options``: ``{(group, name): value}`` added to valet.conf.
    ``debug``: run the processes with ``[DEFAULT] debug = true``.
    Entering requires the services (skip, or fail under
    VALET_TEST_REQUIRE_SERVICES=1), creates the database, writes
    ``valet.conf`` and runs ``valet-manage db sync``.
``start(engines=1, apis=1, timeout=60)``
    Start processes and wait until each answers.
``start_engine(engine_id=None, wait=True)`` / ``start_api(wait=True)``
    One more process (a :class:`Process`); ``engines`` / ``apis`` list them.
``wait_engine(proc)`` / ``wait_api(proc)``
    Wait until that engine answers a ping addressed to it / that API
    answers ``GET /v1/status`` with 200.
``kill(proc, sig=SIGKILL)``, ``stop(proc)`` (SIGTERM, then SIGKILL)
    Each process runs in its own session and the signal goes to its whole
    process group: valet-engine forks its worker, which a plain kill of
    the parent would leave running (and answering) for a while.
``http(method, path, body=None, api=0, headers=None, project='demo',
roles='member', timeout=30)`` -> (status, JSON body or None)
``rpc(timeout=30)`` -> a :class:`valet.engine.rpcapi.EngineAPI` on the
    cluster's topic (one shared transport, cleaned up on exit).
``ping(engine_id, timeout=5)`` -> the ping answer of one given engine.
``context(project_id='demo', request_id=None, roles=('member',))``
``sql(text, **params)`` -> list of row tuples from the cluster's database.
``problems()`` -> what is inconsistent in the database (an empty list when
    every host's and pool's usage equals the sum of its placements and no
    capacity is exceeded): the no-leak / no-double-booking check.  The
    module function ``problems(sql)`` checks any Valet database.
``logs()`` -> the text of every process's log (stdout + stderr).
``conf_path``, ``db_url``, ``topic``, ``exchange``.
"""
import os
import signal
import subprocess
import sys
import time
import uuid

import sqlalchemy as sa

from valet import conf as valet_conf
from valet import context as valet_context
from valet.engine import rpcapi
from valet import rpc
from valet.tests import base_services
from valet.tests import net

RABBIT_URL = 'rabbit://guest:guest@127.0.0.1:5672/'
REPO = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
SMALL_DC = os.path.join(REPO, 'examples', 'datacenters', 'small.yaml')


class ClusterError(AssertionError):
    """A process died or did not become ready in time."""


class Process:
    """One valet-engine or valet-api subprocess."""

    def __init__(self, kind, name, popen, log_path, port=None):
        self.kind = kind            # 'engine' or 'api'
        self.name = name            # engine_id, or 'api-<n>'
        self.popen = popen
        self.log_path = log_path
        self.port = port

    @property
    def pid(self):
        return self.popen.pid

    @property
    def url(self):
        return 'http://127.0.0.1:%d' % self.port if self.port else None

    def alive(self):
        return self.popen.poll() is None

    def log(self):
        with open(self.log_path, errors='replace') as f:
            return f.read()

    def __repr__(self):
        return '<%s %s pid=%s>' % (self.kind, self.name, self.pid)


def problems(sql):
    """What is inconsistent in a Valet database: host or pool usage that
    differs from the sum of its placements, or exceeds capacity.
    ``sql(text, **params)`` runs a query and returns row tuples."""
    found = []
    placed = {}
    for kind, location, vcpus, mem, disk in sql(
            'SELECT kind, location, vcpus, memory_mb, disk_gb '
            'FROM placements'):
        total = placed.setdefault((kind, location), [0, 0, 0])
        for i, value in enumerate((vcpus, mem, disk)):
            total[i] += value
    for row in sql(
            'SELECT name, vcpus_used, memory_mb_used, disk_gb_used, '
            'external_vcpus, external_memory_mb, external_disk_gb, '
            'vcpus * cpu_allocation_ratio, '
            'memory_mb * ram_allocation_ratio, '
            'disk_gb * disk_allocation_ratio FROM hosts'):
        name, used, external, capacity = row[0], row[1:4], row[4:7], \
            row[7:10]
        want = placed.pop(('server', name), [0, 0, 0])
        if list(used) != want:
            found.append('host %s: usage %s but placements sum to %s'
                         % (name, list(used), want))
        for what, u, e, c in zip(('vcpus', 'memory', 'disk'), used,
                                 external, capacity):
            if u + e > c + 1e-6:
                found.append('host %s: %s %s + external %s > %s'
                             % (name, what, u, e, c))
    for name, used, capacity in sql(
            'SELECT name, used_gb, capacity_gb FROM pools'):
        want = placed.pop(('volume', name), [0, 0, 0])[2]
        if used != want or used > capacity:
            found.append('pool %s: used %s, placements %s, capacity %s'
                         % (name, used, want, capacity))
    found.extend('placements on unknown %s %s' % key for key in placed)
    return found


def _signal_group(proc, sig):
    try:
        os.killpg(proc.pid, sig)
    except ProcessLookupError:
        pass


def _ini(sections):
    lines = []
    for section, values in sections.items():
        lines.append('[%s]' % section)
        lines.extend('%s = %s' % kv for kv in values.items())
    return '\n'.join(lines) + '\n'


class Cluster:

    def __init__(self, workdir, backend='mysql', datacenter=None, db_url=None,
                 transport_url=None, options=None, debug=False):
        self.workdir = str(workdir)
        self.backend = backend
        self.datacenter = datacenter or SMALL_DC
        self.db_url = db_url
        self._owns_db = db_url is None
        self.transport_url = transport_url or RABBIT_URL
        self.options = dict(options or {})
        self.debug = debug
        suffix = uuid.uuid4().hex[:12]
        self.topic = 'valet-engine-%s' % suffix
        self.exchange = 'valet-test-%s' % suffix
        self.conf_path = os.path.join(self.workdir, 'valet.conf')
        self.engines = []
        self.apis = []
        self._db_cm = None
        self._transports = {}
        self._conf = None
        self._sql = None
        self._count = 0

    # -- set-up / tear-down ------------------------------------------------

    def __enter__(self):
        base_services.require_service('rabbitmq')
        try:
            if self._owns_db:
                self._db_cm = base_services.temporary_database(self.backend)
                self.db_url = self._db_cm.__enter__()
            self._write_conf()
            sync = subprocess.run(self._cmd('manage', 'db', 'sync'),
                                  capture_output=True, text=True, timeout=120)
            if sync.returncode != 0:
                raise ClusterError('db sync failed: %s' % sync.stderr[-2000:])
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        """Kill every process, close transports, drop the database."""
        procs = self.engines + self.apis
        for proc in procs:
            _signal_group(proc, signal.SIGTERM)
        end = time.monotonic() + 3
        for proc in procs:
            try:
                proc.popen.wait(timeout=max(0.1, end - time.monotonic()))
            except subprocess.TimeoutExpired:
                pass
            # Also reaps forked workers that outlived their parent.
            _signal_group(proc, signal.SIGKILL)
            proc.popen.wait(timeout=10)
        for transport in self._transports.values():
            transport.cleanup()
        self._transports.clear()
        if self._sql is not None:
            self._sql.dispose()
            self._sql = None
        if self._db_cm is not None:
            cm, self._db_cm = self._db_cm, None
            cm.__exit__(None, None, None)

    def _write_conf(self):
        sections = {
            'DEFAULT': {'transport_url': self.transport_url,
                        'control_exchange': self.exchange,
                        'debug': str(self.debug).lower()},
            'database': {'connection': self.db_url},
            'api': {'auth_strategy': 'noauth', 'host': '127.0.0.1',
                    'engine_timeout': 30},
            'engine': {'topic': self.topic},
            'inventory': {'datacenter_file': self.datacenter},
        }
        for (group, name), value in self.options.items():
            sections.setdefault(group, {})[name] = value
        with open(self.conf_path, 'w') as f:
            f.write(_ini(sections))

    def _cmd(self, module, *args, extra_conf=None):
        cmd = [sys.executable, '-m', 'valet.cmd.%s' % module,
               '--config-file', self.conf_path]
        if extra_conf:
            cmd += ['--config-file', extra_conf]
        return cmd + list(args)

    def _spawn(self, kind, name, module, sections, port=None):
        extra = os.path.join(self.workdir, '%s.conf' % name)
        with open(extra, 'w') as f:
            f.write(_ini(sections))
        log_path = os.path.join(self.workdir, '%s.log' % name)
        with open(log_path, 'ab') as log:
            # Its own session: valet-engine's launcher forks a worker, and
            # a kill must reach the whole process group.
            popen = subprocess.Popen(self._cmd(module, extra_conf=extra),
                                     stdout=log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL,
                                     start_new_session=True)
        return Process(kind, name, popen, log_path, port)

    # -- processes ---------------------------------------------------------

    def start(self, engines=1, apis=1, timeout=60):
        new_engines = [self.start_engine(wait=False) for _ in range(engines)]
        new_apis = [self.start_api(wait=False) for _ in range(apis)]
        for proc in new_engines:
            self.wait_engine(proc, timeout)
        for proc in new_apis:
            self.wait_api(proc, timeout)
        return self

    def start_engine(self, engine_id=None, wait=True, timeout=60):
        self._count += 1
        engine_id = engine_id or 'engine-%d' % self._count
        proc = self._spawn('engine', engine_id, 'engine',
                           {'engine': {'engine_id': engine_id}})
        self.engines.append(proc)
        if wait:
            self.wait_engine(proc, timeout)
        return proc

    def start_engine_with(self, options, engine_id=None, wait=True,
                          timeout=60):
        """Like :meth:`start_engine`, with ``options`` ``{(group, name):
        value}`` for this engine only (e.g. its own ``[optimizer] seed``)."""
        self._count += 1
        engine_id = engine_id or 'engine-%d' % self._count
        sections = {'engine': {'engine_id': engine_id}}
        for (group, name), value in options.items():
            sections.setdefault(group, {})[name] = value
        proc = self._spawn('engine', engine_id, 'engine', sections)
        self.engines.append(proc)
        if wait:
            self.wait_engine(proc, timeout)
        return proc

    def start_api(self, wait=True, timeout=60):
        self._count += 1
        port = net.free_port()
        proc = self._spawn('api', 'api-%d' % self._count, 'api',
                           {'api': {'port': port}}, port=port)
        self.apis.append(proc)
        if wait:
            self.wait_api(proc, timeout)
        return proc

    def start_uwsgi_api(self, processes=2, threads=4, wait=True, timeout=60):
        """valet-api under uwsgi (pyuwsgi, the ``test`` extra) with
        ``processes`` workers, as etc/valet/valet-api-uwsgi.ini sets it up
        but on a free loopback port; one :class:`Process` (the master)."""
        self._count += 1
        port = net.free_port()
        name = 'api-%d' % self._count
        log_path = os.path.join(self.workdir, '%s.log' % name)
        uwsgi = os.path.join(os.path.dirname(sys.executable), 'uwsgi')
        cmd = [uwsgi if os.path.exists(uwsgi) else 'uwsgi',
               '--module', 'valet.wsgi.api:application',
               '--http-socket', '127.0.0.1:%d' % port,
               '--master', '--processes', str(processes),
               '--threads', str(threads), '--enable-threads',
               '--single-interpreter', '--lazy-apps', '--die-on-term',
               '--buffer-size', '65535', '--thunder-lock',
               # Tests stop it with SIGTERM: do not wait 60 s for workers.
               '--worker-reload-mercy', '5', '--reload-mercy', '5']
        # In the environment, not --env: pyuwsgi's os.environ is read
        # before uwsgi parses its options.
        env = dict(os.environ, VALET_CONFIG_FILE=self.conf_path)
        with open(log_path, 'ab') as log:
            popen = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, env=env,
                                     start_new_session=True)
        proc = Process('api', name, popen, log_path, port)
        self.apis.append(proc)
        if wait:
            self.wait_api(proc, timeout)
        return proc

    def _check_alive(self, proc):
        if not proc.alive():
            raise ClusterError('%r exited with %s:\n%s' % (
                proc, proc.popen.returncode, proc.log()[-3000:]))

    def wait_engine(self, proc, timeout=60):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            self._check_alive(proc)
            try:
                return self.ping(proc.name, timeout=2)
            except Exception:
                time.sleep(0.2)
        raise ClusterError('%r did not answer a ping in %ss:\n%s'
                           % (proc, timeout, proc.log()[-3000:]))

    def wait_api(self, proc, timeout=60):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            self._check_alive(proc)
            try:
                status, body = net.http('GET', proc.url + '/v1/status',
                                        timeout=5)
                if status == 200:
                    return body
            except OSError:
                pass
            time.sleep(0.2)
        raise ClusterError('%r did not answer GET /v1/status in %ss:\n%s'
                           % (proc, timeout, proc.log()[-3000:]))

    def kill(self, proc, sig=signal.SIGKILL):
        """Send ``sig`` (default SIGKILL) to the process and its forked
        workers (its process group), and reap it."""
        _signal_group(proc, sig)
        proc.popen.wait(timeout=30)

    def stop(self, proc, timeout=15):
        """SIGTERM, then SIGKILL after ``timeout``."""
        _signal_group(proc, signal.SIGTERM)
        try:
            proc.popen.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            pass
        self.kill(proc)

    # -- clients -----------------------------------------------------------

    def http(self, method, path, body=None, api=0, headers=None,
             project='demo', roles='member', timeout=30):
        hdrs = {'X-Project-Id': project, 'X-Roles': roles}
        hdrs.update(headers or {})
        return net.http(method, self.apis[api].url + path, body,
                        headers=hdrs, timeout=timeout)

    def _client_conf(self):
        if self._conf is None:
            self._conf = valet_conf.new_conf(
                ['--config-file', self.conf_path], default_config_files=[])
        return self._conf

    def _transport(self):
        if 'rpc' not in self._transports:
            self._transports['rpc'] = rpc.get_transport(self._client_conf())
        return self._transports['rpc']

    def rpc(self, timeout=30):
        """An EngineAPI client on this cluster's topic and exchange."""
        return rpcapi.EngineAPI(self._client_conf(), self._transport(),
                                timeout=timeout)

    def ping(self, engine_id, timeout=5):
        """Ping one given engine (its server-addressed queue)."""
        client = self.rpc(timeout).client.prepare(server=engine_id,
                                                  version='1.0',
                                                  timeout=timeout)
        return client.call(self.context(project_id=None, roles=('admin',)),
                           'ping')

    @staticmethod
    def context(project_id='demo', request_id=None, roles=('member',)):
        return valet_context.RequestContext(
            project_id=project_id, roles=list(roles),
            request_id=request_id or 'req-%s' % uuid.uuid4())

    def sql(self, text, **params):
        if self._sql is None:
            self._sql = sa.create_engine(self.db_url,
                                         poolclass=sa.pool.NullPool)
        with self._sql.connect() as conn:
            return [tuple(r) for r in conn.execute(sa.text(text), params)]

    def problems(self):
        """Usage that differs from the placements, or exceeds capacity."""
        return problems(self.sql)

    def logs(self):
        return '\n'.join('==> %s <==\n%s' % (p.name, p.log())
                         for p in self.engines + self.apis)
