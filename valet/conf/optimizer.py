"""[optimizer]: Ostro's capacity defaults and search settings."""
from oslo_config import cfg

from valet.conf import base

NAME = 'optimizer'
TITLE = 'Ostro optimizer options'

OPTS = [
    cfg.FloatOpt('cpu_allocation_ratio', default=4.0, min=0.0,
                 help='vCPU overcommit when neither the datacenter file '
                      'nor aggregate metadata sets one.'),
    cfg.FloatOpt('ram_allocation_ratio', default=1.0, min=0.0,
                 help='RAM overcommit default.'),
    cfg.FloatOpt('disk_allocation_ratio', default=1.0, min=0.0,
                 help='Disk overcommit default.'),
    cfg.FloatOpt('standby_ratio', default=0.0, min=0.0, max=0.9,
                 help='Share of every host kept free as a standby reserve.'),
    cfg.IntOpt('seed', default=0,
               help='Seed for tie-breaking, so equal inputs give equal '
                    'placements.'),
]


_GROUP = base.OptionGroup(NAME, TITLE, OPTS)
register_opts = _GROUP.register_opts
list_opts = _GROUP.list_opts
