"""[inventory]: where the engine learns the datacenter from."""
from oslo_config import cfg

from valet.conf import base

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


_GROUP = base.OptionGroup(NAME, TITLE, OPTS)
register_opts = _GROUP.register_opts
list_opts = _GROUP.list_opts
