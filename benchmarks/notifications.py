"""Nova notifications absorbed while decisions keep their latency.

    python -m benchmarks.notifications [--racks 10] [--hosts-per-rack 20]
        [--fill 0.7] [--servers 20] [--decisions 100] [--rate 2400]
        [--batch-size N] [--databases sqlite mysql]

A real engine (EngineManager on sqlite or MariaDB, the 200-host scenario
of the decision benchmark) decides 20-server stacks back to back, first
alone, then while a producer thread offers Nova notifications at
``--rate`` per second to the listener's endpoints (create.end of servers
Valet never planned, their delete.end, redelivered create.end and
service.update, built from the canonical Nova samples before the clock
starts).  The applier batches them into DB transactions under the
decision lock, as in valet-engine.

Columns: the optimizer's decision under the engine lock (what
notifications compete with) and the whole create_plan (decision + DB
commit), p50/p99 in ms; notifications offered and absorbed per second
(absorbed = applied / time until the queue drained).  The bus itself is
not in the loop: the services test covers RabbitMQ.
"""
import argparse
import collections
import functools
import gc
import random
import statistics
import tempfile
import threading
import time
import uuid

import yaml

from benchmarks import decision as decision_bench
from benchmarks import scenarios
from valet import context as valet_context
from valet.engine.model import request as plan_request
from valet.engine.optimizer import search

DATA = 'nova_object.data'


def datacenter_file(inventory, path):
    """The scenario as a datacenter file, for the engine's file
    collector."""
    zones = {}
    for rack in inventory.racks.values():
        zones.setdefault(rack.zone, []).append(
            {'name': rack.name, 'uplink_mbps': rack.uplink_mbps,
             'hosts': [{'name': h.name, 'vcpus': h.vcpus,
                        'memory_mb': h.memory_mb, 'disk_gb': h.disk_gb,
                        'nic_mbps': h.nic_mbps}
                       for h in inventory.hosts.values()
                       if h.rack == rack.name]})
    doc = {'name': inventory.name,
           'allocation_ratios': {'cpu': 4.0, 'ram': 1.0, 'disk': 1.0},
           'zones': [{'name': z, 'racks': r} for z, r in sorted(
               zones.items())],
           'servers': [{'id': s.id, 'host': s.host, 'flavor': s.flavor}
                       for s in inventory.servers]}
    with open(path, 'w') as out:
        yaml.safe_dump(doc, out)
    return path


class Producer(threading.Thread):
    """Offers notifications at ``rate``/s to the endpoints until stopped.

    The messages are built before the clock starts (in production they
    arrive from RabbitMQ already decoded), so what is timed is the
    engine's share: the endpoints' filter and parse, the queue, the
    applier.  Per 10 messages: 4 create.end of servers Valet never
    planned, 4 delete.end of the oldest live ones (servers live for
    ``lifetime`` messages, longer than a batch, so deletes are real
    work), 1 redelivered create.end (changes nothing) and 1
    service.update (changes nothing).
    """

    def __init__(self, sink, hosts, rate, seed=7, seconds=3, lifetime=1000):
        from valet.engine.notifications import endpoints
        from valet.tests.unit.engine.notifications import helpers as samples
        super().__init__(daemon=True)
        self.endpoints = endpoints.all_endpoints(sink)
        self.hosts = sorted(hosts)
        self.rate = rate
        self.rng = random.Random(seed)
        self.lifetime = lifetime
        self.sent = 0
        self.cpu_seconds = 0.0
        self.stopped = threading.Event()
        self.live = collections.deque()   # (uuid, host) created, not deleted
        self.templates = {
            name: samples.sample(name) for name in (
                'instance-create-end', 'instance-delete-end',
                'service-update')}
        # ``seconds`` worth at ``rate``, cycled: the same creates and
        # deletes again, in order.  Not more: hundreds of thousands of
        # extra objects would slow Python's full GC collections, which
        # stop the engine's threads too.
        self.messages = [self._message(i)
                         for i in range(max(100, int(seconds * rate)))]

    def _message(self, index):
        kind = index % 10
        if kind < 4 or (kind < 8 and len(self.live) < self.lifetime // 2):
            vm, host = str(uuid.uuid4()), self.rng.choice(self.hosts)
            self.live.append((vm, host))
            return self._instance('instance-create-end', vm, host)
        if kind < 8:
            return self._instance('instance-delete-end',
                                  *self.live.popleft())
        if kind == 8:           # redelivered: changes nothing
            return self._instance('instance-create-end', *self.live[-1])
        return self._copy('service-update', host=self.rng.choice(self.hosts),
                          disabled=False)

    def _copy(self, name, **data):
        """The template with other payload data: the data dicts are new,
        the rest is shared (the endpoints only read)."""
        template = self.templates[name]
        payload = dict(template['payload'])
        payload[DATA] = dict(payload[DATA], **data)
        return dict(template, payload=payload)

    def _instance(self, name, vm, host):
        message = self._copy(name, uuid=vm, host=host, node=host)
        data = message['payload'][DATA]
        if 'flavor' in data:
            flavor = dict(data['flavor'])
            flavor[DATA] = dict(flavor[DATA], name='m1.tiny', vcpus=1,
                                memory_mb=512, root_gb=1)
            data['flavor'] = flavor
        return message

    def deliver(self, message):
        """What the listener does with one message off the bus."""
        for endpoint in self.endpoints:
            if endpoint.filter_rule.match(
                    None, message['publisher_id'], message['event_type'],
                    None, message['payload']):
                endpoint.info({}, message['publisher_id'],
                              message['event_type'], message['payload'], {})

    def run(self):
        messages = self.messages
        start = time.perf_counter()
        cpu = time.thread_time()
        while not self.stopped.is_set():
            due = int((time.perf_counter() - start) * self.rate)
            while self.sent < due:
                self.deliver(messages[self.sent % len(messages)])
                self.sent += 1
            time.sleep(0.002)
        # Includes waits on a full queue (no CPU) and the pacing loop.
        self.cpu_seconds = time.thread_time() - cpu


def warm_up(manager, hosts, servers=50):
    """Untimed, through an applier of its own: creates of ``servers``
    servers Valet never planned, then their deletes.  An engine compiles
    each of its SQL statements once in its life, on first use; without
    this the first timed batch pays for that (40-60 ms on MariaDB), and
    with 100 decisions that one wait is about their p99."""
    from valet.engine.notifications import applier as applier_mod
    from valet.engine.notifications import reconcile
    applier = applier_mod.Applier(reconcile.Reconciler(manager).apply)
    applier.start()
    try:
        producer = Producer(applier.put, hosts, rate=1)
        rng = random.Random(1)
        vms = [(str(uuid.uuid4()), rng.choice(producer.hosts))
               for _ in range(servers)]
        for event in ('instance-create-end', 'instance-delete-end'):
            for vm, host in vms:
                producer.deliver(producer._instance(event, vm, host))
            if not applier.wait(60) or applier.failures:
                raise RuntimeError('warm-up notifications failed')
    finally:
        applier.stop()


def _decisions(manager, servers, runs, tag, waits=None):
    """(optimizer ms under the lock, create_plan ms) samples; the ms each
    decision waited for the lock go to ``waits``."""
    decide_ms, plan_ms = [], []
    waits = [] if waits is None else waits

    def place(ctx, datacenter, request, start):
        waits.append((time.perf_counter() - start) * 1000.0)
        return search.place(datacenter, request)
    for i in range(runs):
        resources = scenarios.stack(servers, '%s%d' % (tag, i))
        request = plan_request.parse_plan(
            resources, flavors=manager.datacenter.flavors, known_groups={},
            project_id='bench')
        start = time.perf_counter()
        manager.reconcile(valet_context.get_admin_context(),
                          functools.partial(place, request=request,
                                            start=start))
        decide_ms.append((time.perf_counter() - start) * 1000.0)
        ctx = valet_context.RequestContext(
            project_id='bench', roles=['admin'],
            request_id='req-%s' % uuid.uuid4())
        start = time.perf_counter()
        manager.create_plan(ctx, 'b', '%s-%d' % (tag, i), resources)
        plan_ms.append((time.perf_counter() - start) * 1000.0)
        manager.delete_plan(ctx, '%s-%d' % (tag, i))
    return decide_ms, plan_ms


def run(racks=10, hosts_per_rack=20, fill=0.7, servers=20, decisions=100,
        rate=2000, batch_size=None, database='sqlite', out=print):
    """Print the table; returns rows ``(name, offered/s, absorbed/s,
    decide ms samples, create_plan ms samples)`` and the notification
    counts ``{sent, applied, batches, failed, ...}``.  ``database``:
    'sqlite' (a file), 'mysql' (a throwaway MariaDB database) or a URL."""
    # Imported here: they pick oslo.service's backend, which the caller
    # (python -m benchmarks) selects first.
    from benchmarks import api as api_bench
    from valet.db import api as db_api
    from valet.db import migration
    from valet.engine import manager as engine_manager
    from valet.engine.notifications import applier as applier_mod
    from valet.engine.notifications import reconcile
    from valet.tests.functional import fixtures
    inventory = scenarios.make_inventory(racks, hosts_per_rack, fill)
    rows = []
    with tempfile.TemporaryDirectory() as tmp, \
            api_bench.database(database) as url:
        url = url or 'sqlite:///%s/bench.sqlite' % tmp
        backend = url.split(':', 1)[0].split('+', 1)[0]
        conf = fixtures.make_conf(url, datacenter=datacenter_file(
            inventory, '%s/dc.yaml' % tmp))
        if batch_size:
            conf.set_override('batch_size', batch_size, 'notifications')
        migration.upgrade(url)
        db = db_api.Database.from_conf(conf)
        manager = engine_manager.EngineManager(conf, db, engine_id='bench')
        manager.start()
        try:
            decide, plan = _decisions(manager, servers, decisions, 'calm')
            rows.append(('decisions alone', None, None, decide, plan))
            # Nova's own servers land on hosts already busy: the empty ones
            # stay free for the stack's exclusivity group.
            busy_hosts = [h.name for h in manager.datacenter.hosts.values()
                          if h.external]
            warm_up(manager, busy_hosts)
            reconciler = reconcile.Reconciler(manager)
            applier = applier_mod.Applier(
                reconciler.apply, batch_size=conf.notifications.batch_size,
                batch_interval=conf.notifications.batch_interval)
            applier.start()
            # The messages are built here, before the clock starts.
            producer = Producer(applier.put, busy_hosts, rate)
            # They stand for RabbitMQ's, not for engine memory: out of the
            # collector's walks, as the model is.
            gc.freeze()
            start = time.perf_counter()
            producer.start()
            waits = []
            decide, plan = _decisions(manager, servers, decisions, 'busy',
                                      waits)
            producer.stopped.set()
            producer.join()
            offered = producer.sent / (time.perf_counter() - start)
            applier.wait(120)
            absorbed = applier.processed / (time.perf_counter() - start)
            applier.stop()
            rows.append(('decisions + %d notifications/s' % rate, offered,
                         absorbed, decide, plan))
            held = [s * 1000.0 for s in reconciler.lock_held]
            counts = {'sent': producer.sent, 'applied': applier.processed,
                      'batches': applier.batches,
                      'failed': applier.failures,
                      'batch_size': applier.batch_size,
                      'changes': reconciler.applied,
                      'listener_us': producer.cpu_seconds * 1e6
                      / max(1, producer.sent),
                      'applier_us': applier.cpu_seconds * 1e6
                      / max(1, applier.processed),
                      'held_p50': statistics.median(held) if held else 0.0,
                      'held_p99': decision_bench.percentile(held, 99)
                      if held else 0.0,
                      'wait_p50': statistics.median(waits),
                      'wait_p99': decision_bench.percentile(waits, 99),
                      'backend': backend}
        finally:
            db.dispose()
    out('Decisions of a %d-server stack on %d hosts (%d%% full) while Nova '
        'notifications arrive (%d decisions each; %s; batches of %d)'
        % (servers, racks * hosts_per_rack, fill * 100, decisions,
           counts['backend'], counts['batch_size']))
    out('%-34s %9s %9s %9s %9s %9s %9s' % (
        'load', 'offered/s', 'absorbed/s', 'dec p50', 'dec p99',
        'plan p50', 'plan p99'))
    for name, offered, absorbed, decide, plan in rows:
        out('%-34s %9s %9s %9.2f %9.2f %9.2f %9.2f' % (
            name, '-' if offered is None else '%.0f' % offered,
            '-' if absorbed is None else '%.0f' % absorbed,
            statistics.median(decide),
            decision_bench.percentile(decide, 99), statistics.median(plan),
            decision_bench.percentile(plan, 99)))
    out('(%(applied)d of %(sent)d notifications applied in %(batches)d '
        'batches, %(changes)d of them changes, %(failed)d failed batches)'
        % counts)
    out('Engine CPU per notification: listener (filter, parse, queue) '
        '%(listener_us).0f us, applier (DB transaction and model under the '
        'lock) %(applier_us).0f us; decision lock held per batch p50 '
        '%(held_p50).1f ms, p99 %(held_p99).1f ms; decisions waited for it '
        'p50 %(wait_p50).1f ms, p99 %(wait_p99).1f ms.' % counts)
    out('Measured: dec = optimizer under the engine lock, waiting for it '
        'included; plan = create_plan with its DB commit; offered = '
        'notifications handed to the endpoints per second (payloads built '
        'before the clock starts; the listener\'s bounded queue pushes '
        'back when the applier falls behind, as RabbitMQ would); absorbed '
        '= applied / time until the queue drained.  The bus is not in the '
        'loop.')
    return rows, counts


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--racks', type=int, default=10)
    parser.add_argument('--hosts-per-rack', type=int, default=20)
    parser.add_argument('--fill', type=float, default=0.7)
    parser.add_argument('--servers', type=int, default=20)
    # Enough for a p99 that is not simply the slowest decision.
    parser.add_argument('--decisions', type=int, default=100)
    # 20 % above the target rate (2,000/s): what is absorbed can never
    # exceed what is offered, so offering exactly the target cannot show it.
    parser.add_argument('--rate', type=int, default=2400)
    parser.add_argument('--batch-size', type=int,
                        help='[notifications] batch_size (default: its '
                             'default)')
    parser.add_argument('--databases', nargs='+', default=['sqlite'],
                        help="'sqlite' (a file), 'mysql' (a throwaway "
                             "MariaDB database on 127.0.0.1) or URLs")
    args = parser.parse_args(argv)
    for database in args.databases:
        run(args.racks, args.hosts_per_rack, args.fill, args.servers,
            args.decisions, args.rate, args.batch_size, database)


if __name__ == '__main__':
    import logging
    from valet import cmd  # noqa: F401  (threading backend, as our processes)
    logging.basicConfig(level=logging.ERROR)
    main()
