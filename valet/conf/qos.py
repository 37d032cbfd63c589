"""[qos]: which QoS driver the engine hands pipe reservations to."""
from oslo_config import cfg

from valet.conf import base

NAME = 'qos'
TITLE = 'Network QoS for pipes'

OPTS = [
    cfg.StrOpt('driver', default='noop',
               help='QoS driver (entry point in valet.qos.drivers): noop '
                    'or http.'),
    cfg.URIOpt('controller_url', schemes=['http', 'https'],
               help='Base URL of the QoS controller (http driver).'),
    cfg.IntOpt('timeout', default=10, min=1,
               help='Seconds to wait for the QoS controller.'),
    cfg.StrOpt('auth_token', secret=True,
               help='Token sent as X-Auth-Token to the QoS controller.'),
]

_GROUP = base.OptionGroup(NAME, TITLE, OPTS)
register_opts = _GROUP.register_opts
list_opts = _GROUP.list_opts
