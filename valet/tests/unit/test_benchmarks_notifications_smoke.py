"""A smoke-size run of the notification benchmark, so it cannot rot.
Not timed."""
from benchmarks import notifications


def test_notifications_benchmark_smoke(capsys):
    rows, counts = notifications.run(racks=2, hosts_per_rack=4, fill=0.5, servers=4,
                             decisions=2, rate=300)
    out = capsys.readouterr().out
    assert 'decisions alone' in out and 'notifications/s' in out
    alone, busy = rows
    assert alone[1] is None and len(alone[3]) == len(alone[4]) == 2
    # Notifications were offered and every one was applied.
    assert busy[1] > 0 and busy[2] > 0
    assert counts['sent'] == counts['applied'] > 0 and counts['failed'] == 0
    assert len(busy[3]) == len(busy[4]) == 2
