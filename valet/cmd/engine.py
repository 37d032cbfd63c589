"""valet-engine: the Ostro optimizer serving RPC on topic ``[engine] topic``."""
import sys

from oslo_log import log
from oslo_service import service

from valet import conf as valet_conf
from valet.engine import service as engine_service


def main(argv=None):
    conf = valet_conf.new_conf(sys.argv[1:] if argv is None else argv)
    log.setup(conf, 'valet')
    launcher = service.launch(conf, engine_service.EngineService(conf),
                              restart_method='mutate')
    launcher.wait()


if __name__ == '__main__':
    main()
