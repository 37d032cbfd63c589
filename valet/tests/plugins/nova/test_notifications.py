"""Nova's own notification classes and notifier drive a running engine
(``tox -e nova``; RabbitMQ on 127.0.0.1)."""
import os
import uuid

import oslo_messaging as messaging
from oslo_messaging.notify import notifier as oslo_notifier
import pytest

from nova import rpc as nova_rpc

from valet import context as valet_context
from valet.db import placements as db_placements
from valet.tests.plugins.nova import helpers
from valet.tests.plugins.nova import notification_payloads as payloads
from valet.tests.unit.engine.notifications import helpers as samples

RABBIT_URL = samples.RABBIT_URL
VM_A = 'a0e1b6a8-1a8e-4c1e-9d51-6c0e6b7e1a01'
VM_B = 'b0e1b6a8-1a8e-4c1e-9d51-6c0e6b7e1a02'


def _emitting(topic):
    """Nova's notifier (nova.rpc.NOTIFIER) on RabbitMQ, versioned only."""
    conf = helpers.nova_conf()
    conf.register_opts(messaging.transport._transport_opts)
    conf.register_opts(oslo_notifier._notifier_opts,
                       group='oslo_messaging_notifications')
    overrides = ((None, 'transport_url', RABBIT_URL),
                 ('oslo_messaging_notifications', 'driver', ['messagingv2']),
                 ('notifications', 'notification_format', 'versioned'),
                 ('notifications', 'versioned_notifications_topics', [topic]))
    for group, name, value in overrides:
        conf.set_override(name, value, group=group)
    nova_rpc.init(conf)
    return conf, overrides


def test_nova_classes_build_the_stored_samples():
    _conf, overrides = _emitting('unused')
    try:
        built = payloads.samples()
    finally:
        _stop_emitting(_conf, overrides)
    names = sorted(n[:-5] for n in os.listdir(samples.SAMPLES))
    assert sorted(built) == names
    for name in names:
        # Regenerate with notification_payloads.main after a Nova bump.
        assert built[name] == samples.sample(name), name


def _stop_emitting(conf, overrides):
    nova_rpc.cleanup()
    for group, name, _value in overrides:
        conf.clear_override(name, group=group)


@pytest.fixture
def engine(tmp_path):
    topic = 'valet-nova-notifications-%s' % uuid.uuid4().hex
    with samples.listening_engine(tmp_path, topic) as service:
        nova_conf, overrides = _emitting(topic)
        try:
            yield service
        finally:
            _stop_emitting(nova_conf, overrides)


def test_nova_emitted_notifications_drive_the_engine(engine):
    manager = engine.manager
    ctx = valet_context.RequestContext(project_id='p1', roles=['admin'],
                                       request_id='req-%s' % uuid.uuid4())
    plan = manager.create_plan(ctx, 'p', 'stack-n', {
        'a': samples.server('m1.small')})
    planned = plan['placements']['a']['location']
    row = db_placements.list_placements(manager.db, ctx,
                                        {'stack_id': 'stack-n'})[0]
    manager.reserve(ctx, None, orchestration_id=row['id'],
                    instance_uuid=VM_A)
    other = next(h for h in sorted(manager.datacenter.hosts)
                 if h != planned)
    nova_ctx = payloads.context()
    large = payloads.flavor('m1.large', 4, 8192, 80)
    for notification in (
            payloads.instance_notification(
                'instance.create.end', payloads.instance(VM_A, planned)),
            payloads.instance_notification(
                'instance.create.end',
                payloads.instance(VM_B, other, large)),
            payloads.service_notification(other, disabled=True,
                                          reason='maintenance')):
        notification.emit(nova_ctx)
    samples.wait_applied(engine, 3)

    dc = manager.datacenter
    assert dc.hosts[other].vcpus_used == 4 and dc.hosts[other].members == 1
    assert dc.hosts[other].enabled is False
    admin = valet_context.get_admin_context()
    confirmed = db_placements.get_placement(manager.db, admin, VM_A)
    assert confirmed['reserved'] and confirmed['location'] == planned
    assert confirmed['metadata']['nova_host'] == planned
    unplanned = db_placements.get_placement(manager.db, admin, VM_B)
    assert (unplanned['location'], unplanned['vcpus']) == (other, 4)
    # Nova live-migrates the planned server to the disabled host.
    payloads.instance_notification(
        'instance.live_migration_post.end',
        payloads.instance(VM_A, other)).emit(nova_ctx)
    samples.wait_applied(engine, 4)
    reasons = {i['resource_id']: i['reasons']
               for i in manager.invalid_placements(admin)}
    assert reasons[VM_A] == ['host_disabled', 'moved_by_nova']
