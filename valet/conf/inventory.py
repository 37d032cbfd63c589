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
    cfg.IntOpt('sync_interval', default=300, min=0,
               help='Seconds between inventory syncs (collectors run, the '
                    'DB and the model get the difference). Only the '
                    'elected engine runs them (see [coordination]); 0 '
                    'disables the periodic sync (the sync_inventory cast '
                    'still runs one).'),
    cfg.IntOpt('refresh_interval', default=10, min=0,
               help='Seconds between checks, by engines that do not lead, '
                    'for an inventory the leader stored since; a newer one '
                    'is loaded from the DB and applied. 0 disables.'),
]


_GROUP = base.OptionGroup(NAME, TITLE, OPTS)
register_opts = _GROUP.register_opts
list_opts = _GROUP.list_opts
