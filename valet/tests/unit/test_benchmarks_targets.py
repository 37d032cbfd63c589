"""Smoke-size runs of the quality and memory benchmarks (not timed).

The quality run uses the cached optima of ``benchmarks/data/optima.json``
only (OR-Tools is an optional extra, never needed here).
"""
from benchmarks import baselines
from benchmarks import exact
from benchmarks import memory
from benchmarks import quality
from benchmarks import scenarios


def test_quality_smoke_uses_cached_optima(capsys):
    cache = exact.load_cache()
    assert len(cache) >= 20, 'optima cache missing: python -m ' \
        'benchmarks.quality'
    rows = quality.run(seeds=[1, 2, 3], solve_missing=False)
    out = capsys.readouterr().out
    assert 'Valet' in out and 'greedy' in out and 'Nova' in out
    for row in rows:
        # The cache matches today's instances, and Valet never fails
        # where the exact solver found a solution.
        assert row['status'] != 'not solved'
        if row['optimum'] is not None:
            assert row['valet'] is not None
            assert row['valet'] >= row['optimum'] - 1e-6


def test_cached_optima_obey_every_rule():
    cache = exact.load_cache()
    for seed in (1, 2, 3):
        entry = cache['q%d' % seed]
        datacenter, request = quality.instance(seed)
        assert entry['fingerprint'] == exact.fingerprint(datacenter, request)
        assert baselines.broken_rules(datacenter, request,
                                      entry['hosts']) == 0
        assert quality._value(datacenter, request, entry['hosts']) == (
            entry['objective'])


def test_baselines_answer_or_say_no_host():
    inventory = scenarios.make_inventory(3, 4, 0.5)
    datacenter = scenarios.build(inventory)
    request = scenarios.parse(scenarios.stack(8, 't'), inventory)
    greedy = baselines.ostro_greedy(datacenter, request)
    assert greedy is None or baselines.broken_rules(
        datacenter, request, greedy) == 0
    nova = baselines.nova_style(datacenter, request)
    assert nova is None or set(nova) == set(request.servers)


def test_memory_smoke(capsys):
    rows = memory.run(racks=4, hosts_per_rack=5, placed=(100, 400), runs=2,
                      subprocesses=False)
    assert [r['placed'] for r in rows] == [100, 400]
    assert 'decision cost growth' in capsys.readouterr().out
