"""What the optimizer answers: where every member of a plan goes."""
import dataclasses

SERVER = 'server'
VOLUME = 'volume'


@dataclasses.dataclass(frozen=True)
class Location:
    """One placed member.  For a volume, ``disk_gb`` is its size."""
    kind: str                      # 'server' or 'volume'
    name: str
    location: str                  # host name, or pool name for a volume
    rack: str
    zone: str
    vcpus: int = 0
    memory_mb: int = 0
    disk_gb: int = 0
    groups: list = dataclasses.field(default_factory=list)
    flavor: str = None

    def as_placement(self, orchestration_id, stack_id=None):
        """The placement dict that Datacenter.build/release take back."""
        return {'orchestration_id': orchestration_id, 'kind': self.kind,
                'name': self.name, 'location': self.location,
                'rack': self.rack, 'zone': self.zone, 'vcpus': self.vcpus,
                'memory_mb': self.memory_mb, 'disk_gb': self.disk_gb,
                'groups': list(self.groups), 'flavor': self.flavor,
                'stack_id': stack_id}


@dataclasses.dataclass
class Decision:
    placements: dict               # orchestration id -> Location
    # Every group the plan uses: name -> {'type', 'level'}; the model
    # learns them in apply() so later plans respect their exclusivity.
    groups: dict = dataclasses.field(default_factory=dict)
    new_groups: list = dataclasses.field(default_factory=list)
    plan_name: str = None
    stack_id: str = None
    # The plan's pipes (dicts: name, source, target, bandwidth_mbps) and
    # what they take: {'hosts': {host: Mbit/s}, 'racks': {rack: Mbit/s}}.
    pipes: list = dataclasses.field(default_factory=list)
    bandwidth: dict = dataclasses.field(default_factory=dict)
    stats: dict = dataclasses.field(default_factory=dict)

    def as_placements(self, stack_id=None):
        stack_id = stack_id if stack_id is not None else self.stack_id
        return [location.as_placement(key, stack_id)
                for key, location in self.placements.items()]

    def hosts(self):
        """{orchestration id: host} of the servers."""
        return {key: loc.location for key, loc in self.placements.items()
                if loc.kind == SERVER}
