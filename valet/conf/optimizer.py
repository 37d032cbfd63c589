"""[optimizer]: Ostro's capacity defaults and search settings."""
from oslo_config import cfg

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


def _group():
    # A fresh OptGroup per ConfigOpts: oslo.config keeps overrides on it.
    return cfg.OptGroup(NAME, title=TITLE)


def register_opts(conf):
    conf.register_group(_group())
    conf.register_opts(OPTS, group=NAME)


def list_opts():
    return {_group(): OPTS}
