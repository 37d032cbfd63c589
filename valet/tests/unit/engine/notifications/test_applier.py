"""The applier batches what the endpoints queue and survives failures."""
import threading

from valet.engine.notifications import applier
from valet.engine.notifications import reconcile
from valet.tests.unit.engine.notifications import helpers as h


def test_batches_are_bounded_and_everything_is_applied():
    batches = []
    gate = threading.Event()

    def apply(batch):
        gate.wait(5)            # let the queue fill up behind the first
        batches.append(list(batch))

    worker = applier.Applier(apply, batch_size=4, batch_interval=0.01)
    worker.start()
    for i in range(10):
        worker.put(i)
    gate.set()
    assert worker.wait(10)
    worker.stop()
    assert [x for b in batches for x in b] == list(range(10))
    assert max(len(b) for b in batches) <= 4
    assert worker.batches == len(batches) >= 3


def test_a_failing_batch_is_logged_and_the_next_applies():
    seen = []

    def apply(batch):
        if batch == ['bad']:
            raise RuntimeError('db down')
        seen.extend(batch)

    worker = applier.Applier(apply, batch_size=1, batch_interval=0)
    worker.start()
    for item in ('bad', 'good'):
        worker.put(item)
    assert worker.wait(10)
    worker.stop()
    assert seen == ['good'] and worker.failures == 1


def test_endpoints_parse_the_samples_and_coalesce():
    queued = h.parse([
        h.instance('instance.create.end', 'vm-1', 'r01h01',
                   ('m1.large', 4, 8192, 80)),
        h.instance('instance.evacuate', 'vm-1', 'r02h01'),
        h.instance('instance.delete.end', 'vm-2', 'r01h02'),
        h.service('r01h03', disabled=True),
        h.aggregate('fast', ['r02h01'], {'fast': 'true'}),
        dict(h.service('r01h03'), event_type='instance.power_off.end'),
    ])
    assert len(queued) == 5
    create = queued[0]
    assert (create.uuid, create.host, create.resources) == (
        'vm-1', 'r01h01', (4, 8192, 80))
    instances, services, aggregates = reconcile.coalesce(queued)
    assert instances['vm-1'].event_type == 'instance.evacuate'
    assert instances['vm-1'].host == 'r02h01'
    assert instances['vm-2'].deleted
    assert services['r01h03'].enabled is False
    assert services['r01h03'].reason == 'maintenance'
    assert aggregates[0].metadata_dict == {'fast': 'true'}
