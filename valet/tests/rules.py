"""Checks of placement rules on resulting hosts, shared by the test suites.

They look only at the answer (where each member went) and at the datacenter,
never at how the optimizer got there.
"""
import collections
import itertools

LEVEL_KEY = {'host': 'location', 'rack': 'rack', 'zone': 'zone'}


def where(placements, keys, level):
    return [placements[k][LEVEL_KEY[level]] for k in keys]


def assert_affinity(placements, keys, level):
    spots = set(where(placements, keys, level))
    assert len(spots) == 1, 'affinity(%s) broken: %s on %s' % (
        level, sorted(keys), sorted(spots))


def assert_diversity(placements, keys, level):
    spots = where(placements, keys, level)
    for (a, sa), (b, sb) in itertools.combinations(zip(keys, spots), 2):
        assert sa != sb, 'diversity(%s) broken: %s and %s both on %s' % (
            level, a, b, sa)


def assert_exclusive(all_rows, inventory, keys, level):
    """Nothing outside ``keys`` shares a host/rack of theirs: neither other
    Valet placements (``all_rows``) nor servers Valet did not place."""
    col = LEVEL_KEY[level]
    rows = {r['orchestration_id']: r for r in all_rows}
    mine = {rows[k][col] for k in keys}
    for row in all_rows:
        if row['kind'] == 'server' and row['orchestration_id'] not in keys:
            assert row[col] not in mine, 'exclusivity(%s) broken by %s on %s' % (
                level, row['orchestration_id'], row[col])
    for server in inventory.servers:
        host = inventory.hosts[server.host]
        spot = {'host': host.name, 'rack': host.rack, 'zone': host.zone}[level]
        assert spot not in mine, 'exclusivity(%s) broken by external %s' % (
            level, server.id)


def assert_capacity(all_rows, inventory, standby_ratio=0.0):
    """Per host: Valet's placements plus outside servers fit the effective
    capacity (capacity × allocation ratio × (1 − standby))."""
    used = collections.defaultdict(lambda: [0, 0, 0])
    for row in all_rows:
        if row['kind'] == 'server':
            u = used[row['location']]
            u[0] += row['vcpus']
            u[1] += row['memory_mb']
            u[2] += row['disk_gb']
    for server in inventory.servers:
        u = used[server.host]
        u[0] += server.vcpus
        u[1] += server.memory_mb
        u[2] += server.disk_gb
    keep = 1.0 - standby_ratio
    for name, (vcpus, mem, disk) in used.items():
        h = inventory.hosts[name]
        assert vcpus <= h.vcpus * h.cpu_allocation_ratio * keep, (name, 'vcpus')
        assert mem <= h.memory_mb * h.ram_allocation_ratio * keep, (name, 'ram')
        assert disk <= h.disk_gb * h.disk_allocation_ratio * keep, (name, 'disk')


def assert_pool_capacity(all_rows, inventory):
    used = collections.Counter()
    for row in all_rows:
        if row['kind'] == 'volume':
            used[row['location']] += row['disk_gb']
    for name, size in used.items():
        assert size <= inventory.pools[name].capacity_gb, name
