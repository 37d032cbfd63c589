"""What a collector reports about the datacenter: plain, validated records.

The file collector (``loader.py``) builds an :class:`Inventory`; the DB layer
stores it (``valet.db.inventory``); the in-memory model (``datacenter.py``)
is built from it plus the usage the DB records.  Sizes are integers in MB/GB,
bandwidth in Mbit/s.
"""
import dataclasses


@dataclasses.dataclass
class Zone:
    name: str


@dataclasses.dataclass
class Rack:
    name: str
    zone: str
    uplink_mbps: int = 0          # 0: no uplink limit known


@dataclasses.dataclass
class Host:
    name: str
    zone: str
    rack: str
    vcpus: int
    memory_mb: int
    disk_gb: int
    nic_mbps: int = 0             # 0: no NIC limit known
    cpu_allocation_ratio: float = 1.0
    ram_allocation_ratio: float = 1.0
    disk_allocation_ratio: float = 1.0
    enabled: bool = True
    aggregates: list = dataclasses.field(default_factory=list)
    # Merged metadata of the host's aggregates (for extra-spec matching).
    metadata: dict = dataclasses.field(default_factory=dict)
    # Ratio kinds ('cpu', 'ram', 'disk') that came from no explicit source
    # (neither the datacenter file nor aggregate metadata): the model may
    # replace them with the configured defaults.  Empty: all explicit.
    default_ratios: list = dataclasses.field(default_factory=list)
    # Placement traits of the host's resource provider (nova collector).
    traits: list = dataclasses.field(default_factory=list)
    # Placement usages {resource class: used}, every consumer included
    # (Valet's own servers too): for reconciliation, not for capacity.
    placement_usages: dict = dataclasses.field(default_factory=dict)


@dataclasses.dataclass
class Pool:
    """A Cinder backend pool (``host@backend#pool``) that volumes go to."""
    name: str
    zone: str
    capacity_gb: int
    rack: str = None
    volume_types: list = dataclasses.field(default_factory=list)  # []: any
    # What the backend reports free right now (cinder collector), for
    # reconciliation; capacity_gb is what Valet may place in total.
    free_capacity_gb: int = None


@dataclasses.dataclass
class Flavor:
    name: str
    vcpus: int
    ram: int                      # MB, as Nova names it
    disk: int                     # GB
    extra_specs: dict = dataclasses.field(default_factory=dict)


@dataclasses.dataclass
class Aggregate:
    name: str
    hosts: list
    metadata: dict = dataclasses.field(default_factory=dict)


@dataclasses.dataclass
class Server:
    """A server Valet did not place; it uses capacity on its host."""
    id: str
    host: str
    flavor: str
    vcpus: int
    memory_mb: int
    disk_gb: int
    project: str = None


BUILTIN_FLAVORS = (
    Flavor('m1.tiny', 1, 512, 1),
    Flavor('m1.small', 1, 2048, 20),
    Flavor('m1.medium', 2, 4096, 40),
    Flavor('m1.large', 4, 8192, 80),
    Flavor('m1.xlarge', 8, 16384, 160),
)


@dataclasses.dataclass
class Inventory:
    name: str
    zones: dict = dataclasses.field(default_factory=dict)       # name -> Zone
    racks: dict = dataclasses.field(default_factory=dict)       # name -> Rack
    hosts: dict = dataclasses.field(default_factory=dict)       # name -> Host
    pools: dict = dataclasses.field(default_factory=dict)       # name -> Pool
    flavors: dict = dataclasses.field(default_factory=dict)     # name -> Flavor
    aggregates: dict = dataclasses.field(default_factory=dict)  # name -> Aggregate
    servers: list = dataclasses.field(default_factory=list)     # [Server]

    def external_usage(self):
        """Per host: (vcpus, memory_mb, disk_gb) used by servers not Valet's."""
        usage = {}
        for server in self.servers:
            v, m, d = usage.get(server.host, (0, 0, 0))
            usage[server.host] = (v + server.vcpus, m + server.memory_mb,
                                  d + server.disk_gb)
        return usage

    def drop_servers(self, server_ids):
        """Forget the given servers (Valet placed them: its own usage)."""
        ids = set(server_ids)
        self.servers = [s for s in self.servers if s.id not in ids]
        return self
