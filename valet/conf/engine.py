"""[engine]: the valet-engine process."""
from oslo_config import cfg

from valet.conf import base

NAME = 'engine'
TITLE = 'valet-engine options'

OPTS = [
    cfg.StrOpt('topic', default='valet-engine',
               help='RPC topic the engines listen on and clients call.'),
    cfg.StrOpt('engine_id', sample_default='<hostname>',
               help='Name of this engine in ping answers and logs; '
                    'defaults to the host name.'),
    cfg.IntOpt('max_conflict_retries', default=5, min=0,
               help='How often a decision is retried after losing the '
                    'generation compare-and-swap to another engine.'),
    cfg.IntOpt('heartbeat_interval', default=10, min=1,
               help='Seconds between two updates of this engine\'s row in '
                    'the engines table (status, last sync and metrics for '
                    'valet-api). An engine silent for three intervals is '
                    'reported as stale.'),
]


_GROUP = base.OptionGroup(NAME, TITLE, OPTS)
register_opts = _GROUP.register_opts
list_opts = _GROUP.list_opts
