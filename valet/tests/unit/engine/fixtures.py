"""Helpers for the engine unit tests: small datacenters, plans, a checker.

The checker recomputes every rule from the decision and the model on its
own, so optimizer tests assert relations, not particular hosts.
"""
import copy

import yaml

from valet.engine.model import datacenter
from valet.engine.model import groups as rules
from valet.engine.model import inventory
from valet.engine.model import loader
from valet.engine.model import request


def make_inventory(layout, vcpus=8, memory_mb=16384, disk_gb=200,
                   servers=(), pools=(), host_overrides=None, nic_mbps=0,
                   uplink_mbps=0):
    """``layout``: {zone: {rack: number of hosts}}; hosts are <rack>h<NN>."""
    inv = inventory.Inventory(name='test')
    for zone, racks in layout.items():
        inv.zones[zone] = inventory.Zone(zone)
        for rack, count in racks.items():
            inv.racks[rack] = inventory.Rack(rack, zone, uplink_mbps)
            for i in range(1, count + 1):
                name = '%sh%02d' % (rack, i)
                spec = {'vcpus': vcpus, 'memory_mb': memory_mb,
                        'disk_gb': disk_gb, 'nic_mbps': nic_mbps}
                spec.update((host_overrides or {}).get(name, {}))
                inv.hosts[name] = inventory.Host(
                    name=name, zone=zone, rack=rack, **spec)
    for flavor in inventory.BUILTIN_FLAVORS:
        inv.flavors[flavor.name] = flavor
    for i, (host, flavor_name) in enumerate(servers):
        flavor = inv.flavors[flavor_name]
        inv.servers.append(inventory.Server(
            'ext-%d' % i, host, flavor.name, flavor.vcpus, flavor.ram,
            flavor.disk))
    for name, zone, rack, capacity in pools:
        inv.pools[name] = inventory.Pool(name, zone, capacity, rack)
    return inv


def make_dc(layout, **kwargs):
    build_args = {k: kwargs.pop(k) for k in ('state', 'placements', 'ratios',
                                             'standby_ratio', 'groups')
                  if k in kwargs}
    return datacenter.Datacenter.build(make_inventory(layout, **kwargs),
                                       **build_args)


def small_dc(**kwargs):
    return datacenter.Datacenter.build(
        loader.load_datacenter(loader.default_datacenter_path()), **kwargs)


def pipe(source, target, mbps):
    return {'type': 'OS::Valet::Pipe', 'properties': {
        'source': source, 'target': target, 'bandwidth_mbps': mbps}}


def volume(size, volume_type=None):
    props = {'size': size}
    if volume_type:
        props['volume_type'] = volume_type
    return {'type': 'OS::Cinder::Volume', 'properties': props}


def attach(server_key, volume_key):
    return {'type': 'OS::Cinder::VolumeAttachment', 'properties': {
        'instance_uuid': server_key, 'volume_id': volume_key}}


def server(flavor='m1.small', groups=(), zone=None, **props):
    props = dict(props, flavor=flavor)
    if groups:
        props['metadata'] = {'valet': {'groups': list(groups)}}
    if zone:
        props['availability_zone'] = zone
    return {'type': 'OS::Nova::Server', 'properties': props}


def servers(prefix, count, **kwargs):
    return {'%s-%d' % (prefix, i): server(**kwargs)
            for i in range(1, count + 1)}


def plan(dc, resources, groups=None, known=None, project_id=None):
    return request.parse_plan(resources, flavors=dc.flavors,
                              known_groups=known or {}, groups=groups,
                              project_id=project_id)


def hot_to_resources(path):
    """A tiny HOT reader for the example templates (not the real converter).

    Resolves get_param to defaults and get_resource to resource names, and
    drops nested-template resources (they are separate plans).
    """
    with open(path) as stream:
        template = yaml.safe_load(stream)
    params = {name: spec.get('default')
              for name, spec in (template.get('parameters') or {}).items()}

    def resolve(value):
        if isinstance(value, dict):
            if list(value) == ['get_param']:
                return params[value['get_param']]
            if list(value) == ['get_resource']:
                return value['get_resource']
            return {k: resolve(v) for k, v in value.items()}
        if isinstance(value, list):
            return [resolve(v) for v in value]
        return value

    resources = {}
    for name, spec in template['resources'].items():
        if spec['type'].endswith('.yaml'):
            continue
        resources[name] = {'name': name, 'type': spec['type'],
                           'properties': resolve(spec.get('properties', {}))}
    return resources


def unit_of(location, level):
    return {rules.HOST: location.location, rules.RACK: location.rack,
            rules.ZONE: location.zone}[level]


def check_decision(dc, req, decision):
    """Assert every hard rule and capacity; ``dc`` is the model before."""
    placements = decision.placements
    assert set(placements) == set(req.servers) | set(req.volumes)
    added = {}
    for key, srv in req.servers.items():
        loc = placements[key]
        assert loc.kind == 'server'
        host = dc.hosts[loc.location]
        assert host.enabled, key
        assert (loc.rack, loc.zone) == (host.rack, host.zone)
        assert (loc.vcpus, loc.memory_mb, loc.disk_gb) == (
            srv.vcpus, srv.memory_mb, srv.disk_gb)
        if srv.zone:
            assert host.zone == srv.zone, key
        if srv.host:
            assert host.name == srv.host, key
        total = added.setdefault(host.name, [0, 0, 0, 0])
        for i, value in enumerate((srv.vcpus, srv.memory_mb, srv.disk_gb, 1)):
            total[i] += value
    for name, (v, m, d, _) in added.items():
        host = dc.hosts[name]
        assert host.vcpus_used + v <= host.vcpus, name
        assert host.memory_mb_used + m <= host.memory_mb, name
        assert host.disk_gb_used + d <= host.disk_gb, name
    new = [placements[k] for k in sorted(req.servers)]
    defs = {n: (s['type'], s['level']) for n, s in dc.groups.items()}
    defs.update({n: (s['type'], s['level'])
                 for n, s in decision.groups.items()})
    for name, (kind, level) in defs.items():
        old = dc.group_units(name, level)
        mine = [unit_of(loc, level) for loc in new if name in loc.groups]
        if kind == rules.AFFINITY:
            assert len(set(mine) | set(old)) <= 1, (name, mine, old)
        elif kind == rules.DIVERSITY:
            assert len(mine) == len(set(mine)), (name, mine)
            assert not set(mine) & set(old), (name, mine, old)
        elif kind == rules.EXCLUSIVITY:
            units = set(mine) | set(old)
            for loc in new:
                unit = unit_of(loc, level)
                if unit in units:
                    assert name in loc.groups, (name, loc)
            for unit in set(mine):
                if level == rules.HOST:
                    holder = dc.hosts[unit]
                elif level == rules.RACK:
                    holder = dc.racks[unit]
                else:
                    holder = dc.zones[unit]
                members_there = old.get(unit, 0)
                assert holder.members + holder.external == members_there, (
                    name, unit)
    pool_added = {}
    for key, vol in req.volumes.items():
        loc = placements[key]
        pool = dc.pools[loc.location]
        assert loc.kind == 'volume' and loc.disk_gb == vol.size_gb
        if vol.server:
            assert pool.zone == placements[vol.server].zone
        if vol.volume_type and pool.volume_types:
            assert vol.volume_type in pool.volume_types
        pool_added[pool.name] = pool_added.get(pool.name, 0) + vol.size_gb
    for name, size in pool_added.items():
        pool = dc.pools[name]
        assert pool.used_gb + size <= pool.capacity_gb
    check_bandwidth(dc, req, decision)


def check_bandwidth(dc, req, decision):
    """Pipes fit host NICs and rack uplinks (recomputed here)."""
    spots = {k: (loc.kind, loc.location, loc.rack, loc.zone)
             for k, loc in decision.placements.items()}
    nic, uplink = {}, {}
    for pipe in req.pipes:
        a, b = spots[pipe.source], spots[pipe.target]
        if a[0] == b[0] == 'server' and a[1] == b[1]:
            continue
        for end in (a, b):
            if end[0] == 'server':
                nic[end[1]] = nic.get(end[1], 0) + pipe.bandwidth_mbps
        if a[2] != b[2] or a[2] is None:
            for end in (a, b):
                if end[2] is not None:
                    uplink[end[2]] = uplink.get(end[2], 0) + (
                        pipe.bandwidth_mbps)
    assert decision.bandwidth.get('hosts', {}) == nic
    assert decision.bandwidth.get('racks', {}) == uplink
    for name, mbps in nic.items():
        host = dc.hosts[name]
        if host.nic_mbps:
            assert host.nic_used_mbps + mbps <= host.nic_mbps, name
    for name, mbps in uplink.items():
        rack = dc.racks[name]
        if rack.uplink_mbps:
            assert rack.uplink_used_mbps + mbps <= rack.uplink_mbps, name


def snapshot(dc):
    """Everything place() must leave alone."""
    return copy.deepcopy((
        {n: (h.vcpus_used, h.memory_mb_used, h.disk_gb_used, h.members,
             dict(h.groups), h.generation) for n, h in dc.hosts.items()},
        {n: p.used_gb for n, p in dc.pools.items()},
        dc.group_hosts, dc.group_racks, dc.group_zones, dc.groups))
