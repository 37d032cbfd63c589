"""A smoke-size run of every benchmark, so they cannot rot. Not timed."""
from benchmarks import decision


def test_decision_benchmark_smoke(capsys):
    rows = decision.run(racks=3, hosts_per_rack=5, fill=0.5, servers=8,
                        runs=2, api_runs=1)
    out = capsys.readouterr().out
    assert 'Valet (Ostro)' in out and 'Nova-style' in out
    by_name = {row[0]: row for row in rows}
    # Valet's answers keep every group rule, on the model and via the API.
    assert by_name['Valet (Ostro)'][3] == 0
    assert by_name['Valet, whole API path (10x20 example)'][3] == 0
    assert all(len(row[1]) >= 1 for row in rows)
