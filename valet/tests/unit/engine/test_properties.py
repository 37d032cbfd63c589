"""Property test: random small datacenters and stacks.

Every answer satisfies all rules and capacity -- vCPU, RAM, disk, pools,
host NICs and rack uplinks (recomputed by the checker) -- or the failure
carries a structured reason, or the plan contradicts itself (InvalidPlan).
A second plan reuses the first one's groups, so global groups are
exercised too.  Runs are derandomized: the same examples every time.
"""
from hypothesis import given
from hypothesis import HealthCheck
from hypothesis import settings
from hypothesis import strategies as st

from valet import exception
from valet.engine.optimizer import filters
from valet.engine.optimizer import search
from valet.tests.unit.engine import fixtures as fx

FLAVORS = ('m1.tiny', 'm1.small', 'm1.medium', 'm1.large')
GROUP_KINDS = [('affinity', 'host'), ('affinity', 'rack'),
               ('affinity', 'zone'), ('diversity', 'host'),
               ('diversity', 'rack'), ('diversity', 'zone'),
               ('exclusivity', 'host'), ('exclusivity', 'rack'),
               ('exclusivity', 'zone')]


@st.composite
def datacenters(draw):
    zones = draw(st.integers(1, 2))
    layout = {}
    for z in range(zones):
        racks = draw(st.integers(1, 3))
        layout['z%d' % z] = {'z%dr%d' % (z, r): draw(st.integers(1, 3))
                             for r in range(racks)}
    dc = fx.make_inventory(layout, uplink_mbps=draw(
        st.sampled_from([0, 1000, 40000])))
    overrides = {}
    for name in sorted(dc.hosts):
        overrides[name] = {
            'vcpus': draw(st.sampled_from([2, 4, 8])),
            'memory_mb': draw(st.sampled_from([4096, 8192, 16384])),
            'disk_gb': draw(st.sampled_from([40, 100, 200])),
            'enabled': draw(st.booleans()) or draw(st.booleans()),
            'nic_mbps': draw(st.sampled_from([0, 500, 10000])),
        }
    hosts = sorted(dc.hosts)
    external = draw(st.lists(st.tuples(st.sampled_from(hosts),
                                       st.sampled_from(['m1.tiny'])),
                             max_size=3))
    pools = [('p%s' % rack, zone, rack, draw(st.sampled_from([50, 500])))
             for zone, racks in sorted(layout.items()) for rack in racks]
    return fx.make_dc(layout, host_overrides=overrides, servers=external,
                      pools=pools, uplink_mbps=dc.racks[
                          sorted(dc.racks)[0]].uplink_mbps)


@st.composite
def plans(draw, prefix, zones):
    groups = {'g%d' % i: dict(zip(('type', 'level'),
                                  draw(st.sampled_from(GROUP_KINDS))))
              for i in range(draw(st.integers(0, 3)))}
    resources = {}
    for i in range(draw(st.integers(1, 6))):
        names = draw(st.lists(st.sampled_from(sorted(groups) or ['-']),
                              max_size=2, unique=True)) if groups else []
        zone = draw(st.sampled_from([None] * 3 + list(zones)))
        key = '%s%d' % (prefix, i)
        resources[key] = fx.server(draw(st.sampled_from(FLAVORS)),
                                   groups=names, zone=zone)
        if draw(st.integers(0, 4)) == 0:
            resources[key + 'v'] = {'type': 'OS::Cinder::Volume',
                                    'properties': {'size': 20}}
            resources[key + 'a'] = {
                'type': 'OS::Cinder::VolumeAttachment',
                'properties': {'instance_uuid': key, 'volume_id': key + 'v'}}
    members = sorted(k for k, r in resources.items()
                     if r['type'] in ('OS::Nova::Server',
                                      'OS::Cinder::Volume'))
    for i in range(draw(st.integers(0, 4)) if len(members) > 1 else 0):
        a, b = draw(st.lists(st.sampled_from(members), min_size=2,
                             max_size=2, unique=True))
        resources['%spipe%d' % (prefix, i)] = fx.pipe(
            a, b, draw(st.sampled_from([10, 200, 600])))
    return resources, groups


CODES = set(filters.CODES.values())


def _attempt(dc, resources, groups, known):
    req = fx.plan(dc, resources, groups=groups, known=known)
    before = fx.snapshot(dc)
    try:
        result = search.place(dc, req)
    except exception.PlacementFailed as err:
        reason = err.reason
        assert reason['code'] in CODES
        assert reason['member'] in resources
        assert sum(reason['eliminated'].values()) == reason[
            'hosts_considered']
        if reason['group'] is not None:
            assert reason['type'] and reason['level']
        assert fx.snapshot(dc) == before
        return None
    except exception.InvalidPlan:
        return None
    assert fx.snapshot(dc) == before
    fx.check_decision(dc, req, result)
    assert search.place(dc, req).placements == result.placements
    return result


@settings(max_examples=150, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_random_plans_obey_every_rule(data):
    dc = data.draw(datacenters())
    first, groups = data.draw(plans('a', sorted(dc.zones)))
    result = _attempt(dc, first, groups, {})
    known = {name: dict(spec, name=name, members=[])
             for name, spec in groups.items()}
    if result is not None:
        dc.apply(result)
    second, more = data.draw(plans('b', sorted(dc.zones)))
    more = {name: spec for name, spec in more.items() if name not in known}
    # Reuse the first plan's groups by name: they are global.
    _attempt(dc, second, more, known)
