"""A smoke-size run of benchmarks/api.py (RabbitMQ on 127.0.0.1), so it
cannot rot.  Not timed: it checks the table, not the numbers' size."""
import math

from benchmarks import api
from valet.tests import base_services


def test_api_benchmark_smoke(capsys):
    base_services.require_service('rabbitmq')
    rows = api.run(requests=6, clients=(1, 2), warmup=2)
    out = capsys.readouterr().out
    for title in api.COLUMNS:
        assert title in out
    assert 'oslo.messaging ping (RPC floor)' in out
    # The dry-run row also says how many dry runs were in flight.
    workloads = {row[0].split(', ')[0] for row in rows}
    assert {'GET /v1/status', 'GET /v1/plans/{id}',
            'POST /v1/plans (dry run)', 'all'} <= workloads
    assert any(row[0].endswith(' in flight') for row in rows)
    assert {row[1] for row in rows} == {1, 2}
    for row in rows:
        n, http_p50, http_p99 = row[2], row[3], row[4]
        assert n > 0
        assert 0 < http_p50 <= http_p99 and not math.isnan(http_p99)
    # The 1-client "all" row is checked against its targets.
    [all_one] = [r for r in rows if r[0] == 'all' and r[1] == 1]
    assert all_one[-2] == 'p50<=5 p99<=15' and all_one[-1] in ('yes', 'NO')
