"""[upgrade_levels]: RPC version caps during rolling upgrades."""
from oslo_config import cfg

from valet.conf import base

NAME = 'upgrade_levels'
TITLE = 'RPC version pins'

OPTS = [
    cfg.StrOpt('engine',
               help='Highest valet-engine RPC version clients send, e.g. '
                    '"1.0", while older engines are still running.'),
]


_GROUP = base.OptionGroup(NAME, TITLE, OPTS)
register_opts = _GROUP.register_opts
list_opts = _GROUP.list_opts
