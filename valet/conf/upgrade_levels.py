"""[upgrade_levels]: RPC version caps during rolling upgrades."""
from oslo_config import cfg

GROUP = cfg.OptGroup('upgrade_levels', title='RPC version pins')

OPTS = [
    cfg.StrOpt('engine',
               help='Highest valet-engine RPC version clients send, e.g. '
                    '"1.0", while older engines are still running.'),
]


def register_opts(conf):
    conf.register_group(GROUP)
    conf.register_opts(OPTS, group=GROUP)


def list_opts():
    return {GROUP: OPTS}
