"""[valet]: the plugins inside Heat, Nova and Cinder."""
from oslo_config import cfg

from valet.conf import base

NAME = 'valet'
TITLE = 'Valet plugin options (Heat/Nova/Cinder)'

OPTS = [
    cfg.StrOpt('transport_url', secret=True,
               help='oslo.messaging URL of the bus valet-engine listens on; '
                    'defaults to the service\'s own transport_url.'),
    cfg.IntOpt('timeout', default=30, min=1,
               help='Seconds a plugin waits for the engine.'),
    cfg.StrOpt('failure_mode', default='reject',
               choices=[('reject', 'Pass no host when Valet fails.'),
                        ('yield', 'Pass every host when Valet fails.')],
               help='What a scheduler filter does when Valet cannot answer.'),
    cfg.StrOpt('topic', default='valet-engine',
               help='RPC topic valet-engine listens on ([engine] topic in '
                    'valet.conf).'),
    cfg.StrOpt('control_exchange', default='openstack',
               help='Exchange valet-engine listens on (its control_exchange; '
                    'oslo.messaging\'s default unless valet.conf sets one). '
                    'The host service\'s own exchange (nova, cinder, heat) '
                    'is never the engine\'s.'),
    cfg.StrOpt('version_cap',
               help='Highest valet-engine RPC version the plugin sends, '
                    'e.g. "1.0", while older engines are still running.'),
]


_GROUP = base.OptionGroup(NAME, TITLE, OPTS)
register_opts = _GROUP.register_opts
list_opts = _GROUP.list_opts
