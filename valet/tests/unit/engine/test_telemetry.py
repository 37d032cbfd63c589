"""The decision trace: outcomes, phase timings, the one log line, the
counters an engine publishes."""
import logging
import types

import pytest

from valet import context as valet_context
from valet import exception
from valet.engine import telemetry


class Clock:
    """Advances by ``step`` seconds each time it is read."""

    def __init__(self, step=0.01):
        self.now = 100.0
        self.step = step

    def __call__(self):
        self.now += self.step
        return self.now


def _ctx():
    return valet_context.RequestContext(project_id='p1',
                                        request_id='req-1', overwrite=False)


def _decision(members=2):
    return types.SimpleNamespace(
        placements=dict.fromkeys(range(members)),
        stats={'hosts_considered': 19, 'mode': 'pack', 'restarts': 0,
               'backtracks': 3, 'improvement_moves': 1,
               'elapsed_ms': 4.0})


def test_histogram_is_cumulative():
    hist = telemetry.Histogram(buckets=(0.1, 1.0))
    for value in (0.05, 0.1, 0.5, 7.0):
        hist.observe(value)
    assert hist.as_dict() == {'buckets': [0.1, 1.0], 'counts': [2, 3, 4],
                              'sum': 7.65, 'count': 4}


@pytest.mark.parametrize('exc, expected', [
    (exception.PlacementFailed(detail='x', reason={
        'code': 'diversity_unsatisfiable'}),
     ('failed', 'diversity_unsatisfiable')),
    (exception.GenerationConflict(detail='x'),
     ('conflict', 'generation_conflict')),
    (exception.PlanExists(stack_id='s'), ('rejected', 'conflict')),
    (RuntimeError('boom'), ('error', 'RuntimeError')),
])
def test_outcomes(exc, expected):
    assert telemetry.outcome_of(exc) == expected


def test_conflict_then_commit(caplog):
    tel = telemetry.Telemetry('e1', clock=Clock())
    poked = []
    tel.on_decision.append(lambda: poked.append(1))
    writes = iter([exception.GenerationConflict(detail='lost'), 'row'])

    def write(request_row):
        result = next(writes)
        if isinstance(result, Exception):
            raise result
        return result

    def decide(attempt):
        return (write, {}, (), None, _decision()), None

    caplog.set_level(logging.INFO, logger='valet.engine.telemetry')
    with tel.trace(_ctx(), 'create_plan', 'stack-1') as trace:
        traced = trace.wrap(decide)
        for attempt in range(3):
            plan, _ = traced(attempt)
            try:
                assert plan[0]({'request_id': 'req-1'}) == 'row'
                break
            except exception.GenerationConflict:
                continue
    (record,) = caplog.records
    line = record.getMessage()
    assert line.startswith('decision=create_plan request_id=req-1 '
                           'stack_id=stack-1 outcome=ok attempts=2 '
                           'conflicts=1 members=2 hosts_considered=19 ')
    for field in ('mode=pack', 'backtracks=3', 'improvement_moves=1',
                  'wait_ms=', 'decide_ms=', 'search_ms=4.0', 'commit_ms=',
                  'total_ms='):
        assert field in line
    assert poked == [1]
    snap = tel.snapshot()
    assert snap['decisions'] == [{'action': 'create_plan', 'outcome': 'ok',
                                  'count': 1}]
    assert snap['conflicts'] == 1
    assert snap['failures'] == []
    (latency,) = snap['latency']
    assert latency['action'] == 'create_plan' and latency['count'] == 1
    # Two decides and two commits (the fake clock ticks 10 ms per read).
    assert trace.phases['decide'] == pytest.approx(0.02)
    assert trace.phases['commit'] == pytest.approx(0.02)


def test_failure_logs_the_reason(caplog):
    tel = telemetry.Telemetry('e1', clock=Clock())
    reason = {'code': 'diversity_unsatisfiable', 'group': 'web',
              'level': 'rack', 'member': 'web-4', 'hosts_considered': 200,
              'eliminated': {'capacity': 180, 'diversity': 20}}

    def decide(attempt):
        raise exception.PlacementFailed(detail='no', reason=reason)

    caplog.set_level(logging.INFO, logger='valet.engine.telemetry')
    with pytest.raises(exception.PlacementFailed):
        with tel.trace(_ctx(), 'create_plan', 's') as trace:
            trace.wrap(decide)(0)
    (record,) = caplog.records
    line = record.getMessage()
    assert 'outcome=failed code=diversity_unsatisfiable attempts=1' in line
    assert 'hosts_considered=200' in line
    assert line.endswith(
        'reason=web,rack,web-4,capacity:180,diversity:20')
    snap = tel.snapshot()
    assert snap['failures'] == [{'code': 'diversity_unsatisfiable',
                                 'count': 1}]
    assert snap['decisions'][0]['outcome'] == 'failed'


def test_replayed_when_decide_never_runs(caplog):
    tel = telemetry.Telemetry('e1')
    caplog.set_level(logging.INFO, logger='valet.engine.telemetry')
    with tel.trace(_ctx(), 'delete_plan', 's') as trace:
        trace.wrap(lambda attempt: None)
    assert 'outcome=replayed attempts=0' in caplog.records[0].getMessage()
    tel.notification('instance.create.end')
    assert tel.snapshot()['notifications'] == [
        {'event': 'instance.create.end', 'count': 1}]


def test_values_with_spaces_are_quoted():
    assert telemetry._quote('a b="c"') == '"a b=\\"c\\""'
    assert telemetry._quote('') == '""'
    assert telemetry._quote('plain-id') == 'plain-id'
