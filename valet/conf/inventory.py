"""[inventory]: where the engine learns the datacenter from."""
from oslo_config import cfg

NAME = 'inventory'
TITLE = 'Inventory collectors'

OPTS = [
    cfg.ListOpt('collectors', default=['file'],
                help='Inventory collectors to run, by name in the '
                     'valet.inventory.collectors namespace.'),
    cfg.StrOpt('datacenter_file', sample_default='<package>/examples/datacenters/small.yaml',
               help='Datacenter YAML for the file collector; defaults to '
                    'the small example datacenter shipped with Valet.'),
]


def _group():
    # A fresh OptGroup per ConfigOpts: oslo.config keeps overrides on it.
    return cfg.OptGroup(NAME, title=TITLE)


def register_opts(conf):
    conf.register_group(_group())
    conf.register_opts(OPTS, group=NAME)


def list_opts():
    return {_group(): OPTS}
