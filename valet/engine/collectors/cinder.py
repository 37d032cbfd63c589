"""The ``cinder`` collector: backend pools that volumes go to (DESIGN §5.1).

From Cinder (``[cinder]`` options): the pools with their capacity
(``GET /scheduler-stats/get_pools?detail=True``), the ``cinder-volume``
services (zone, enabled/up: a disabled or down backend's pools are left
out) and the volume types (``volume_backend_name`` extra spec: which types
a pool serves).  A pool's rack comes from the topology file's ``pools``
(``[inventory] datacenter_file``), else the host-name convention of its
backend host; else it has none.
"""
import logging

from valet.engine import collectors
from valet.engine.collectors import sdk
from valet.engine.model import inventory as inv
from valet.engine.model import loader
from valet.engine.model import naming

LOG = logging.getLogger(__name__)
NAME = 'cinder'
VOLUME_BINARY = 'cinder-volume'
DEFAULT_ZONE = 'nova'       # Cinder's storage_availability_zone default
BACKEND_NAME = 'volume_backend_name'


class CinderCollector(collectors.Collector):

    def collect(self):
        conn = sdk.connect(self.conf, 'cinder', 'block-storage', NAME)
        with sdk.reading(NAME, 'volume services'):
            services = {s.host: s for s in conn.block_storage.services()
                        if s.binary == VOLUME_BINARY}
        with sdk.reading(NAME, 'volume types'):
            types = list(conn.block_storage.types())
        with sdk.reading(NAME, 'backend pools'):
            pools = list(conn.block_storage.backend_pools())
        topology = self._topology()
        result = inv.Inventory(name=None)
        for pool in sorted(pools, key=lambda p: p.name):
            record = _pool(pool, services, types, topology)
            if record is not None:
                result.pools[record.name] = record
                result.zones.setdefault(record.zone, inv.Zone(record.zone))
        return result

    def _topology(self):
        path = self.conf.inventory.datacenter_file
        if not path:
            return {}
        return loader.load_datacenter(path).pools


def _pool(pool, services, types, topology):
    caps = pool.capabilities or {}
    backend = pool.name.split('#', 1)[0]            # host@backend
    service = services.get(backend)
    if service is not None and (service.status != 'enabled'
                                or service.state != 'up'):
        LOG.info('cinder collector: backend %s is %s/%s; its pool %s is '
                 'left out', backend, service.status, service.state,
                 pool.name)
        return None
    capacity = _capacity(caps)
    if capacity is None:
        LOG.warning('cinder collector: pool %s reports capacity %r; left out',
                    pool.name, caps.get('total_capacity_gb'))
        return None
    known = topology.get(pool.name)
    rack = known.rack if known else naming.rack_from_host_name(
        backend.split('@', 1)[0])
    zone = ((service.availability_zone if service is not None else None)
            or (known.zone if known else None) or DEFAULT_ZONE)
    backend_name = caps.get(BACKEND_NAME)
    served = sorted(t.name for t in types
                    if (t.extra_specs or {}).get(BACKEND_NAME) == backend_name)
    # No type names this backend: ``[]``, any volume type may go there.
    free = _number(caps.get('free_capacity_gb'))
    return inv.Pool(name=pool.name, zone=zone, capacity_gb=capacity,
                    rack=rack, volume_types=served,
                    free_capacity_gb=None if free is None else int(free))


def _capacity(caps):
    """GB Valet may place: total − reserved %, times the over-subscription
    ratio on thin-provisioned backends (as Cinder's CapacityFilter)."""
    total = _number(caps.get('total_capacity_gb'))
    if total is None:
        return None
    reserved = _number(caps.get('reserved_percentage')) or 0
    capacity = total * (1 - reserved / 100.0)
    if caps.get('thin_provisioning_support'):
        capacity *= _number(caps.get('max_over_subscription_ratio')) or 1.0
    return int(capacity)


def _number(value):
    """Cinder reports 'infinite' or 'unknown' where it has no number."""
    try:
        return float(value)
    except (TypeError, ValueError):
        return None
