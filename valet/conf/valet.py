"""[valet]: the plugins inside Heat, Nova and Cinder."""
from oslo_config import cfg

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
]


def _group():
    # A fresh OptGroup per ConfigOpts: oslo.config keeps overrides on it.
    return cfg.OptGroup(NAME, title=TITLE)


def register_opts(conf):
    conf.register_group(_group())
    conf.register_opts(OPTS, group=NAME)


def list_opts():
    return {_group(): OPTS}
