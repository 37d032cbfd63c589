"""valet-aio: the REST API and the engine in one process, nothing else needed."""
import sys

from oslo_config import cfg
from oslo_log import log

from valet import allinone
from valet import conf as valet_conf
from valet.cmd import serve

CLI_OPTS = [
    cfg.StrOpt('datacenter', metavar='FILE',
               help='Datacenter YAML to simulate (default: the small '
                    'example datacenter).'),
    cfg.HostAddressOpt('host', help='Address to listen on '
                                    '(default: [api] host, 127.0.0.1).'),
    cfg.PortOpt('port', help='Port to listen on (default: [api] port, 8090).'),
    cfg.StrOpt('database-url', metavar='URL',
               help='SQLAlchemy URL (default: a sqlite file under '
                    '~/.local/state/valet).'),
]


def parse_args(argv):
    conf = cfg.ConfigOpts()
    valet_conf.register_opts(conf)
    log.register_options(conf)
    conf.register_cli_opts(CLI_OPTS)
    conf(argv, project='valet', prog='valet-aio')
    allinone.apply_aio_defaults(conf, datacenter=conf.datacenter,
                                database_url=conf.database_url)
    return conf


def main(argv=None):
    conf = parse_args(sys.argv[1:] if argv is None else argv)
    log.setup(conf, 'valet')
    aio = allinone.AllInOne(conf).start()
    try:
        serve.serve(aio.app, conf.host or conf.api.host,
                    conf.port or conf.api.port)
    finally:
        aio.stop()


if __name__ == '__main__':
    main()
