"""valet-manage: database schema and datacenter import.

    valet-manage [--config-file F] db sync [--revision REV]
    valet-manage [--config-file F] db version
    valet-manage [--config-file F] datacenter import FILE
"""
import sys

from oslo_config import cfg

from valet.cmd import cli_logging
from valet import conf as valet_conf
from valet import context as valet_context
from valet.db import api as db_api
from valet.db import inventory as db_inventory
from valet.db import migration
from valet.engine.model import loader
from valet import exception


def db_sync(conf):
    migration.upgrade(conf.database.connection,
                      revision=conf.category.revision)
    print('Database is at revision %s' % migration.version(
        conf.database.connection))


def db_version(conf):
    print(migration.version(conf.database.connection) or 'None')


def datacenter_import(conf):
    opt = conf.optimizer
    inventory = loader.load_datacenter(conf.category.file, defaults={
        'cpu': opt.cpu_allocation_ratio, 'ram': opt.ram_allocation_ratio,
        'disk': opt.disk_allocation_ratio})
    db = db_api.Database.from_conf(conf)
    db_inventory.save_inventory(db, valet_context.get_admin_context(),
                                inventory)
    print('Imported datacenter %s: %d zones, %d racks, %d hosts, %d pools'
          % (inventory.name, len(inventory.zones), len(inventory.racks),
             len(inventory.hosts), len(inventory.pools)))


def add_command_parsers(subparsers):
    db = subparsers.add_parser('db', help='Database schema')
    db_actions = db.add_subparsers(dest='action', required=True)
    sync = db_actions.add_parser('sync', help='Upgrade the schema')
    sync.add_argument('--revision', default='head')
    sync.set_defaults(func=db_sync)
    ver = db_actions.add_parser('version', help='Print the schema revision')
    ver.set_defaults(func=db_version)

    dc = subparsers.add_parser('datacenter', help='Datacenter inventory')
    dc_actions = dc.add_subparsers(dest='action', required=True)
    imp = dc_actions.add_parser('import', help='Load a datacenter YAML '
                                               'into the database')
    imp.add_argument('file')
    imp.set_defaults(func=datacenter_import)


def main(argv=None):
    conf = cfg.ConfigOpts()
    valet_conf.register_opts(conf)
    cli_logging.register(conf)
    conf.register_cli_opt(cfg.SubCommandOpt(
        'category', title='Commands', handler=add_command_parsers))
    conf(sys.argv[1:] if argv is None else argv, project='valet',
         prog='valet-manage')
    cli_logging.setup(conf)
    try:
        conf.category.func(conf)
    except exception.Invalid as e:
        print('valet-manage: error: %s' % e, file=sys.stderr)
        return 2
    except exception.ValetException as e:
        print('valet-manage: error: %s' % e, file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
