"""[engine]: the valet-engine process."""
from oslo_config import cfg

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
]


def _group():
    # A fresh OptGroup per ConfigOpts: oslo.config keeps overrides on it.
    return cfg.OptGroup(NAME, title=TITLE)


def register_opts(conf):
    conf.register_group(_group())
    conf.register_opts(OPTS, group=NAME)


def list_opts():
    return {_group(): OPTS}
