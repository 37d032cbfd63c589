"""A smoke-size run of the warm-start benchmark, so it cannot rot. Not
timed: it checks the table and that the warm model holds every server."""
from benchmarks import warm_start


def test_warm_start_benchmark_smoke():
    lines = []
    result = warm_start.run(racks=3, hosts_per_rack=5, placed=200,
                            out=lines.append)
    text = '\n'.join(lines)
    assert 'EngineManager.start() (warm)' in text
    assert 'placements.load_all (200 rows)' in text
    model = result['model']
    assert len(model.hosts) == 15
    assert sum(h.members for h in model.hosts.values()) == 200
    # Stacks of ten, one host-diversity group each: ten hosts per group.
    assert all(len(units) == 10 for units in model.group_hosts.values())
