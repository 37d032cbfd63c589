"""A smoke-size run of benchmarks/telemetry.py, so it cannot rot. Not
timed."""
from benchmarks import telemetry


def test_telemetry_benchmark_smoke(capsys):
    samples, trace_us, beat_ms, renders = telemetry.run(
        decisions=4, engines=(1, 3), trace_runs=50)
    out = capsys.readouterr().out
    assert 'with telemetry' in out and 'without (baseline)' in out
    assert {name: len(v) for name, v in samples.items()} == {
        'with telemetry': 2, 'without (baseline)': 2}
    assert trace_us > 0 and beat_ms > 0
    assert sorted(renders) == [1, 3]


def test_benchmark_rows_render_as_metrics():
    """The synthetic rows the benchmark scrapes are what engines write:
    the collector accepts them and counts 3 outcomes of 8 actions."""
    from prometheus_client import parser
    import prometheus_client

    from valet.api.handlers import metrics
    rows = telemetry._rows(2)
    registry = prometheus_client.CollectorRegistry(auto_describe=False)
    registry.register(metrics.EnginesCollector(rows, 0, 10))
    text = prometheus_client.generate_latest(registry).decode()
    decisions = [s for f in parser.text_string_to_metric_families(text)
                 for s in f.samples if s.name == 'valet_decisions_total']
    assert len(decisions) == 2 * 8 * 3
    assert all(s.value == 1 for s in decisions)
