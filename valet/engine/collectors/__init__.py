"""Inventory collectors (stevedore namespace ``valet.inventory.collectors``).

A collector reports what is in the datacenter as an
:class:`valet.engine.model.inventory.Inventory`.  ``collect_inventory`` runs the
ones named in ``[inventory] collectors`` and merges them in order, so a later
collector overrides what an earlier one said about the same host.
"""
import abc

from stevedore import named

from valet import exception
from valet.engine.model import inventory as inv

NAMESPACE = 'valet.inventory.collectors'


class Collector(abc.ABC):
    def __init__(self, conf):
        self.conf = conf

    @abc.abstractmethod
    def collect(self):
        """Return an Inventory."""


def _merge(into, other):
    into.name = into.name or other.name
    for field in ('zones', 'racks', 'hosts', 'pools', 'flavors', 'aggregates'):
        getattr(into, field).update(getattr(other, field))
    into.servers.extend(other.servers)
    return into


def collect_inventory(conf):
    names = conf.inventory.collectors
    manager = named.NamedExtensionManager(
        NAMESPACE, names, invoke_on_load=True, invoke_args=(conf,),
        name_order=True, on_missing_entrypoints_callback=_missing)
    merged = inv.Inventory(name=None)
    for ext in manager:
        _merge(merged, ext.obj.collect())
    return merged


def _missing(names):
    raise exception.Invalid(
        detail='[inventory] collectors: unknown collector(s) %s'
        % ', '.join(sorted(names)))
