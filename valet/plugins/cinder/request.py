"""What the Cinder filter asks Valet, read from Cinder's filter
properties (plain dicts; no Cinder import)."""
import dataclasses

from valet.plugins import hints as heat_hints


@dataclasses.dataclass
class VolumeRequest:
    volume_id: str
    size_gb: int
    volume_type: str = None
    availability_zone: str = None
    project_id: str = None
    # The instance the volume is for (Cinder's local_to_instance hint).
    server: str = None
    heat: dict = dataclasses.field(default_factory=dict)

    @property
    def lookup_keys(self):
        return heat_hints.lookup_keys(self.heat)


def _as_dict(value):
    if value is None:
        return {}
    if isinstance(value, dict):
        return value
    # Cinder objects (RequestSpec, VolumeType) behave like mappings.
    to_dict = getattr(value, 'to_dict', None) or getattr(
        value, 'obj_to_primitive', None)
    try:
        return dict(value) if to_dict is None else dict(to_dict())
    except (TypeError, ValueError):
        return {}


def from_filter_properties(props):
    spec = _as_dict(props.get('request_spec'))
    volume = _as_dict(spec.get('volume_properties'))
    vtype = _as_dict(props.get('volume_type') or spec.get('volume_type'))
    size = props.get('size') or volume.get('size') or spec.get('size') or 0
    return VolumeRequest(
        volume_id=spec.get('volume_id') or volume.get('id'),
        size_gb=int(size),
        volume_type=vtype.get('name'),
        availability_zone=(volume.get('availability_zone')
                           or props.get('availability_zone')),
        project_id=volume.get('project_id'),
        server=(props.get('scheduler_hints') or {}).get('local_to_instance'),
        heat=heat_hints.from_scheduler_hints(
            props.get('scheduler_hints') or {}))
