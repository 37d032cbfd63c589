"""[qos]: which QoS driver the engine uses (DESIGN §7).

Meant for ``valet/conf/qos.py`` (one module per group); kept here until
the engine wires the drivers in.
"""
from oslo_config import cfg

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


def _group():
    return cfg.OptGroup(NAME, title=TITLE)


def register_opts(conf):
    conf.register_group(_group())
    conf.register_opts(OPTS, group=NAME)


def list_opts():
    return {_group(): OPTS}
