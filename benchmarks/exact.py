"""The exact optimum with OR-Tools CP-SAT (the ``bench`` extra), cached.

The model has every hard rule the quality instances use (capacity, host
NICs, rack uplinks, host/rack affinity and diversity, host exclusivity)
and the objective of ``valet.engine.optimizer.objective``: Σ bandwidth ×
distance + 50 × newly opened hosts.  Optima are cached in
``benchmarks/data/optima.json`` keyed by instance and a hash of its data,
so the test suite and runs without OR-Tools reuse them.
"""
import hashlib
import json
import os

from valet.engine.model import groups as rules

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'data')
CACHE = os.path.join(DATA, 'optima.json')
NEW_HOST_WEIGHT = 50


def fingerprint(datacenter, request):
    """A hash of everything the optimum depends on."""
    hosts = sorted((h.name, h.rack, h.zone, h.free_vcpus, h.free_memory_mb,
                    h.free_disk_gb, h.nic_mbps - h.nic_used_mbps,
                    h.members + h.external, h.enabled)
                   for h in datacenter.hosts.values())
    racks = sorted((r.name, r.uplink_mbps) for r in datacenter.racks.values())
    servers = sorted((s.key, s.vcpus, s.memory_mb, s.disk_gb,
                      tuple(sorted(s.groups)))
                     for s in request.servers.values())
    groups = sorted((g.name, g.type, g.level) for g in request.groups.values())
    pipes = sorted((p.source, p.target, p.bandwidth_mbps)
                   for p in request.pipes)
    text = json.dumps([hosts, racks, servers, groups, pipes])
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def load_cache(path=CACHE):
    try:
        with open(path) as stream:
            return json.load(stream)
    except FileNotFoundError:
        return {}


def save_cache(cache, path=CACHE):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'w') as stream:
        json.dump(cache, stream, indent=1, sort_keys=True)
        stream.write('\n')


def solve(datacenter, request, time_limit=60.0, workers=2):
    """{'status': OPTIMAL|FEASIBLE|INFEASIBLE|UNKNOWN, 'objective',
    'bound', 'hosts': {key: host}} from CP-SAT."""
    from ortools.sat.python import cp_model
    model = cp_model.CpModel()
    hosts = [h for h in sorted(datacenter.hosts.values(),
                               key=lambda h: h.name) if h.enabled]
    servers = [request.servers[k] for k in sorted(request.servers)]
    exclusive = {s.key: [g for g in s.groups
                         if request.groups[g].type == rules.EXCLUSIVITY]
                 for s in servers}
    x = {}
    for s in servers:
        for h in hosts:
            if (s.vcpus > h.free_vcpus or s.memory_mb > h.free_memory_mb
                    or s.disk_gb > h.free_disk_gb):
                continue
            if exclusive[s.key] and (h.members + h.external):
                continue
            x[s.key, h.name] = model.NewBoolVar('x_%s_%s' % (s.key, h.name))
        model.AddExactlyOne(x[s.key, h.name] for h in hosts
                            if (s.key, h.name) in x)
    racks = sorted({h.rack for h in hosts})
    rack_hosts = {r: [h for h in hosts if h.rack == r] for r in racks}

    def on_host(key, host):
        return x.get((key, host))

    def in_rack(key, rack):
        return sum(x[key, h.name] for h in rack_hosts[rack]
                   if (key, h.name) in x)
    for h in hosts:
        terms = [(s, x[s.key, h.name]) for s in servers
                 if (s.key, h.name) in x]
        if not terms:
            continue
        model.Add(sum(s.vcpus * v for s, v in terms) <= h.free_vcpus)
        model.Add(sum(s.memory_mb * v for s, v in terms) <= h.free_memory_mb)
        model.Add(sum(s.disk_gb * v for s, v in terms) <= h.free_disk_gb)
    for name, group in sorted(request.groups.items()):
        keys = sorted(group.servers)
        if group.level == rules.HOST:
            for h in hosts:
                vars_ = [x[k, h.name] for k in keys if (k, h.name) in x]
                if group.type == rules.DIVERSITY and len(vars_) > 1:
                    model.Add(sum(vars_) <= 1)
                elif group.type == rules.AFFINITY:
                    for k in keys[1:]:
                        a, b = on_host(keys[0], h.name), on_host(k, h.name)
                        model.Add((a if a is not None else 0)
                                  == (b if b is not None else 0))
                elif group.type == rules.EXCLUSIVITY and vars_:
                    used = model.NewBoolVar('u_%s_%s' % (name, h.name))
                    for v in vars_:
                        model.AddImplication(v, used)
                    for s in servers:
                        if s.key not in keys and (s.key, h.name) in x:
                            model.AddImplication(x[s.key, h.name], used.Not())
        elif group.level == rules.RACK:
            for r in racks:
                if group.type == rules.DIVERSITY:
                    model.Add(sum(in_rack(k, r) for k in keys) <= 1)
                elif group.type == rules.AFFINITY:
                    for k in keys[1:]:
                        model.Add(in_rack(keys[0], r) == in_rack(k, r))
    # Pipes: same-host / same-rack indicators, bandwidth and cost.
    cost = []
    nic = {h.name: [] for h in hosts}
    uplink = {r: [] for r in racks}
    for n, pipe in enumerate(request.pipes):
        a, b, bw = pipe.source, pipe.target, pipe.bandwidth_mbps
        same_host, same_rack = [], []
        for h in hosts:
            if (a, h.name) in x and (b, h.name) in x:
                z = model.NewBoolVar('z%d_%s' % (n, h.name))
                model.AddImplication(z, x[a, h.name])
                model.AddImplication(z, x[b, h.name])
                same_host.append(z)
            for key in (a, b):
                if (key, h.name) in x:
                    nic[h.name].append((bw, x[key, h.name]))
            for z in same_host[-1:] if (a, h.name) in x and (
                    b, h.name) in x else ():
                nic[h.name].append((-2 * bw, z))
        for r in racks:
            w = model.NewBoolVar('w%d_%s' % (n, r))
            model.Add(w <= in_rack(a, r))
            model.Add(w <= in_rack(b, r))
            same_rack.append(w)
            uplink[r].append((bw, in_rack(a, r) + in_rack(b, r) - 2 * w))
        sh, sr = sum(same_host), sum(same_rack)
        model.Add(sh <= sr)
        zones = len({h.zone for h in hosts})
        far = 3 if zones > 1 else 2
        cost.append(bw * (far - sr - sh))
    for h in hosts:
        if h.nic_mbps and nic[h.name]:
            model.Add(sum(bw * v for bw, v in nic[h.name])
                      <= h.nic_mbps - h.nic_used_mbps)
    for r in racks:
        rack = datacenter.racks[r]
        if rack.uplink_mbps and uplink[r]:
            model.Add(sum(bw * e for bw, e in uplink[r])
                      <= rack.uplink_mbps - rack.uplink_used_mbps)
    opened = []
    for h in hosts:
        if h.members + h.external:
            continue
        vars_ = [x[s.key, h.name] for s in servers if (s.key, h.name) in x]
        if vars_:
            o = model.NewBoolVar('o_%s' % h.name)
            for v in vars_:
                model.AddImplication(v, o)
            opened.append(o)
    model.Minimize(sum(cost) + NEW_HOST_WEIGHT * sum(opened))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = 1
    status = solver.Solve(model)
    names = {cp_model.OPTIMAL: 'OPTIMAL', cp_model.FEASIBLE: 'FEASIBLE',
             cp_model.INFEASIBLE: 'INFEASIBLE'}
    result = {'status': names.get(status, 'UNKNOWN')}
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        result['objective'] = round(solver.ObjectiveValue(), 6)
        result['bound'] = round(solver.BestObjectiveBound(), 6)
        result['hosts'] = {key: host for (key, host), v in sorted(x.items())
                           if solver.Value(v)}
    return result
