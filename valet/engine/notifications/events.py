"""Nova versioned notification payloads -> small immutable records.

Only the fields Valet uses are read, so newer payload versions (which
only add fields) parse the same.  Canonical samples of every payload
consumed are in valet/tests/unit/engine/notifications/samples/.
"""
import dataclasses

DATA = 'nova_object.data'

# Instance events after which the instance runs on ``payload.host`` with
# ``payload.flavor``.  live_migration_post.end is sent by the source, whose
# instance record may still name the source host: the *_dest.end event
# (from the destination) then carries the new host; both are idempotent.
OBSERVED = frozenset((
    'instance.create.end',
    'instance.resize_confirm.end',
    'instance.resize_revert.end',
    'instance.rebuild.end',
    'instance.evacuate',
    'instance.live_migration_post.end',
    'instance.live_migration_post_dest.end',
))
DELETED = frozenset(('instance.delete.end',))
INSTANCE_EVENTS = OBSERVED | DELETED

COMPUTE_BINARY = 'nova-compute'


class PayloadError(ValueError):
    """A payload without what its event type promises."""


@dataclasses.dataclass(frozen=True)
class InstanceEvent:
    event_type: str
    uuid: str
    host: str = None
    name: str = None
    project_id: str = None
    flavor: str = None
    vcpus: int = 0
    memory_mb: int = 0
    disk_gb: int = 0
    zone: str = None

    @property
    def deleted(self):
        return self.event_type in DELETED

    @property
    def resources(self):
        return (self.vcpus, self.memory_mb, self.disk_gb)


@dataclasses.dataclass(frozen=True)
class ServiceEvent:
    event_type: str
    host: str
    enabled: bool
    reason: str = None


@dataclasses.dataclass(frozen=True)
class AggregateEvent:
    event_type: str
    name: str
    hosts: tuple = ()
    metadata: tuple = ()          # sorted (key, value) pairs: hashable
    deleted: bool = False

    @property
    def metadata_dict(self):
        return dict(self.metadata)


def _data(payload):
    data = payload.get(DATA) if isinstance(payload, dict) else None
    if not isinstance(data, dict):
        raise PayloadError('not a versioned notification payload')
    return data


def instance_event(event_type, payload):
    data = _data(payload)
    uuid = data.get('uuid')
    if not uuid:
        raise PayloadError('%s without an instance uuid' % event_type)
    if event_type in DELETED:
        return InstanceEvent(event_type, uuid, host=data.get('host'))
    if not data.get('host'):
        raise PayloadError('%s of %s without a host' % (event_type, uuid))
    flavor = (data.get('flavor') or {}).get(DATA) or {}
    return InstanceEvent(
        event_type, uuid, host=data['host'],
        name=data.get('display_name'), project_id=data.get('tenant_id'),
        flavor=flavor.get('name'), vcpus=int(flavor.get('vcpus') or 0),
        memory_mb=int(flavor.get('memory_mb') or 0),
        # What Nova claims in Placement as DISK_GB: root + ephemeral.
        disk_gb=int(flavor.get('root_gb') or 0)
        + int(flavor.get('ephemeral_gb') or 0),
        zone=data.get('availability_zone'))


def service_event(event_type, payload):
    """None for services other than nova-compute."""
    data = _data(payload)
    if data.get('binary') != COMPUTE_BINARY or not data.get('host'):
        return None
    if event_type == 'service.delete':
        return ServiceEvent(event_type, data['host'], False, 'deleted')
    disabled = bool(data.get('disabled'))
    down = bool(data.get('forced_down'))
    reason = ('forced_down' if down else
              (data.get('disabled_reason') or 'disabled') if disabled
              else None)
    return ServiceEvent(event_type, data['host'], not (disabled or down),
                        reason)


def aggregate_event(event_type, payload):
    data = _data(payload)
    if not data.get('name'):
        raise PayloadError('%s without an aggregate name' % event_type)
    metadata = {str(k): str(v) for k, v in (data.get('metadata') or {}).items()}
    return AggregateEvent(
        event_type, data['name'], tuple(sorted(data.get('hosts') or ())),
        tuple(sorted(metadata.items())),
        deleted=event_type == 'aggregate.delete.end')
