"""Which rack a host is in: the sources of DESIGN §5.1, in their order.

1. the topology file (``[inventory] datacenter_file``, when set),
2. aggregate metadata ``valet:rack``,
3. a Placement trait ``CUSTOM_RACK_<name>`` on the host's resource provider
   (trait names are upper case; the rack is the suffix in lower case),
4. the host-name convention (``pdk15r05c001`` -> ``pdk15r05``),
5. else the host is its own rack (never one shared pseudo-rack).
"""
from valet.engine.model import loader
from valet.engine.model import naming

RACK_METADATA = loader.RACK_METADATA
RACK_TRAIT_PREFIX = 'CUSTOM_RACK_'

TOPOLOGY = 'topology file'
AGGREGATE = 'aggregate metadata %s' % RACK_METADATA
TRAIT = 'placement trait %s<name>' % RACK_TRAIT_PREFIX
NAME = 'host-name convention'
ITSELF = 'the host itself'


class RackConflict(ValueError):
    """One source names several racks for the same host."""


def rack_from_traits(traits):
    racks = sorted({t[len(RACK_TRAIT_PREFIX):].lower() for t in traits or ()
                    if t.startswith(RACK_TRAIT_PREFIX)
                    and len(t) > len(RACK_TRAIT_PREFIX)})
    if len(racks) > 1:
        raise RackConflict('traits give several racks: %s' % ', '.join(racks))
    return racks[0] if racks else None


def rack_from_metadata(metadata):
    value = (metadata or {}).get(RACK_METADATA)
    if isinstance(value, list):   # aggregates that disagree (loader merge)
        raise RackConflict('aggregates give several racks: %s'
                           % ', '.join(value))
    return value or None


def rack_of(host, topology=None, metadata=None, traits=None):
    """``(rack, source)`` for ``host``; raises RackConflict on ambiguity."""
    rack = (topology or {}).get(host)
    if rack:
        return rack, TOPOLOGY
    rack = rack_from_metadata(metadata)
    if rack:
        return rack, AGGREGATE
    rack = rack_from_traits(traits)
    if rack:
        return rack, TRAIT
    rack = naming.rack_from_host_name(host)
    if rack:
        return rack, NAME
    return host, ITSELF
