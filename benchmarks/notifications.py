"""Nova notifications absorbed while decisions keep their latency.

    python -m benchmarks.notifications [--racks 10] [--hosts-per-rack 20]
        [--fill 0.7] [--servers 20] [--decisions 30] [--rate 2000]
        [--batch-size N]

A real engine (EngineManager on sqlite, the 200-host scenario of the
decision benchmark) decides 20-server stacks back to back, first alone,
then while a producer thread offers Nova notifications at ``--rate`` per
second to the listener's endpoints (create.end of servers Valet never
planned, their delete.end, redelivered create.end and service.update,
built from the canonical Nova samples).  The applier batches them into
DB transactions under the decision lock, as in valet-engine.

Columns: the optimizer's decision under the engine lock (what
notifications compete with) and the whole create_plan (decision + DB
commit), p50/p99 in ms; notifications offered and absorbed per second
(absorbed = applied / time until the queue drained).  The bus itself is
not in the loop: the services test covers RabbitMQ.
"""
import argparse
import copy
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
    """Offers notifications at ``rate``/s to the endpoints until stopped."""

    def __init__(self, sink, hosts, rate, seed=7):
        from valet.engine.notifications import endpoints
        from valet.tests.unit.engine.notifications import helpers as samples
        super().__init__(daemon=True)
        self.endpoints = endpoints.all_endpoints(sink)
        self.hosts = sorted(hosts)
        self.rate = rate
        self.rng = random.Random(seed)
        self.sent = 0
        self.stopped = threading.Event()
        self.live = []           # servers created and not yet deleted
        self.templates = {
            name: samples.sample(name) for name in (
                'instance-create-end', 'instance-delete-end',
                'service-update')}

    def _message(self):
        kind = self.sent % 10
        if kind < 4 or not self.live:
            vm, host = str(uuid.uuid4()), self.rng.choice(self.hosts)
            self.live.append((vm, host))
            return self._instance('instance-create-end', vm, host)
        if kind < 8:
            vm, host = self.live.pop(self.rng.randrange(len(self.live)))
            return self._instance('instance-delete-end', vm, host)
        if kind == 8:           # redelivered: changes nothing
            return self._instance('instance-create-end', *self.live[-1])
        message = copy.deepcopy(self.templates['service-update'])
        message['payload'][DATA].update(
            host=self.rng.choice(self.hosts), disabled=False)
        return message

    def _instance(self, name, vm, host):
        message = copy.deepcopy(self.templates[name])
        data = message['payload'][DATA]
        data.update(uuid=vm, host=host, node=host)
        if 'flavor' in data:
            data['flavor'][DATA].update(
                name='m1.tiny', vcpus=1, memory_mb=512, root_gb=1)
        return message

    def run(self):
        # Built ahead (copying a payload costs more than delivering it);
        # cycling re-creates deleted servers and re-deletes gone ones.
        messages = [self._message() for _ in range(max(100, 2 * self.rate))]
        start = time.perf_counter()
        while not self.stopped.is_set():
            due = int((time.perf_counter() - start) * self.rate)
            while self.sent < due:
                message = messages[self.sent % len(messages)]
                for endpoint in self.endpoints:
                    if endpoint.filter_rule.match(
                            None, message['publisher_id'],
                            message['event_type'], None, message['payload']):
                        endpoint.info({}, message['publisher_id'],
                                      message['event_type'],
                                      message['payload'], {})
                self.sent += 1
            time.sleep(0.002)


def _decisions(manager, servers, runs, tag):
    """(optimizer ms under the lock, create_plan ms) samples."""
    decide_ms, plan_ms = [], []
    for i in range(runs):
        resources = scenarios.stack(servers, '%s%d' % (tag, i))
        request = plan_request.parse_plan(
            resources, flavors=manager.datacenter.flavors, known_groups={},
            project_id='bench')
        start = time.perf_counter()
        manager.reconcile(valet_context.get_admin_context(),
                          lambda ctx, dc, request=request: search.place(
                              dc, request))
        decide_ms.append((time.perf_counter() - start) * 1000.0)
        ctx = valet_context.RequestContext(
            project_id='bench', roles=['admin'],
            request_id='req-%s' % uuid.uuid4())
        start = time.perf_counter()
        manager.create_plan(ctx, 'b', '%s-%d' % (tag, i), resources)
        plan_ms.append((time.perf_counter() - start) * 1000.0)
        manager.delete_plan(ctx, '%s-%d' % (tag, i))
    return decide_ms, plan_ms


def run(racks=10, hosts_per_rack=20, fill=0.7, servers=20, decisions=30,
        rate=2000, batch_size=None, out=print):
    """Print the table; returns rows ``(name, offered/s, absorbed/s,
    decide ms samples, create_plan ms samples)`` and the notification
    counts ``{sent, applied, batches, failed}``."""
    # Imported here: they pick oslo.service's backend, which the caller
    # (python -m benchmarks) selects first.
    from valet.db import api as db_api
    from valet.db import migration
    from valet.engine import manager as engine_manager
    from valet.engine.notifications import applier as applier_mod
    from valet.engine.notifications import reconcile
    from valet.tests.functional import fixtures
    inventory = scenarios.make_inventory(racks, hosts_per_rack, fill)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        url = 'sqlite:///%s/bench.sqlite' % tmp
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
            reconciler = reconcile.Reconciler(manager)
            applier = applier_mod.Applier(
                reconciler.apply, batch_size=conf.notifications.batch_size,
                batch_interval=conf.notifications.batch_interval)
            applier.start()
            # Nova's own servers land on hosts already busy: the empty ones
            # stay free for the stack's exclusivity group.
            producer = Producer(applier.put, [
                h.name for h in manager.datacenter.hosts.values()
                if h.external], rate)
            start = time.perf_counter()
            producer.start()
            decide, plan = _decisions(manager, servers, decisions, 'busy')
            producer.stopped.set()
            producer.join()
            offered = producer.sent / (time.perf_counter() - start)
            applier.wait(120)
            absorbed = applier.processed / (time.perf_counter() - start)
            applier.stop()
            rows.append(('decisions + %d notifications/s' % rate, offered,
                         absorbed, decide, plan))
            counts = {'sent': producer.sent, 'applied': applier.processed,
                      'batches': applier.batches,
                      'failed': applier.failures,
                      'batch_size': applier.batch_size}
        finally:
            db.dispose()
    out('Decisions of a %d-server stack on %d hosts (%d%% full) while Nova '
        'notifications arrive (%d decisions each; sqlite; batches of %d)'
        % (servers, racks * hosts_per_rack, fill * 100, decisions,
           counts['batch_size']))
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
        'batches, %(failed)d failed batches; dec = optimizer under the engine '
        'lock, plan = create_plan with its DB commit)' % counts)
    return rows, counts


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--racks', type=int, default=10)
    parser.add_argument('--hosts-per-rack', type=int, default=20)
    parser.add_argument('--fill', type=float, default=0.7)
    parser.add_argument('--servers', type=int, default=20)
    parser.add_argument('--decisions', type=int, default=30)
    parser.add_argument('--rate', type=int, default=2000)
    parser.add_argument('--batch-size', type=int,
                        help='[notifications] batch_size (default: its '
                             'default)')
    args = parser.parse_args(argv)
    run(args.racks, args.hosts_per_rack, args.fill, args.servers,
        args.decisions, args.rate, args.batch_size)


if __name__ == '__main__':
    import logging
    from valet import cmd  # noqa: F401  (threading backend, as our processes)
    logging.basicConfig(level=logging.ERROR)
    main()
