"""The ``nova`` collector: compute hosts from Nova and Placement (DESIGN §2.7).

Nova (``[nova]`` options) gives the compute services (state, zone), the
hypervisors (which resource provider is which host), aggregates, zones,
flavors and the servers on each host; Placement (``[placement]``) gives the
capacity: inventories (total − reserved, allocation ratio), usages and
traits.  A host that Placement does not know falls back to the hypervisor's
own sizes (compute API < 2.88) or is left out with a warning.

Every server Nova reports on a host counts as "not Valet's" here; the
engine's inventory runner drops the ones Valet placed
(:meth:`Inventory.drop_servers`).
"""
import logging

from valet.engine import collectors
from valet.engine.collectors import racks as rack_sources
from valet.engine.collectors import sdk
from valet.engine.model import inventory as inv
from valet.engine.model import loader

LOG = logging.getLogger(__name__)
NAME = 'nova'
COMPUTE_BINARY = 'nova-compute'
DEFAULT_ZONE = 'nova'       # Nova's default_availability_zone
# Placement resource class -> ratio kind and Host field.
RESOURCE_CLASSES = {'VCPU': ('cpu', 'vcpus'),
                    'MEMORY_MB': ('ram', 'memory_mb'),
                    'DISK_GB': ('disk', 'disk_gb')}


def _version(text):
    try:
        return tuple(int(part) for part in str(text).split('.'))
    except ValueError:
        return (0,)


class NovaCollector(collectors.Collector):

    def collect(self):
        compute = sdk.connect(self.conf, 'nova', 'compute', NAME)
        placement = sdk.connect(self.conf, 'placement', 'placement', NAME)
        with sdk.reading(NAME, 'compute services'):
            services = [s for s in compute.compute.services()
                        if s.binary == COMPUTE_BINARY]
        with sdk.reading(NAME, 'hypervisors'):
            hypervisors = list(compute.compute.hypervisors(details=True))
        with sdk.reading(NAME, 'aggregates'):
            aggregates = list(compute.compute.aggregates())
        with sdk.reading(NAME, 'availability zones'):
            zones = list(compute.compute.availability_zones(details=True))
        flavors = self._flavors(compute)
        with sdk.reading(NAME, 'servers'):
            servers = list(compute.compute.servers(details=True,
                                                   all_projects=True))
        providers = self._providers(placement)
        return _Builder(self.conf, services, hypervisors, aggregates, zones,
                        flavors, servers, providers).build()

    @staticmethod
    def _flavors(compute):
        with sdk.reading(NAME, 'flavors'):
            flavors = list(compute.compute.flavors(details=True))
            for flavor in flavors:
                # Extra specs are inline from compute API 2.61 on.
                if _version(flavor.microversion or '2.1') < (2, 61):
                    flavor.extra_specs = compute.compute.fetch_flavor_extra_specs(
                        flavor).extra_specs or {}
        return flavors

    @staticmethod
    def _providers(placement):
        """Resource provider name -> {inventories, usages, traits}."""
        result = {}
        with sdk.reading(NAME, 'placement resource providers'):
            for rp in placement.placement.resource_providers():
                inventories = {
                    i.resource_class: i for i in
                    placement.placement.resource_provider_inventories(rp)}
                usages = placement.placement.fetch_resource_provider_usages(
                    rp).usages or {}
                traits = placement.placement.get_resource_provider_trait(
                    rp.id).traits or []
                result[rp.name] = {'inventories': inventories,
                                   'usages': dict(usages),
                                   'traits': list(traits)}
        return result


class _Builder:
    """Nova and Placement records -> one Inventory; one use only."""

    def __init__(self, conf, services, hypervisors, aggregates, zones,
                 flavors, servers, providers):
        self.conf = conf
        self.services = services
        self.hypervisors = hypervisors
        self.aggregates = aggregates
        self.zones = zones
        self.flavors = flavors
        self.servers = servers
        self.providers = providers
        opt = conf.optimizer
        self.default_ratios = {'cpu': opt.cpu_allocation_ratio,
                               'ram': opt.ram_allocation_ratio,
                               'disk': opt.disk_allocation_ratio}
        self.inv = inv.Inventory(name=conf.nova.region_name or 'openstack')
        self.topology_racks = None     # host -> rack from the topology file

    def build(self):
        topology = self._topology()
        self.topology_racks = ({h.name: h.rack
                                for h in topology.hosts.values()}
                               if topology else None)
        self._flavors()
        host_meta, host_aggs, host_ratios = self._aggregates()
        host_zones = self._host_zones()
        hypervisors = self._hypervisors_by_host()
        for service in sorted(self.services, key=lambda s: s.host):
            self._host(service, hypervisors.get(service.host, ()), topology,
                       host_zones, host_meta, host_aggs, host_ratios)
        self._servers()
        return self.inv

    def _topology(self):
        """Racks, uplinks and NICs from ``[inventory] datacenter_file``."""
        path = self.conf.inventory.datacenter_file
        if not path:
            return None
        return loader.load_datacenter(path, defaults=self.default_ratios)

    def _flavors(self):
        for flavor in self.flavors:
            self.inv.flavors[flavor.name] = inv.Flavor(
                flavor.name, flavor.vcpus, flavor.ram, flavor.disk,
                dict(flavor.extra_specs or {}))

    def _aggregates(self):
        host_meta, host_aggs, host_ratios = {}, {}, {}
        for agg in sorted(self.aggregates, key=lambda a: a.name):
            metadata = {k: str(v) for k, v in (agg.metadata or {}).items()}
            hosts = list(agg.hosts or ())
            self.inv.aggregates[agg.name] = inv.Aggregate(
                agg.name, hosts, metadata)
            for host in hosts:
                host_aggs.setdefault(host, []).append(agg.name)
                merged = host_meta.setdefault(host, {})
                for key, value in metadata.items():
                    merged[key] = loader._merge_value(merged.get(key), value)
                for kind, key in loader.RATIO_METADATA.items():
                    ratio = _positive(metadata.get(key))
                    if ratio is None:
                        continue
                    # As Nova's aggregate filters: the smallest ratio wins.
                    current = host_ratios.setdefault(host, {}).get(kind)
                    host_ratios[host][kind] = (
                        ratio if current is None else min(current, ratio))
        return host_meta, host_aggs, host_ratios

    def _host_zones(self):
        """host -> availability zone, from os-availability-zone/detail."""
        zones = {}
        for zone in self.zones:
            for host, services in (zone.hosts or {}).items():
                if COMPUTE_BINARY in (services or {}):
                    zones[host] = zone.name
        return zones

    def _hypervisors_by_host(self):
        result = {}
        for hyp in self.hypervisors:
            host = (hyp.service_details or {}).get('host') or hyp.name
            result.setdefault(host, []).append(hyp)
        return result

    def _host(self, service, hypervisors, topology, host_zones, host_meta,
              host_aggs, host_ratios):
        name = service.host
        if not hypervisors:
            LOG.warning('nova collector: compute service %s has no '
                        'hypervisor; left out', name)
            return
        if len(hypervisors) > 1:
            LOG.warning('nova collector: host %s has %d hypervisors; using '
                        '%s', name, len(hypervisors), hypervisors[0].name)
        hyp = hypervisors[0]
        provider = self.providers.get(hyp.name)
        sizes, ratios, defaulted = self._capacity(name, hyp, provider,
                                                  host_ratios.get(name, {}))
        if sizes is None:
            return
        zone = (host_zones.get(name) or service.availability_zone
                or DEFAULT_ZONE)
        metadata = host_meta.get(name, {})
        try:
            rack, source = rack_sources.rack_of(
                name, topology=self.topology_racks, metadata=metadata,
                traits=(provider or {}).get('traits'))
        except rack_sources.RackConflict as err:
            raise sdk.InventoryUnavailable(
                collector=NAME, what='the rack of host %s' % name,
                detail=str(err)) from err
        self._add_rack(rack, zone, topology, name, source)
        nic = 0
        if topology and name in topology.hosts:
            nic = topology.hosts[name].nic_mbps
        enabled = (service.status == 'enabled' and service.state == 'up'
                   and not service.is_forced_down
                   and hyp.state in (None, 'up')
                   and hyp.status in (None, 'enabled'))
        self.inv.zones.setdefault(zone, inv.Zone(zone))
        self.inv.hosts[name] = inv.Host(
            name=name, zone=zone, rack=rack,
            vcpus=sizes['vcpus'], memory_mb=sizes['memory_mb'],
            disk_gb=sizes['disk_gb'], nic_mbps=nic,
            cpu_allocation_ratio=ratios['cpu'],
            ram_allocation_ratio=ratios['ram'],
            disk_allocation_ratio=ratios['disk'],
            enabled=enabled,
            aggregates=list(host_aggs.get(name, ())),
            metadata=dict(metadata),
            default_ratios=defaulted,
            traits=sorted((provider or {}).get('traits', ())),
            placement_usages=dict((provider or {}).get('usages', {})))

    def _capacity(self, name, hyp, provider, agg_ratios):
        """(sizes, ratios, defaulted kinds) of a host, or (None,)*3."""
        sizes, ratios, defaulted = {}, {}, []
        if provider is not None:
            inventories = provider['inventories']
            for rc, (kind, field) in RESOURCE_CLASSES.items():
                item = inventories.get(rc)
                if item is None:
                    sizes[field] = 0
                    ratios[kind] = None
                    continue
                sizes[field] = max(0, (item.total or 0) - (item.reserved or 0))
                ratios[kind] = item.allocation_ratio
        elif hyp.vcpus is not None and hyp.memory_size is not None:
            # Compute API < 2.88 still reports the hypervisor's sizes.
            sizes = {'vcpus': hyp.vcpus, 'memory_mb': hyp.memory_size,
                     'disk_gb': hyp.local_disk_size or 0}
            ratios = dict.fromkeys(self.default_ratios)
        else:
            LOG.warning('nova collector: no Placement resource provider %s '
                        'for host %s and no hypervisor sizes; left out',
                        hyp.name, name)
            return None, None, None
        for kind in loader.RATIO_KINDS:
            # Aggregate metadata first (DESIGN §5.1), then Placement.
            value = agg_ratios.get(kind) or ratios.get(kind)
            if value is None:
                value = self.default_ratios[kind]
                defaulted.append(kind)
            ratios[kind] = float(value)
        return sizes, ratios, defaulted

    def _add_rack(self, rack, zone, topology, host, source):
        known = self.inv.racks.get(rack)
        if known is None:
            uplink = 0
            if topology and rack in topology.racks:
                uplink = topology.racks[rack].uplink_mbps
            self.inv.racks[rack] = inv.Rack(rack, zone, uplink)
        elif known.zone != zone:
            LOG.warning('nova collector: host %s is in zone %s but its rack '
                        '%s (from %s) is in zone %s', host, zone, rack,
                        source, known.zone)

    def _servers(self):
        by_id = {f.id: f for f in self.flavors}
        for server in self.servers:
            host = server.compute_host
            if host not in self.inv.hosts:
                continue
            flavor = server.flavor
            if flavor is not None and not flavor.original_name:
                # Compute API < 2.47 embeds only the flavor's id.
                flavor = by_id.get(flavor.id)
            if flavor is None:
                LOG.warning('nova collector: server %s on %s has an unknown '
                            'flavor; its usage is not counted', server.id,
                            host)
                continue
            self.inv.servers.append(inv.Server(
                id=server.id, host=host,
                flavor=flavor.original_name or flavor.name,
                vcpus=flavor.vcpus or 0, memory_mb=flavor.ram or 0,
                disk_gb=flavor.disk or 0, project=server.project_id))


def _positive(text):
    try:
        value = float(text)
    except (TypeError, ValueError):
        return None
    return value if value > 0 else None
