"""One Heat stack level → the ``resources`` of a Valet plan (DESIGN §4).

Works on Heat's Stack and Resource objects through their public
attributes only (``stack.resources``, ``resource.type()``,
``resource.properties``, ``resource.uuid``...), so the main test suite can
run it on stand-ins and the heat tox environment on real stacks.

Members are keyed by their Heat resource uuid (Heat stores resources, and
so their uuids, before the create pre-op); a resource that a stack update
adds has no uuid yet and is keyed by root stack id + path + name, which
the filters also try (``valet.plugins.hints``).  Nested stacks
(``type: child.yaml``) are plans of their own: Heat calls the plugin for
each of them.
"""
import logging

from valet.plugins import hints as heat_hints

LOG = logging.getLogger(__name__)

SERVER = 'OS::Nova::Server'
VOLUME = 'OS::Cinder::Volume'
ATTACHMENT = 'OS::Cinder::VolumeAttachment'
GROUP = 'OS::Valet::Group'
ASSIGNMENT = 'OS::Valet::GroupAssignment'
PIPE = 'OS::Valet::Pipe'
# Valet 1.0 names (etc/valet/heat/valet-1.0.yaml maps them onto ours).
LEGACY = {'ATT::Valet::GroupAssignment': ASSIGNMENT,
          'ATT::Valet::Pipe': PIPE}

# The properties Valet reads, per type, and which of them name other
# resources of the stack (translated to orchestration ids).
PROPERTIES = {
    SERVER: ('name', 'flavor', 'availability_zone', 'metadata',
             'scheduler_hints'),
    VOLUME: ('name', 'size', 'volume_type', 'availability_zone'),
    ATTACHMENT: ('instance_uuid', 'volume_id'),
    GROUP: ('name', 'type', 'level', 'description', 'members'),
    ASSIGNMENT: ('group', 'resources', 'group_name', 'group_type', 'level'),
    PIPE: ('source', 'target', 'bandwidth'),
}
REFERENCES = {
    ATTACHMENT: ('instance_uuid', 'volume_id'),
    ASSIGNMENT: ('group', 'resources'),
    PIPE: ('source', 'target'),
}
MEMBERS = (SERVER, VOLUME)


def resource_type(resource):
    """The Valet-relevant type of a Heat resource (legacy names mapped)."""
    kind = resource.type()
    return LEGACY.get(kind, kind)


def stack_hints(stack):
    """The Heat scheduler hints shared by every member of ``stack`` (what
    Heat itself sends with ``stack_scheduler_hints = True``)."""
    path = []
    for parent, name in stack.path_in_stack():
        path.append(','.join([parent, name]) if parent else name)
    return {heat_hints.ROOT_STACK_ID: stack.root_stack_id(),
            heat_hints.STACK_ID: stack.id,
            heat_hints.STACK_NAME: stack.name,
            heat_hints.PATH_IN_STACK: path}


def orchestration_id(resource, hints):
    """The key of ``resource`` in the plan (see the module docstring)."""
    if getattr(resource, 'uuid', None):
        return resource.uuid
    return heat_hints.path_key(hints[heat_hints.ROOT_STACK_ID],
                               hints[heat_hints.PATH_IN_STACK], resource.name)


def _properties(resource, names):
    """Resolved property values; one that cannot be resolved before
    creation is left out (the engine then names it if it needs it)."""
    values = {}
    for name in names:
        try:
            value = resource.properties.get(name)
        except Exception as e:    # Heat raises many kinds here
            LOG.debug('Valet: %s.%s not resolvable yet: %s',
                      resource.name, name, e)
            continue
        if value is not None:
            values[name] = value
    return values


def _translate(value, refs):
    if isinstance(value, list):
        return [_translate(v, refs) for v in value]
    if isinstance(value, str):
        return refs.get(value, value)
    return value


def _member_metadata(hints, resource, key):
    meta = dict(hints)
    meta[heat_hints.RESOURCE_NAME] = resource.name
    if getattr(resource, 'uuid', None):
        meta[heat_hints.RESOURCE_UUID] = resource.uuid
    if key != meta.get(heat_hints.RESOURCE_UUID):
        meta['valet_key'] = key
    return meta


def plan_resources(stack, keys_from=None):
    """Plan ``resources`` for the Valet-relevant resources of ``stack``.

    ``keys_from``: another Stack whose resources of the same name keep
    their orchestration id (an update: the existing stack).
    """
    hints = stack_hints(keys_from or stack)
    kept = {}
    if keys_from is not None:
        for name, res in keys_from.resources.items():
            kept[name] = orchestration_id(res, hints)
    selected, refs = {}, {}
    for name, res in sorted(stack.resources.items()):
        kind = resource_type(res)
        if kind not in PROPERTIES:
            continue
        key = kept.get(name) or orchestration_id(res, hints)
        selected[key] = (res, kind)
        # References resolve to the name before creation, to the physical
        # id after (during updates).
        refs[name] = key
        physical = getattr(res, 'resource_id', None)
        if physical and kind in MEMBERS:
            refs[str(physical)] = key
        old = keys_from.resources.get(name) if keys_from else None
        if old is not None and getattr(old, 'resource_id', None):
            refs.setdefault(str(old.resource_id), key)
    plan = {}
    for key, (res, kind) in selected.items():
        props = _properties(res, PROPERTIES[kind])
        for field in REFERENCES.get(kind, ()):
            if field in props:
                props[field] = _translate(props[field], refs)
        if kind == PIPE and 'bandwidth' in props:
            props['bandwidth_mbps'] = props.pop('bandwidth')
        entry = {'name': res.name, 'type': kind, 'properties': props}
        if kind in MEMBERS:
            meta = _member_metadata(hints, res, key)
            entry['metadata'] = meta
            if kind == SERVER:
                # Placement metadata is read from the server's metadata
                # (DESIGN §4 placements are filterable on it).
                server_meta = dict(props.get('metadata') or {})
                for k, v in meta.items():
                    server_meta.setdefault(k, v)
                props['metadata'] = server_meta
        plan[key] = entry
    return plan
