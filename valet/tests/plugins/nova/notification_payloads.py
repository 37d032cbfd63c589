"""Nova versioned notifications built with Nova's own classes.

``build(event_type, ...)`` returns the notification object Nova's
compute/API services emit; ``primitive`` is the payload dict as it
crosses the bus.  ``python -m valet.tests.plugins.nova.notification_payloads
DIR`` (in the nova tox env) rewrites the canonical samples the unit tests
use.
"""
import datetime
import json
import os
import sys

from nova import context as nova_context
from nova.network import model as network_model
from nova.notifications.objects import aggregate as aggregate_n
from nova.notifications.objects import base
from nova.notifications.objects import instance as instance_n
from nova.notifications.objects import service as service_n
from nova import objects
from nova.objects import fields

objects.register_all()

WHEN = datetime.datetime(2026, 1, 1, 12, 0, tzinfo=datetime.timezone.utc)
UUID = '178b0921-8f85-4257-88b6-2e743b5a975c'


def context():
    return nova_context.RequestContext(
        user_id='u1', project_id='p1', is_admin=False,
        request_id='req-5b6c791d-5709-4f36-8fbe-c3e02869e35d')


def flavor(name='m1.small', vcpus=1, ram=2048, root=20, ephemeral=0):
    return objects.Flavor(
        id=2, flavorid='2', name=name, vcpus=vcpus, memory_mb=ram,
        root_gb=root, ephemeral_gb=ephemeral, swap=0, rxtx_factor=1.0,
        vcpu_weight=0, disabled=False, is_public=True, extra_specs={},
        projects=[], description=None)


def instance(uuid=UUID, host='r01h01', flavor_=None, name='srv'):
    return objects.Instance(
        context=context(), id=1, uuid=uuid, user_id='u1', project_id='p1',
        reservation_id='r-1', display_name=name, display_description=name,
        hostname=name, host=host, node=host, os_type=None,
        architecture='x86_64', availability_zone='nova',
        image_ref='155d900f-4e14-4e4c-a73d-069cbf4541e6', key_name=None,
        kernel_id='', ramdisk_id='', created_at=WHEN, launched_at=WHEN,
        terminated_at=None, deleted_at=None, updated_at=WHEN,
        vm_state='active', power_state=1, task_state=None, progress=0,
        metadata={}, locked=False, auto_disk_config=False,
        flavor=flavor_ or flavor(), system_metadata={},
        info_cache=objects.InstanceInfoCache(
            network_info=network_model.NetworkInfo([])),
        keypairs=objects.KeyPairList(objects=[]),
        tags=objects.TagList(objects=[]), trusted_certs=None)


def _notification(cls, payload, obj, action, phase, host, source):
    return cls(
        priority=fields.NotificationPriority.INFO,
        publisher=base.NotificationPublisher(host=host, source=source),
        event_type=base.EventType(object=obj, action=action, phase=phase),
        payload=payload)


# event type -> (action, phase) of the instance notifications Valet reads
INSTANCE_ACTIONS = {
    'instance.create.end': ('CREATE', 'END'),
    'instance.delete.end': ('DELETE', 'END'),
    'instance.resize_confirm.end': ('RESIZE_CONFIRM', 'END'),
    'instance.rebuild.end': ('REBUILD', 'END'),
    'instance.evacuate': ('EVACUATE', None),
    'instance.live_migration_post.end': ('LIVE_MIGRATION_POST', 'END'),
}


def instance_notification(event_type, inst):
    action, phase = INSTANCE_ACTIONS[event_type]
    ctx = context()
    bdms = objects.BlockDeviceMappingList(objects=[])
    if event_type == 'instance.create.end':
        cls, payload = (instance_n.InstanceCreateNotification,
                        instance_n.InstanceCreatePayload(ctx, inst, None,
                                                         bdms))
    elif event_type == 'instance.rebuild.end':
        cls, payload = (instance_n.InstanceActionRebuildNotification,
                        instance_n.InstanceActionRebuildPayload(
                            ctx, inst, None, bdms))
    else:
        cls, payload = (instance_n.InstanceActionNotification,
                        instance_n.InstanceActionPayload(ctx, inst, None,
                                                         bdms))
    return _notification(
        cls, payload, 'instance', getattr(fields.NotificationAction, action),
        getattr(fields.NotificationPhase, phase) if phase else None,
        inst.host or 'compute', fields.NotificationSource.COMPUTE)


def service_notification(host='r01h01', disabled=False, forced_down=False,
                         reason=None):
    service = objects.Service(
        id=1, uuid='fa69c544-906b-4a6a-a9c6-c1f7a8078c73', host=host,
        binary='nova-compute', topic='compute', report_count=1,
        disabled=disabled, disabled_reason=reason, availability_zone=None,
        last_seen_up=WHEN, forced_down=forced_down)
    return _notification(
        service_n.ServiceStatusNotification,
        service_n.ServiceStatusPayload(service), 'service',
        fields.NotificationAction.UPDATE, None, host,
        fields.NotificationSource.API)


def aggregate_notification(name='ssd', hosts=('r01h01',), metadata=None,
                           action='UPDATE_METADATA'):
    aggregate = objects.Aggregate(
        id=1, uuid='788608ec-ebdc-45c5-bc7f-e5f24ab92c80', name=name,
        hosts=list(hosts), metadata=dict(metadata or {}))
    return _notification(
        aggregate_n.AggregateNotification,
        aggregate_n.AggregatePayload(aggregate), 'aggregate',
        getattr(fields.NotificationAction, action),
        fields.NotificationPhase.END, 'controller',
        fields.NotificationSource.API)


def message(notification):
    """The notification as it crosses the bus: event type, publisher id
    and the payload primitive."""
    notification.payload.obj_reset_changes(recursive=True)
    return {
        'event_type': notification.event_type
        .to_notification_event_type_field(),
        'priority': 'INFO',
        'publisher_id': '%s:%s' % (notification.publisher.source,
                                   notification.publisher.host),
        'payload': json.loads(json.dumps(
            notification.payload.obj_to_primitive(), default=_text)),
    }


def _text(value):
    if isinstance(value, datetime.datetime):
        return value.strftime('%Y-%m-%dT%H:%M:%SZ')
    return str(value)


def samples():
    """name -> message, the canonical samples."""
    result = {}
    for event_type in INSTANCE_ACTIONS:
        inst = instance()
        result[event_type.replace('.', '-')] = message(
            instance_notification(event_type, inst))
    result['service-update'] = message(service_notification(
        disabled=True, reason='maintenance'))
    result['aggregate-update_metadata-end'] = message(
        aggregate_notification(metadata={'ssd': 'true',
                                         'cpu_allocation_ratio': '2.0'}))
    return result


def main(directory):
    for name, sample in samples().items():
        with open(os.path.join(directory, name + '.json'), 'w') as out:
            json.dump(sample, out, indent=2, sort_keys=True)
            out.write('\n')


if __name__ == '__main__':
    main(sys.argv[1])
