"""Decision latency and rule quality: Valet (Ostro) beside a Nova-style
baseline, measured in the same run on the same datacenter.

    python -m benchmarks.decision [--racks 10] [--hosts-per-rack 20]
                                  [--fill 0.7] [--servers 20] [--runs 50]

The Nova-style baseline places one server at a time: capacity filters, host
(anti-)affinity only (what server groups can say), and a RAM weigher that
spreads. Rack rules are invisible to it, so its "rack rules broken" column
counts what an operator would get without Valet. The "API path" row is the
whole request: REST app → RPC (in-process bus) → engine → sqlite.
"""
import argparse
import collections
import statistics
import tempfile
import time
import uuid

from valet.engine.model import datacenter as dc_model
from valet.engine.model import inventory as inv
from valet.engine.model import request as plan_request
from valet.engine.optimizer import search

FLAVORS = {f.name: f for f in inv.BUILTIN_FLAVORS}


def make_inventory(racks, hosts_per_rack, fill):
    """A uniform datacenter filled to ``fill`` of its RAM by servers Valet
    did not place; one host in five is left empty (as real clouds have
    drained or fresh hosts), the others carry the load."""
    inventory = inv.Inventory(name='bench', flavors=dict(FLAVORS))
    inventory.zones['nova'] = inv.Zone('nova')
    small = FLAVORS['m1.small']
    per_host = int(fill / 0.8 * 131072 / small.ram)
    for r in range(1, racks + 1):
        rack = 'r%03d' % r
        inventory.racks[rack] = inv.Rack(rack, 'nova', 40000)
        for h in range(1, hosts_per_rack + 1):
            name = '%sh%02d' % (rack, h)
            inventory.hosts[name] = inv.Host(
                name, 'nova', rack, vcpus=32, memory_mb=131072,
                disk_gb=4000, nic_mbps=10000, cpu_allocation_ratio=4.0)
            for i in range(per_host if h % 5 else 0):
                inventory.servers.append(inv.Server(
                    '%s-bg%d' % (name, i), name, small.name, small.vcpus,
                    small.ram, small.disk))
    return inventory


def stack(servers, tag):
    """Host diversity, rack affinity (pairs), rack diversity, host
    exclusivity: the rule mix of DESIGN §5.2."""
    res = {
        'hdiv': _group('hdiv-%s' % tag, 'diversity', 'host'),
        'rdiv': _group('rdiv-%s' % tag, 'diversity', 'rack'),
        'raff': _group('raff-%s' % tag, 'affinity', 'rack'),
        'hexc': _group('hexc-%s' % tag, 'exclusivity', 'host'),
    }
    for i in range(servers):
        if i < servers // 2:
            groups = ['hdiv-%s' % tag]
        elif i < servers // 2 + 3:
            groups = ['rdiv-%s' % tag]
        elif i < servers - 2:
            groups = ['raff-%s' % tag]
        else:
            groups = ['hexc-%s' % tag]
        res['s%02d' % i] = {'type': 'OS::Nova::Server', 'properties': {
            'flavor': 'm1.medium' if i % 3 else 'm1.large',
            'metadata': {'valet': {'groups': groups}}}}
    return res


def _group(name, kind, level):
    return {'type': 'OS::Valet::Group',
            'properties': {'name': name, 'type': kind, 'level': level}}


def nova_style(datacenter, request):
    """One server at a time; RAM weigher; host-level server groups only."""
    free = {h.name: [h.free_vcpus, h.free_memory_mb, h.free_disk_gb]
            for h in datacenter.hosts.values() if h.enabled}
    chosen = {}
    for key in sorted(request.servers):
        srv = request.servers[key]
        host_rules = [request.groups[g] for g in srv.groups
                      if request.groups[g].level == 'host']
        best = None
        for name in sorted(free):
            f = free[name]
            if f[0] < srv.vcpus or f[1] < srv.memory_mb or f[2] < srv.disk_gb:
                continue
            peers = [chosen[k] for g in host_rules
                     for k in request.groups[g.name].servers if k in chosen]
            if any(g.type in ('diversity', 'exclusivity') for g in host_rules) \
                    and name in peers:
                continue
            if any(g.type == 'affinity' for g in host_rules) and peers \
                    and name not in peers:
                continue
            if best is None or f[1] > free[best][1]:
                best = name
        if best is None:
            return None
        chosen[key] = best
        for i, amount in enumerate((srv.vcpus, srv.memory_mb, srv.disk_gb)):
            free[best][i] -= amount
    return chosen


def broken_rules(datacenter, request, chosen):
    """How many group rules the answer breaks (0 for a correct answer)."""
    broken = 0
    for group in request.groups.values():
        keys = [k for k in group.servers if k in chosen]
        units = [datacenter.hosts[chosen[k]].unit(group.level) for k in keys]
        if group.type == 'affinity' and len(set(units)) > 1:
            broken += 1
        elif group.type == 'diversity' and len(set(units)) < len(units):
            broken += 1
        elif group.type == 'exclusivity':
            others = collections.Counter(
                datacenter.hosts[chosen[k]].unit(group.level)
                for k in chosen if k not in keys)
            if any(datacenter.hosts[h].external for h in
                   (chosen[k] for k in keys)) or any(u in others for u in units):
                broken += 1
    return broken


def timed(fn, runs):
    samples, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        samples.append((time.perf_counter() - start) * 1000.0)
    return samples, result


def percentile(samples, p):
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(p / 100.0 * (len(ordered) - 1))))]


def api_path(servers, runs):
    """Create + delete a plan through the REST app, in one process."""
    from valet import allinone
    from valet.cli import embedded
    from valet import conf as valet_conf
    from valet.engine.model import loader
    samples, broken = [], 0
    inventory = loader.load_datacenter(_example('10x20.yaml'))
    datacenter = dc_model.Datacenter.build(inventory)
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
                        'resources': stack(servers, 'api%d' % i)}
                start = time.perf_counter()
                plan = client.request('POST', '/v1/plans', body)['plan']
                samples.append((time.perf_counter() - start) * 1000.0)
                request = plan_request.parse_plan(
                    body['resources'], flavors=inventory.flavors,
                    known_groups={}, project_id='bench')
                broken += broken_rules(datacenter, request, {
                    k: p['location'] for k, p in plan['placements'].items()})
                client.request('DELETE', '/v1/plans/bench-%d' % i)
    return samples, broken


def _example(name):
    import os
    return os.path.join(os.path.dirname(os.path.dirname(
        os.path.abspath(__file__))), 'examples', 'datacenters', name)


def run(racks=10, hosts_per_rack=20, fill=0.7, servers=20, runs=50,
        api_runs=20):
    inventory = make_inventory(racks, hosts_per_rack, fill)
    datacenter = dc_model.Datacenter.build(inventory)
    resources = stack(servers, 'bench')
    request = plan_request.parse_plan(resources, flavors=inventory.flavors,
                                      known_groups={}, project_id='bench')
    rows = []
    valet_ms, decision = timed(lambda: search.place(datacenter, request), runs)
    valet_hosts = {p.location: None for p in decision.placements.values()}
    rows.append(('Valet (Ostro)', valet_ms, len(valet_hosts),
                 broken_rules(datacenter, request, {
                     k: p.location for k, p in decision.placements.items()
                     if p.kind == 'server'})))
    nova_ms, chosen = timed(lambda: nova_style(datacenter, request), runs)
    rows.append(('Nova-style filter+RAM weigher', nova_ms,
                 len(set(chosen.values())) if chosen else 0,
                 broken_rules(datacenter, request, chosen) if chosen
                 else 'no host'))
    if api_runs:
        api_ms, api_broken = api_path(servers, api_runs)
        rows.append(('Valet, whole API path (10x20 example)', api_ms, '-',
                     api_broken))
    print('Decision for a %d-server stack, %d hosts in %d racks, %d%% full '
          '(%d runs)' % (servers, racks * hosts_per_rack, racks, fill * 100,
                         runs))
    print('%-40s %9s %9s %11s %18s' % ('approach', 'p50 ms', 'p99 ms',
                                       'hosts used', 'group rules broken'))
    for name, samples, hosts, broken in rows:
        print('%-40s %9.2f %9.2f %11s %18s' % (
            name, statistics.median(samples), percentile(samples, 99), hosts,
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
