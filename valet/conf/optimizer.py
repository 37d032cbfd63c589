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
    cfg.ListOpt('filters', default=[
        'disabled', 'zone', 'host', 'candidates', 'excluded', 'extra_specs',
        'storage', 'capacity', 'bandwidth', 'affinity', 'exclusivity',
        'diversity'],
        help='Filter plugins (namespace valet.optimizer.filters) in the '
             'order they check a host. A failure is explained by the '
             'counts of hosts each rule eliminated, in this order.'),
    cfg.ListOpt('scorers', default=['pipe_cost', 'pipe_lookahead',
                                    'new_hosts', 'fit', 'stay'],
                help='Scorer plugins (namespace valet.optimizer.scorers) '
                     'whose weighted sum a host bundle minimises.'),
    cfg.DictOpt('score_weights',
                default={'pipe_cost': 1.0, 'pipe_lookahead': 0.5,
                         'new_hosts': 50.0, 'fit': 1.0, 'stay': 10.0},
                help='Weight of each scorer. pipe_cost is in Mbit/s x '
                     'distance (0 same host, 1 same rack, 2 same zone, 3 '
                     'farther); pipe_lookahead estimates it for peers not '
                     'placed yet; new_hosts counts hosts opened; fit (0..1) '
                     'prefers the tightest host; stay (0/1) keeps a '
                     'replanned member on its host.'),
    cfg.IntOpt('max_restarts', default=3, min=0,
               help='Restarts of the search with the unit that failed '
                    'placed first, before a failure is explained.'),
    cfg.IntOpt('improve_passes', default=3, min=0,
               help='Passes of the improvement phase (moving single '
                    'bundles, pipe neighbourhoods and whole neighbourhoods '
                    'onto one host or rack); 0 disables it.'),
    cfg.IntOpt('improve_evaluations', default=5000, min=0,
               help='Host evaluations (one host checked and scored for one '
                    'bundle) the improvement phase may spend. This bound, '
                    'not the clock, ends the phase, so the same input and '
                    'seed give the same answer on any machine.'),
    cfg.FloatOpt('improve_gap', default=0.10, min=0.0,
                 help='The improvement phase stops once the objective is '
                      'within this share of a lower bound of the optimum '
                      '(pipes at the distance their group rules force, '
                      'hosts exclusivity must open): such a plan is '
                      'provably within that share of the best one. 0 '
                      'improves until the evaluation budget is spent.'),
    cfg.FloatOpt('improve_budget_ms', default=2000.0, min=0.0,
                 help='Safety time cap of the improvement phase, counted '
                      'from the start of the decision. A decision that '
                      'reaches it (only on a machine far slower or busier '
                      'than expected) depends on timing and says so in its '
                      'stats (improve_time_capped).'),
]


_GROUP = base.OptionGroup(NAME, TITLE, OPTS)
register_opts = _GROUP.register_opts
list_opts = _GROUP.list_opts
