"""Datacenters and stacks the benchmarks share (all seeded, deterministic).

``make_inventory``: a uniform datacenter filled by servers Valet did not
place; ``stack``: the rule mix of the targets (host diversity, rack
affinity, host exclusivity, rack diversity) with a pipe chain through all
servers; ``quality_instance``: small random instances the exact solver can
prove optimal.
"""
import random

from valet.engine.model import datacenter as dc_model
from valet.engine.model import inventory as inv
from valet.engine.model import request as plan_request
from valet.engine.optimizer import decision as decision_mod
from valet.engine.optimizer import objective

FLAVORS = {f.name: f for f in inv.BUILTIN_FLAVORS}


def make_inventory(racks, hosts_per_rack, fill, zones=1):
    """A uniform datacenter filled to ``fill`` of its RAM by servers Valet
    did not place; one host in five is left empty (as real clouds have
    drained or fresh hosts), the others carry the load."""
    inventory = inv.Inventory(name='bench', flavors=dict(FLAVORS))
    small = FLAVORS['m1.small']
    per_host = int(fill / 0.8 * 131072 / small.ram)
    for r in range(1, racks + 1):
        zone = 'az%d' % ((r - 1) * zones // racks + 1)
        inventory.zones.setdefault(zone, inv.Zone(zone))
        rack = 'r%03d' % r
        inventory.racks[rack] = inv.Rack(rack, zone, 40000)
        for h in range(1, hosts_per_rack + 1):
            name = '%sh%02d' % (rack, h)
            inventory.hosts[name] = inv.Host(
                name, zone, rack, vcpus=32, memory_mb=131072,
                disk_gb=4000, nic_mbps=10000, cpu_allocation_ratio=4.0)
            for i in range(per_host if h % 5 else 0):
                inventory.servers.append(inv.Server(
                    '%s-bg%d' % (name, i), name, small.name, small.vcpus,
                    small.ram, small.disk))
    return inventory


def stack(servers, tag, pipes=True):
    """Host diversity (half), rack diversity (3), rack affinity (the rest
    but 2), host exclusivity (2); ``pipes``: a chain s00-s01-... of
    ``servers - 1`` pipes (100-400 Mbit/s)."""
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
    if pipes:
        for i in range(1, servers):
            res['p%02d' % i] = {'type': 'OS::Valet::Pipe', 'properties': {
                'source': 's%02d' % (i - 1), 'target': 's%02d' % i,
                'bandwidth_mbps': 100 * (1 + i % 4)}}
    return res


def _group(name, kind, level):
    return {'type': 'OS::Valet::Group',
            'properties': {'name': name, 'type': kind, 'level': level}}


def parse(resources, inventory):
    return plan_request.parse_plan(resources, flavors=inventory.flavors,
                                   known_groups={}, project_id='bench')


def quality_instance(seed):
    """A small random datacenter and stack (<= 160 hosts, <= 24 servers)
    with every rule type and pipes; returns (inventory, resources)."""
    rng = random.Random(seed)
    racks = rng.randint(3, 8)
    per_rack = rng.randint(6, 20)
    inventory = inv.Inventory(name='q%d' % seed, flavors=dict(FLAVORS))
    inventory.zones['nova'] = inv.Zone('nova')
    sizes = [(16, 32768), (24, 49152), (32, 65536)]
    for r in range(1, racks + 1):
        rack = 'r%02d' % r
        inventory.racks[rack] = inv.Rack(rack, 'nova',
                                         rng.choice([5000, 10000, 40000]))
        for h in range(1, per_rack + 1):
            name = '%sh%02d' % (rack, h)
            vcpus, ram = rng.choice(sizes)
            inventory.hosts[name] = inv.Host(
                name, 'nova', rack, vcpus=vcpus, memory_mb=ram, disk_gb=1000,
                nic_mbps=rng.choice([2000, 10000]))
            if rng.random() < 0.75:
                fill = rng.uniform(0.3, 0.95)
                for i in range(int(fill * ram / 4096)):
                    inventory.servers.append(inv.Server(
                        '%s-bg%d' % (name, i), name, 'm1.medium', 2, 4096,
                        40))
    servers = rng.randint(8, 24)
    flavors = ['m1.small', 'm1.medium', 'm1.large']
    res = {}
    kinds = [('hdiv', 'diversity', 'host'), ('raff', 'affinity', 'rack'),
             ('hexc', 'exclusivity', 'host'), ('rdiv', 'diversity', 'rack'),
             ('haff', 'affinity', 'host')]
    members = {}
    keys = ['s%02d' % i for i in range(servers)]
    order = list(keys)
    rng.shuffle(order)
    cut = 0
    for name, kind, level in kinds:
        count = {'hdiv': rng.randint(2, max(2, servers // 3)),
                 'raff': rng.randint(2, 5), 'hexc': 2,
                 'rdiv': min(3, racks), 'haff': 2}[name]
        if cut + count > len(order):
            break
        members[name] = order[cut:cut + count]
        cut += count
        res[name] = _group('%s-%d' % (name, seed), kind, level)
    group_of = {k: name for name, ks in members.items() for k in ks}
    for key in keys:
        props = {'flavor': rng.choice(flavors)}
        if key in group_of:
            props['metadata'] = {'valet': {
                'groups': ['%s-%d' % (group_of[key], seed)]}}
        res[key] = {'type': 'OS::Nova::Server', 'properties': props}
    edges = set()
    for i in range(1, servers):
        edges.add((keys[rng.randrange(i)], keys[i]))
    for _ in range(servers // 3):
        a, b = rng.sample(keys, 2)
        if (a, b) not in edges and (b, a) not in edges:
            edges.add((a, b))
    for n, (a, b) in enumerate(sorted(edges)):
        res['p%02d' % n] = {'type': 'OS::Valet::Pipe', 'properties': {
            'source': a, 'target': b,
            'bandwidth_mbps': rng.choice([50, 100, 200, 500, 1000])}}
    return inventory, res


def build(inventory, **kwargs):
    return dc_model.Datacenter.build(inventory, **kwargs)


def terms(datacenter, request, hosts, weights=None):
    """Objective terms of an answer given as {server key: host name}, the
    same scoring for Valet and the baselines; None for no answer."""
    if hosts is None:
        return None
    locations = {k: decision_mod.Location(
        'server', k, h, datacenter.hosts[h].rack, datacenter.hosts[h].zone)
        for k, h in hosts.items()}
    return objective.evaluate(datacenter, request, locations,
                              weights=weights)
