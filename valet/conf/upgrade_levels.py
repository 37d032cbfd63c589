"""[upgrade_levels]: RPC version caps during rolling upgrades."""
from oslo_config import cfg

NAME = 'upgrade_levels'
TITLE = 'RPC version pins'

OPTS = [
    cfg.StrOpt('engine',
               help='Highest valet-engine RPC version clients send, e.g. '
                    '"1.0", while older engines are still running.'),
]


def _group():
    # A fresh OptGroup per ConfigOpts: oslo.config keeps overrides on it.
    return cfg.OptGroup(NAME, title=TITLE)


def register_opts(conf):
    conf.register_group(_group())
    conf.register_opts(OPTS, group=NAME)


def list_opts():
    return {_group(): OPTS}
