"""[inventory]: where the engine learns the datacenter from."""
from oslo_config import cfg

GROUP = cfg.OptGroup('inventory', title='Inventory collectors')

OPTS = [
    cfg.ListOpt('collectors', default=['file'],
                help='Inventory collectors to run, by name in the '
                     'valet.inventory.collectors namespace.'),
    cfg.StrOpt('datacenter_file', sample_default='<package>/examples/datacenters/small.yaml',
               help='Datacenter YAML for the file collector; defaults to '
                    'the small example datacenter shipped with Valet.'),
]


def register_opts(conf):
    conf.register_group(GROUP)
    conf.register_opts(OPTS, group=GROUP)


def list_opts():
    return {GROUP: OPTS}
