"""Aggregate notifications -> the engine's Inventory record.

The same rules as the datacenter file and the collectors: a host's
metadata merges that of its aggregates (disagreeing values kept, sorted)
and an aggregate's ``*_allocation_ratio`` overrides the host's ratio,
the smallest winning.  Availability-zone moves are left to the next
inventory sync (a zone change moves racks).
"""
from valet.engine.model import inventory as inv
from valet.engine.model import loader


def apply_aggregate(inventory, event):
    """Change ``inventory`` as ``event`` says; returns the names of the
    hosts whose aggregates or metadata may have changed."""
    old = inventory.aggregates.get(event.name)
    affected = set(old.hosts if old else ()) | set(event.hosts)
    if event.deleted:
        inventory.aggregates.pop(event.name, None)
    else:
        inventory.aggregates[event.name] = inv.Aggregate(
            event.name, list(event.hosts), event.metadata_dict)
    for name in sorted(affected):
        spec = inventory.hosts.get(name)
        if spec is not None:
            _refresh_host(inventory, spec)
    return sorted(h for h in affected if h in inventory.hosts)


def _refresh_host(inventory, spec):
    aggregates = sorted((a for a in inventory.aggregates.values()
                         if spec.name in a.hosts), key=lambda a: a.name)
    metadata, ratios = {}, {}
    for aggregate in aggregates:
        for key, value in aggregate.metadata.items():
            value = loader._metadata_text(value)
            metadata[key] = loader._merge_value(metadata.get(key), value)
        for kind, key in loader.RATIO_METADATA.items():
            try:
                ratio = float(aggregate.metadata.get(key, ''))
            except ValueError:
                continue
            if ratio > 0:
                ratios[kind] = min(ratio, ratios.get(kind, ratio))
    spec.aggregates = [a.name for a in aggregates]
    spec.metadata = metadata
    for kind, ratio in ratios.items():
        setattr(spec, '%s_allocation_ratio' % kind, ratio)
    spec.default_ratios = [k for k in spec.default_ratios if k not in ratios]
