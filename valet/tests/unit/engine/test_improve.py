"""The improvement phase and the search's shortcuts on seeded instances."""
import pytest

from benchmarks import baselines
from benchmarks import quality
from valet.engine.optimizer import framework
from valet.engine.optimizer import search
from valet.engine.optimizer.plugins import filters

UNBOUNDED = 1e6     # ms: the improvement stops on its passes, not the clock


def _answer(seed, budget_ms=UNBOUNDED):
    datacenter, request = quality.instance(seed)
    profile = framework.load(improve_budget_ms=budget_ms)
    hosts = search.place(datacenter, request, profile=profile).hosts()
    return datacenter, request, hosts


@pytest.mark.parametrize('seed', [3, 8, 11])
def test_improved_answers_obey_rules_and_repeat(seed):
    datacenter, request, hosts = _answer(seed)
    assert baselines.broken_rules(datacenter, request, hosts) == 0
    assert _answer(seed)[2] == hosts


@pytest.mark.parametrize('seed', [3, 8, 14])
def test_improvement_never_worse_than_no_improvement(seed):
    datacenter, request, hosts = _answer(seed)
    profile = framework.load(improve_passes=0)
    plain = search.place(datacenter, request, profile=profile).hosts()
    assert quality._value(datacenter, request, hosts) <= quality._value(
        datacenter, request, plain)


@pytest.mark.parametrize('seed', [1, 8, 21])
def test_bandwidth_fast_path_agrees_with_exact_demand(seed):
    """The fast path only accepts hosts the exact NIC/uplink check accepts
    (checked on every host for every bundle, after a greedy run)."""
    datacenter, request = quality.instance(seed)
    profile = framework.load(improve_budget_ms=UNBOUNDED)
    defs = search.group_definitions(datacenter, request)
    clusters = search.structure.build(request, defs, None)
    s = search.Search(datacenter, request, defs, profile, 0)
    s.index_bundles(clusters)
    s.run(search.initial_order(clusters, defs))    # complete or not
    rule = filters.Bandwidth()
    for cluster in clusters:
        for bundle in cluster.host_bundles:
            if not bundle.pipes:
                continue
            for host in s.all_hosts:
                fast = rule.check(host, bundle, s)
                hosts, racks = s.pipe_demand(bundle, host)
                exact_ok = all(
                    s.overlay.nic_free(datacenter.hosts[n]) >= m
                    for n, m in hosts.items()) and all(
                    s.overlay.uplink_free(datacenter.racks[n]) >= m
                    for n, m in racks.items())
                assert (fast is None) == exact_ok
