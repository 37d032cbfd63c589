"""Plan resources (DESIGN §4) -> a :class:`PlanRequest` the optimizer reads.

The parser resolves flavors, availability zones, volume attachments and
group references (server metadata, flavor extra specs, scheduler hints,
``OS::Valet::Group`` and the group-assignment resources of Valet 1.0), and
checks what the plan alone can tell: every group is defined, types and
levels are valid and agree with the DB, nesting follows DESIGN §5.2, and the
project may use each group.  Anything the optimizer cannot honour yet is
rejected with :class:`~valet.exception.NotSupported`, never ignored.  Every
error names the resource and the field.
"""
import dataclasses
import json

from valet import exception
from valet.engine.model import groups as rules

SERVER = 'OS::Nova::Server'
VOLUME = 'OS::Cinder::Volume'
ATTACHMENT = 'OS::Cinder::VolumeAttachment'
GROUP = 'OS::Valet::Group'
ASSIGNMENTS = ('OS::Valet::GroupAssignment', 'ATT::Valet::GroupAssignment')
PIPE = 'OS::Valet::Pipe'
# Valet-specific types this optimizer does not implement yet.
UNSUPPORTED = {}
VALET_PREFIXES = ('OS::Valet::', 'ATT::Valet::')


@dataclasses.dataclass
class ServerRequest:
    key: str                       # orchestration id
    name: str
    vcpus: int
    memory_mb: int
    disk_gb: int
    flavor: str = None             # None when given as a size dict
    zone: str = None               # availability zone
    host: str = None               # forced host ("zone:host")
    groups: list = dataclasses.field(default_factory=list)
    metadata: dict = dataclasses.field(default_factory=dict)
    extra_specs: dict = dataclasses.field(default_factory=dict)
    volumes: list = dataclasses.field(default_factory=list)  # attached keys
    # Set by the engine for replans: the only hosts allowed (None: any),
    # hosts never allowed, and where the member was before (to prefer it).
    candidates: frozenset = None
    excluded: frozenset = frozenset()
    previous: str = None


@dataclasses.dataclass
class VolumeRequest:
    key: str
    name: str
    size_gb: int
    volume_type: str = None
    zone: str = None
    server: str = None             # key of the server it is attached to
    candidates: frozenset = None   # pools allowed (None: any)
    previous: str = None


@dataclasses.dataclass
class PipeRequest:
    """Bandwidth between two members (servers or volumes) of the plan."""
    key: str
    name: str
    source: str
    target: str
    bandwidth_mbps: int

    def as_dict(self):
        return {'name': self.name, 'source': self.source,
                'target': self.target, 'bandwidth_mbps': self.bandwidth_mbps}


@dataclasses.dataclass
class GroupRequest:
    name: str
    type: str
    level: str
    description: str = ''
    members: list = dataclasses.field(default_factory=list)  # project ids
    new: bool = False              # defined by this plan, not in the DB yet
    source: str = None             # where the plan defines it
    servers: list = dataclasses.field(default_factory=list)  # keys here
    children: list = dataclasses.field(default_factory=list)  # nested groups


@dataclasses.dataclass
class PlanRequest:
    servers: dict                  # key -> ServerRequest
    volumes: dict                  # key -> VolumeRequest
    groups: dict                   # name -> GroupRequest (referenced/defined)
    plan_name: str = None
    stack_id: str = None
    project_id: str = None
    # Every known exclusivity group (name -> level), named by the plan or
    # not: no member of this plan may land on the hosts/racks they own.
    known_exclusive: dict = dataclasses.field(default_factory=dict)
    pipes: list = dataclasses.field(default_factory=list)   # PipeRequest
    # Members of the plan that stay where they are (update, reserve,
    # migrate): key -> Location; pipes to them count from there.
    fixed: dict = dataclasses.field(default_factory=dict)

    @property
    def new_groups(self):
        """Groups this plan defines that the engine must store."""
        return [g for g in self.groups.values() if g.new]


def parse_plan(resources, *, flavors, known_groups, groups=None,
               plan_name=None, stack_id=None, project_id=None):
    """Parse plan ``resources`` (keyed by orchestration id).

    ``flavors``: {name: inventory.Flavor or {vcpus, ram, disk,
    extra_specs}}; ``known_groups``: the DB's groups {name: {name, type,
    level, members}}; ``groups``: groups the caller defines for this plan
    {name: {type, level, description}}.
    """
    parser = _Parser(flavors or {},
                     {} if known_groups is None else known_groups, project_id)
    return parser.parse(resources, groups or {}, plan_name, stack_id)


def _fail(where, message, cls=exception.InvalidPlan):
    raise cls(detail='%s: %s' % (where, message))


def _ref(value):
    """A reference to another resource: its key, or {get_resource: key}."""
    if isinstance(value, dict) and len(value) == 1:
        value = value.get('get_resource', value.get('Ref'))
    return value if isinstance(value, str) and value else None


def _field(props, name, where, kinds, required=False):
    value = props.get(name)
    if value is None:
        if required:
            _fail('%s.%s' % (where, name), 'required')
        return None
    if not isinstance(value, kinds) or isinstance(value, bool):
        _fail('%s.%s' % (where, name), '%r has the wrong type' % (value,))
    return value


def _positive(value, where, minimum=1):
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
        kind = 'a positive' if minimum else 'a non-negative'
        _fail(where, '%r is not %s integer' % (value, kind))
    return value


def _valet_spec(value, where):
    """``metadata.valet`` and friends: a dict or its JSON text."""
    if value is None:
        return {}
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError as err:
            _fail(where, 'not valid JSON (%s)' % err)
    if not isinstance(value, dict):
        _fail(where, 'must be a mapping, not %r' % (value,))
    return value


def _group_names(value, where):
    if value is None:
        return []
    if isinstance(value, str):
        value = [v.strip() for v in value.split(',') if v.strip()]
    if not isinstance(value, list) or not all(
            isinstance(v, str) and v for v in value):
        _fail(where, 'must be a list of group names, not %r' % (value,))
    return value


class _Parser:

    def __init__(self, flavors, known_groups, project_id):
        self.flavors = flavors
        self.known = known_groups
        self.project_id = project_id
        self.groups = {}           # name -> GroupRequest
        self.group_keys = {}       # OS::Valet::Group / assignment key -> name
        self.group_resources = {}  # OS::Valet::Group key -> name
        self.legacy = set()        # Valet 1.0 assignments defining a group
        self.parents = {}          # group name -> {parent group names}
        self.direct = {}           # server key -> {group name: where}
        self.servers = {}
        self.volumes = {}

    def parse(self, resources, caller_groups, plan_name, stack_id):
        if not isinstance(resources, dict):
            _fail('resources', 'must be a mapping of orchestration ids')
        typed = self._types(resources)
        self._prefetch_groups(resources, typed, caller_groups)
        for name in sorted(caller_groups):
            self._define_caller_group(name, caller_groups[name])
        by_type = {}
        for key in sorted(typed):
            by_type.setdefault(typed[key], []).append(key)
        for key in by_type.get(GROUP, ()):
            self._define_group_resource(key, resources[key])
        for kind in ASSIGNMENTS:
            for key in by_type.get(kind, ()):
                self._define_assignment_group(key, resources[key])
        for key in by_type.get(SERVER, ()):
            self._server(key, resources[key])
        for key in by_type.get(VOLUME, ()):
            self._volume(key, resources[key])
        for key in by_type.get(ATTACHMENT, ()):
            self._attachment(key, resources[key], typed)
        for kind in ASSIGNMENTS:
            for key in by_type.get(kind, ()):
                self._assignment(key, resources[key], typed)
        pipes = [self._pipe(key, resources[key], typed)
                 for key in by_type.get(PIPE, ())]
        self._resolve_membership()
        known_exclusive = {
            name: group.get('level') for name, group in sorted(
                self.known.items())
            if group.get('type') == rules.EXCLUSIVITY
            and group.get('level') in rules.LEVELS}
        return PlanRequest(servers=self.servers, volumes=self.volumes,
                           groups=self.groups, plan_name=plan_name,
                           stack_id=stack_id, project_id=self.project_id,
                           known_exclusive=known_exclusive, pipes=pipes)

    # -- resource types ---------------------------------------------------
    def _types(self, resources):
        typed = {}
        for key in sorted(resources):
            resource = resources[key]
            where = 'resources.%s' % key
            if not isinstance(resource, dict):
                _fail(where, 'must be a mapping')
            kind = resource.get('type')
            if not isinstance(kind, str) or not kind:
                _fail(where + '.type', 'required')
            props = resource.get('properties') or {}
            if not isinstance(props, dict):
                _fail(where + '.properties', 'must be a mapping')
            if kind in UNSUPPORTED:
                _fail(where + '.type', '%s: %s' % (kind, UNSUPPORTED[kind]),
                      exception.NotSupported)
            if kind in (SERVER, VOLUME, ATTACHMENT, GROUP, PIPE) + ASSIGNMENTS:
                typed[key] = kind
            elif kind.startswith(VALET_PREFIXES):
                _fail(where + '.type', 'unknown Valet resource type %s' % kind,
                      exception.NotSupported)
            # Anything else (networks, ports, ...) needs no placement.
        return typed

    # -- group definitions ------------------------------------------------
    def _prefetch_groups(self, resources, typed, caller_groups):
        """Hand the names of the groups the plan defines to a
        ``known_groups`` that can look several up at once (the engine's
        reads the DB): one read instead of one per group."""
        prefetch = getattr(self.known, 'prefetch', None)
        if prefetch is None:
            return
        names = list(caller_groups)
        for key, kind in typed.items():
            props = resources[key].get('properties') or {}
            if kind == GROUP:
                names.append(props.get('name') or key)
            elif kind in ASSIGNMENTS and ('group_type' in props
                                          or 'group_name' in props):
                names.append(props.get('group_name') or key)
        # Malformed names are left to the parse, which explains them.
        prefetch([name for name in names if isinstance(name, str)])

    def _new_group(self, name, kind, level, where, description='',
                   members=None):
        if kind not in rules.GROUP_TYPES:
            _fail(where + '.type', '%r is not one of %s'
                  % (kind, ', '.join(rules.GROUP_TYPES)), exception.InvalidGroup)
        if level not in rules.LEVELS:
            _fail(where + '.level', '%r is not one of %s'
                  % (level, ', '.join(rules.LEVELS)), exception.InvalidGroup)
        if members is not None and not (isinstance(members, list) and all(
                isinstance(m, str) for m in members)):
            _fail(where + '.members', 'must be a list of project ids')
        known = self.known.get(name)
        if known is not None and (known.get('type'), known.get('level')) != (
                kind, level):
            _fail(where, 'group %r already exists as %s at %s level, not %s '
                  'at %s level' % (name, known.get('type'), known.get('level'),
                                   kind, level), exception.InvalidGroup)
        defined = self.groups.get(name)
        if defined is not None:
            if (defined.type, defined.level) != (kind, level):
                _fail(where, 'group %r is also defined at %s as %s at %s level'
                      % (name, defined.source, defined.type, defined.level),
                      exception.InvalidGroup)
            return defined
        if known is not None:
            # The DB's membership is authoritative: a plan cannot widen it.
            members = known.get('members') or []
        group = GroupRequest(
            name=name, type=kind, level=level, description=description or '',
            members=list(members or []), new=known is None, source=where)
        self.groups[name] = group
        return group

    def _define_caller_group(self, name, spec):
        where = 'groups.%s' % name
        if not isinstance(spec, dict):
            _fail(where, 'must be a mapping')
        self._new_group(name, spec.get('type'), spec.get('level'), where,
                        spec.get('description'), spec.get('members'))

    def _define_group_resource(self, key, resource):
        where = 'resources.%s.properties' % key
        props = resource.get('properties') or {}
        name = _field(props, 'name', where, str) or key
        self._new_group(name, _field(props, 'type', where, str, True),
                        _field(props, 'level', where, str, True), where,
                        _field(props, 'description', where, str),
                        props.get('members'))
        self.group_keys[key] = name
        self.group_resources[key] = name

    def _define_assignment_group(self, key, resource):
        """Valet 1.0: group_type/group_name/level on the assignment."""
        where = 'resources.%s.properties' % key
        props = resource.get('properties') or {}
        if 'group_type' in props or 'group_name' in props:
            if 'group' in props:
                _fail(where + '.group', 'give either group or group_name/'
                      'group_type/level, not both')
            name = _field(props, 'group_name', where, str) or key
            self._new_group(name, _field(props, 'group_type', where, str, True),
                            _field(props, 'level', where, str, True), where,
                            _field(props, 'description', where, str))
            self.group_keys[key] = name
            self.legacy.add(key)
        else:
            # Known now so other assignments can nest this one; checked
            # when the assignment itself is parsed.
            ref = _ref(props.get('group'))
            if ref is not None:
                self.group_keys[key] = self._name_of(ref)

    def _name_of(self, value):
        """A group name, else the key of an OS::Valet::Group resource."""
        if value in self.groups or value in self.known:
            return value
        return self.group_resources.get(value, value)

    def _reference(self, value, where):
        """A group reference: a group name or an OS::Valet::Group key."""
        name = self._name_of(value)
        group = self.groups.get(name)
        if group is None:
            known = self.known.get(name)
            if known is None:
                _fail(where, 'unknown group %r (define it with OS::Valet::Group '
                      'or the groups API)' % (value,))
            group = GroupRequest(
                name=name, type=known.get('type'), level=known.get('level'),
                description=known.get('description') or '',
                members=list(known.get('members') or []), new=False,
                source=None)
            if group.type not in rules.GROUP_TYPES or (
                    group.level not in rules.LEVELS):
                _fail(where, 'group %r has an unknown type or level' % name,
                      exception.InvalidGroup)
            self.groups[name] = group
        self._check_usable(group, where)
        return group

    def _check_usable(self, group, where):
        if (group.members and self.project_id is not None
                and self.project_id not in group.members):
            _fail(where, 'project %s is not a member of group %r'
                  % (self.project_id, group.name), exception.InvalidGroup)

    # -- servers and volumes ----------------------------------------------
    def _flavor(self, value, where):
        if isinstance(value, dict):
            sizes = {}
            for field, aliases, minimum in (('vcpus', (), 1),
                                            ('ram', ('memory_mb',), 1),
                                            ('disk', ('disk_gb',), 0)):
                names = (field,) + aliases
                found = [n for n in names if n in value]
                if not found:
                    _fail('%s.%s' % (where, field), 'required')
                sizes[field] = _positive(value[found[0]], '%s.%s' % (
                    where, found[0]), minimum)
            extra = value.get('extra_specs') or {}
            return None, sizes['vcpus'], sizes['ram'], sizes['disk'], extra
        if not isinstance(value, str) or not value:
            _fail(where, 'a flavor name or {vcpus, ram, disk} is required')
        flavor = self.flavors.get(value)
        if flavor is None:
            _fail(where, 'unknown flavor %r' % value)
        get = (flavor.get if isinstance(flavor, dict)
               else lambda n, d=None: getattr(flavor, n, d))
        return (value, get('vcpus'), get('ram'), get('disk'),
                dict(get('extra_specs') or {}))

    def _zone(self, props, where):
        """``zone`` or ``zone:host`` (Nova's forced host) -> (zone, host)."""
        value = _field(props, 'availability_zone', where, str)
        if not value:
            return None, None
        zone, _, host = value.partition(':')
        host = host.split(':')[0]
        return zone or None, host or None

    def _server(self, key, resource):
        where = 'resources.%s.properties' % key
        props = resource.get('properties') or {}
        flavor, vcpus, ram, disk, extra = self._flavor(
            props.get('flavor'), where + '.flavor')
        zone, host = self._zone(props, where)
        metadata = props.get('metadata') or {}
        if not isinstance(metadata, dict):
            _fail(where + '.metadata', 'must be a mapping')
        refs = {}
        sources = (
            (metadata.get('valet'), where + '.metadata.valet'),
            (extra.get('valet'), where + '.flavor.extra_specs.valet'),
            ((props.get('scheduler_hints') or {}).get('valet'),
             where + '.scheduler_hints.valet'))
        for value, spec_where in sources:
            spec = _valet_spec(value, spec_where)
            names = _group_names(spec.get('groups'), spec_where + '.groups')
            for name in names:
                group = self._reference(name, spec_where + '.groups')
                refs.setdefault(group.name, spec_where + '.groups')
        self.direct[key] = refs
        name = props.get('name') or resource.get('name') or key
        self.servers[key] = ServerRequest(
            key=key, name=str(name), vcpus=vcpus, memory_mb=ram, disk_gb=disk,
            flavor=flavor, zone=zone, host=host,
            metadata={k: v for k, v in metadata.items() if k != 'valet'},
            extra_specs={k: v for k, v in extra.items() if k != 'valet'})

    def _volume(self, key, resource):
        where = 'resources.%s.properties' % key
        props = resource.get('properties') or {}
        if props.get('size') is None:
            _fail(where + '.size', 'required')
        size = _positive(props.get('size'), where + '.size')
        zone, host = self._zone(props, where)
        if host:
            _fail(where + '.availability_zone', 'a volume cannot force a host')
        name = props.get('name') or resource.get('name') or key
        self.volumes[key] = VolumeRequest(
            key=key, name=str(name), size_gb=size,
            volume_type=_field(props, 'volume_type', where, str), zone=zone)

    def _attachment(self, key, resource, typed):
        where = 'resources.%s.properties' % key
        props = resource.get('properties') or {}
        server = self._plan_ref(props.get('instance_uuid'),
                                where + '.instance_uuid', typed, SERVER)
        volume = self._plan_ref(props.get('volume_id'), where + '.volume_id',
                                typed, VOLUME)
        attached = self.volumes[volume]
        if attached.server not in (None, server):
            _fail(where + '.volume_id', 'volume %r is already attached to %r; '
                  'multi-attach is not supported yet'
                  % (volume, attached.server), exception.NotSupported)
        attached.server = server
        if volume not in self.servers[server].volumes:
            self.servers[server].volumes.append(volume)

    def _plan_ref(self, value, where, typed, kind):
        ref = _ref(value)
        kinds = kind if isinstance(kind, tuple) else (kind,)
        if ref is None:
            _fail(where, 'required: the key of a %s of this plan'
                  % ' or '.join(kinds))
        if ref not in typed:
            _fail(where, '%r is not a resource of this plan; references to '
                  'existing servers or volumes are not supported yet' % ref,
                  exception.NotSupported)
        if typed[ref] not in kinds:
            _fail(where, '%r is a %s, not a %s' % (ref, typed[ref],
                                                   ' or '.join(kinds)))
        return ref

    def _pipe(self, key, resource, typed):
        """OS::Valet::Pipe: bandwidth between two servers/volumes."""
        where = 'resources.%s.properties' % key
        props = resource.get('properties') or {}
        ends = []
        for field in ('source', 'target'):
            ends.append(self._plan_ref(props.get(field), '%s.%s' % (
                where, field), typed, (SERVER, VOLUME)))
        if ends[0] == ends[1]:
            _fail(where + '.target', 'a pipe joins two different members')
        value = props.get('bandwidth_mbps')
        if value is None:
            _fail(where + '.bandwidth_mbps', 'required')
        mbps = _positive(value, where + '.bandwidth_mbps')
        name = props.get('name') or resource.get('name') or key
        return PipeRequest(key=key, name=str(name), source=ends[0],
                           target=ends[1], bandwidth_mbps=mbps)

    # -- group assignments and nesting ------------------------------------
    def _assignment(self, key, resource, typed):
        where = 'resources.%s.properties' % key
        props = resource.get('properties') or {}
        if key in self.legacy:                # Valet 1.0 style
            group = self._reference(self.group_keys[key], where + '.group_name')
        else:
            ref = _ref(props.get('group'))
            if ref is None:
                _fail(where + '.group', 'required: a group name or the key of '
                      'an OS::Valet::Group resource')
            group = self._reference(ref, where + '.group')
        members = props.get('resources')
        if not isinstance(members, list) or not members:
            _fail(where + '.resources', 'must be a non-empty list of '
                  'resource keys')
        for i, value in enumerate(members):
            item = '%s.resources[%d]' % (where, i)
            ref = _ref(value)
            kind = typed.get(ref)
            if ref is None or (kind is None and ref not in self.group_keys):
                _fail(item, 'unknown resource %r' % (value,))
            if kind == SERVER:
                self.direct[ref].setdefault(group.name, item)
            elif kind == VOLUME:
                _fail(item, 'volume %r: volumes in groups are not supported '
                      'yet' % ref, exception.NotSupported)
            elif ref in self.group_keys:
                child = self._reference(self.group_keys[ref], item)
                self._nest(group, child, item)
            else:
                _fail(item, '%r is a %s, not a server or a group' % (ref, kind))

    def _nest(self, parent, child, where):
        """DESIGN §5.2 nesting rules for an explicit group-in-group.

        Allowed: anything in an affinity group, an affinity group in an
        exclusivity group (every server below is then a member of it).
        Each forbidden shape gets its own message.
        """
        if child.name == parent.name:
            _fail(where, 'group %r cannot contain itself' % parent.name)
        if rules.LEVEL_RANK[child.level] > rules.LEVEL_RANK[parent.level]:
            _fail(where, '%s group %r (level %s) cannot be nested in %s '
                  'group %r (level %s): a child\'s level may not be higher '
                  'than its parent\'s' % (
                      child.type, child.name, child.level, parent.type,
                      parent.name, parent.level))
        if {parent.type, child.type} == {rules.DIVERSITY, rules.EXCLUSIVITY}:
            _fail(where, 'diversity and exclusivity groups may not contain '
                  'each other (%r in %r)' % (child.name, parent.name))
        if parent.type == child.type != rules.AFFINITY:
            _fail(where, '%s groups may not contain other %s groups (%r '
                  'in %r): list the servers in one group instead' % (
                      parent.type, child.type, child.name, parent.name))
        if parent.type == rules.DIVERSITY:
            # Diversity between whole affinity units needs a membership
            # that is not inherited; every server would be pairwise diverse.
            _fail(where, 'affinity group %r in diversity group %r: '
                  'diversity between nested groups is not supported yet; '
                  'put the diversity group inside the affinity group or '
                  'list servers' % (child.name, parent.name),
                  exception.NotSupported)
        if child.name not in parent.children:
            parent.children.append(child.name)
        self.parents.setdefault(child.name, set()).add(parent.name)
        self._ancestors(child.name, where)       # rejects cycles early

    def _ancestors(self, name, where):
        seen, todo = set(), list(self.parents.get(name, ()))
        while todo:
            parent = todo.pop()
            if parent == name:
                _fail(where, 'group nesting forms a cycle through %r' % name)
            if parent not in seen:
                seen.add(parent)
                todo.extend(self.parents.get(parent, ()))
        return seen

    def _resolve_membership(self):
        for key, refs in self.direct.items():
            names = set(refs)
            for name in list(names):
                names |= self._ancestors(name, 'groups.%s' % name)
            self.servers[key].groups = sorted(names)
            for name in self.servers[key].groups:
                self.groups[name].servers.append(key)
