"""Nova's notifications over a real RabbitMQ to a running EngineService."""
import uuid

from oslo_config import cfg
import oslo_messaging as messaging
import pytest

from valet import context as valet_context
from valet.db import inventory as db_inventory
from valet.db import placements as db_placements
from valet.db import reconciliation as db_rec
from valet.tests.unit.engine.notifications import helpers as h

RABBIT_URL = h.RABBIT_URL


def nova_notifier(topic):
    """What nova-compute / nova-api notify with: the ``nova`` control
    exchange, the messagingv2 driver."""
    conf = cfg.ConfigOpts()
    conf([], project='nova-side', default_config_files=[])
    conf.register_opts(messaging.transport._transport_opts)
    conf.set_override('control_exchange', 'nova')
    transport = messaging.get_notification_transport(conf, url=RABBIT_URL)
    return transport, messaging.Notifier(transport, driver='messagingv2',
                                         topics=[topic])


@pytest.fixture
def engine(tmp_path):
    topic = 'valet-test-notifications-%s' % uuid.uuid4().hex
    with h.listening_engine(tmp_path, topic, engine_id='notified') as service:
        nova_transport, notifier = nova_notifier(topic)
        try:
            yield service, notifier
        finally:
            nova_transport.cleanup()


def send(notifier, *messages):
    ctxt = {'request_id': 'req-1', 'project_id': 'p1', 'user_id': 'u1'}
    for message in messages:
        notifier.prepare(publisher_id=message['publisher_id']).info(
            ctxt, message['event_type'], message['payload'])


def test_nova_notifications_over_rabbitmq_reconcile_model_and_db(engine):
    service, notifier = engine
    manager = service.manager
    ctx = valet_context.RequestContext(project_id='p1', roles=['admin'],
                                       request_id='req-%s' % uuid.uuid4())
    plan = manager.create_plan(ctx, 'p', 'stack-1', {'a': h.server()})
    planned = plan['placements']['a']['location']
    row = db_placements.list_placements(manager.db, ctx,
                                        {'stack_id': 'stack-1'})[0]
    manager.reserve(ctx, None, orchestration_id=row['id'],
                    instance_uuid='vm-planned')
    other = next(n for n in sorted(manager.datacenter.hosts) if n != planned)
    down = next(n for n in sorted(manager.datacenter.hosts)
                if n not in (planned, other))

    send(notifier,
         h.instance('instance.create.end', 'vm-planned', other,
                    ('m1.small', 1, 2048, 20)),
         h.instance('instance.create.end', 'vm-other', other,
                    ('m1.large', 4, 8192, 80)),
         h.service(down, disabled=True),
         # Not consumed: filtered out by the endpoints.
         dict(h.service(down), event_type='instance.power_off.end'))
    h.wait_applied(service, 3)

    dc = manager.datacenter
    assert dc.hosts[planned].vcpus_used == 0
    assert dc.hosts[other].vcpus_used == 5 and dc.hosts[other].members == 2
    assert dc.hosts[down].enabled is False
    admin = valet_context.get_admin_context()
    state = db_inventory.load_state(manager.db, admin)['hosts']
    assert state[other]['vcpus_used'] == 5 and state[planned][
        'vcpus_used'] == 0
    assert state[down]['enabled'] is False
    moved = db_placements.get_placement(manager.db, admin, 'vm-planned')
    assert moved['location'] == other
    assert moved['metadata']['moved_by_nova']['planned'] == planned
    unplanned = db_placements.get_placement(manager.db, admin, 'vm-other')
    assert unplanned['metadata']['unplanned'] is True
    reasons = {i['resource_id']: i['reasons']
               for i in manager.invalid_placements(admin)}
    assert reasons == {'vm-planned': ['moved_by_nova']}
    logged = sorted(e['kind'] for e in db_rec.list_events(manager.db, admin)
                    if not e['kind'].startswith('inventory.'))
    assert logged == ['host.disabled', 'instance.moved',
                      'instance.unplanned']
