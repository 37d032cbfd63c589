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
    cfg.IntOpt('rpc_workers', default=1, min=0,
               help='Requests this engine works on at a time, and on '
                    'RabbitMQ also how many more it takes off the topic '
                    'ahead of them (the prefetch). Decisions take turns on '
                    'the engine\'s lock anyway, so a larger value only lets '
                    'a busy engine hold requests that an idle engine of the '
                    'same topic could answer now. 0: oslo.messaging\'s '
                    'executor_thread_pool_size and no prefetch limit.'),
    cfg.IntOpt('heartbeat_interval', default=10, min=1,
               help='Seconds between two updates of this engine\'s row in '
                    'the engines table (status, last sync and metrics for '
                    'valet-api). An engine silent for three intervals is '
                    'reported as stale.'),
]


_GROUP = base.OptionGroup(NAME, TITLE, OPTS)
register_opts = _GROUP.register_opts
list_opts = _GROUP.list_opts
