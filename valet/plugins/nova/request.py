"""What the Nova filter asks Valet, read from a Nova ``RequestSpec``.

Pure attribute reading, no Nova import: the main test suite runs it on
stand-ins, the nova tox environment on real RequestSpecs.
"""
import dataclasses

from valet.plugins import groups as valet_groups
from valet.plugins import hints as heat_hints

# Nova marks a rebuild with this internal hint (nova.scheduler.utils).
CHECK_TYPE = '_nova_check_type'


@dataclasses.dataclass
class ServerRequest:
    instance_uuid: str
    project_id: str = None
    flavor: dict = None
    availability_zone: str = None
    heat: dict = dataclasses.field(default_factory=dict)
    move: str = None          # 'rebuild' or 'move' (resize/migrate/evacuate)
    # Group specs from the flavor and the hints; the server metadata is
    # read only for an ad-hoc placement (it costs Nova a DB query).
    specs: list = dataclasses.field(default_factory=list)
    metadata_loader: object = None

    @property
    def lookup_keys(self):
        return heat_hints.lookup_keys(self.heat)

    def groups(self):
        """The server's ``valet`` groups (metadata, flavor, hints)."""
        metadata = self.metadata_loader() if self.metadata_loader else {}
        return valet_groups.group_names(
            (metadata or {}).get(heat_hints.VALET), *self.specs)


def field(obj, name, default=None):
    """A Nova object's field if set (unset fields raise on access)."""
    if obj is None:
        return default
    is_set = getattr(obj, 'obj_attr_is_set', None)
    if is_set is not None:
        try:
            if not is_set(name):
                return default
        except AttributeError:       # not a field of this object version
            return default
    value = getattr(obj, name, default)
    return default if value is None else value


def flavor_dict(flavor):
    """The flavor as Valet's plan format knows it ({name, vcpus, ram,
    disk, extra_specs}); disk is root plus ephemeral, as Nova claims it."""
    if flavor is None:
        return None
    return {
        'name': field(flavor, 'name'),
        'vcpus': field(flavor, 'vcpus', 0),
        'ram': field(flavor, 'memory_mb', 0),
        'disk': field(flavor, 'root_gb', 0) + field(flavor, 'ephemeral_gb', 0),
        'extra_specs': dict(field(flavor, 'extra_specs', {}) or {}),
    }


def move_kind(spec_obj):
    """'rebuild', 'move' or None (a first boot).

    Nova has no single "this is a move" flag: a rebuild carries the
    internal check-type hint; cold/live migration, resize and evacuate
    carry ``ignore_hosts`` (the source, or hosts already tried).
    """
    hints = field(spec_obj, 'scheduler_hints', {}) or {}
    check = hints.get(CHECK_TYPE)
    if check:
        return 'rebuild' if list(check) == ['rebuild'] else 'move'
    if field(spec_obj, 'ignore_hosts'):
        return 'move'
    return None


def from_spec(spec_obj, metadata_loader=None):
    """A :class:`ServerRequest` from a RequestSpec; ``metadata_loader()``
    returns the server's metadata, which the RequestSpec does not carry."""
    hints = field(spec_obj, 'scheduler_hints', {}) or {}
    flavor = field(spec_obj, 'flavor')
    extra_specs = field(flavor, 'extra_specs', {}) or {}
    return ServerRequest(
        instance_uuid=field(spec_obj, 'instance_uuid'),
        project_id=field(spec_obj, 'project_id'),
        flavor=flavor_dict(flavor),
        availability_zone=field(spec_obj, 'availability_zone'),
        heat=heat_hints.from_scheduler_hints(hints),
        move=move_kind(spec_obj),
        specs=[extra_specs.get(heat_hints.VALET), hints.get(heat_hints.VALET)],
        metadata_loader=metadata_loader)
