"""Rule names, their failure codes (DESIGN §5.4) and pool matching.

The rules themselves are filter plugins (``plugins/filters.py``); this
module is the vocabulary shared by the search, the explanations and the
volume placement.  Capacity comes before the group rules on purpose: when
a group rule removes the last hosts, that rule is what the explanation
reports.
"""
from valet.engine.optimizer import framework

RULES = framework.DEFAULT_FILTERS

CODES = {
    'disabled': 'no_enabled_host',
    'zone': 'zone_unsatisfiable',
    'host': 'host_unsatisfiable',
    'candidates': 'candidates_unsatisfiable',
    'excluded': 'excluded_hosts_unsatisfiable',
    'extra_specs': 'extra_specs_unsatisfiable',
    'storage': 'storage_unsatisfiable',
    'capacity': 'capacity',
    'bandwidth': 'bandwidth_unsatisfiable',
    'affinity': 'affinity_unsatisfiable',
    'exclusivity': 'exclusivity_unsatisfiable',
    'diversity': 'diversity_unsatisfiable',
    'volume_type': 'volume_type_unsatisfiable',
}


def pool_accepts(pool, volume):
    """Volume type match: a pool without types takes any volume."""
    return not pool.volume_types or volume.volume_type in pool.volume_types
