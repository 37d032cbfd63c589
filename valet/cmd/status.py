"""valet-status upgrade check (oslo.upgradecheck)."""
import sys

from oslo_config import cfg
from oslo_upgradecheck import common_checks
from oslo_upgradecheck import upgradecheck

from valet.cmd import cli_logging
from valet import conf as valet_conf
from valet import context as valet_context
from valet.db import migration
from valet.engine import rpcapi
from valet import exception
from valet import rpc


class Checks(upgradecheck.UpgradeCommands):

    def __init__(self, conf):
        self.conf = conf

    def _check_database(self):
        url = self.conf.database.connection
        try:
            current = migration.version(url)
            head = migration.head()
        except Exception as e:  # any DB error is the finding itself
            return upgradecheck.Result(upgradecheck.Code.FAILURE,
                                       'Cannot read the database: %s' % e)
        if current != head:
            return upgradecheck.Result(
                upgradecheck.Code.FAILURE,
                'Database is at %s, code expects %s: run '
                '"valet-manage db sync".' % (current, head))
        return upgradecheck.Result(upgradecheck.Code.SUCCESS)

    def _check_engine(self):
        transport = rpc.get_transport(self.conf)
        try:
            answer = rpcapi.EngineAPI(self.conf, transport, timeout=10).ping(
                valet_context.get_admin_context())
        except exception.ValetException as e:
            return upgradecheck.Result(
                upgradecheck.Code.WARNING,
                'No valet-engine answered on topic %s: %s'
                % (self.conf.engine.topic, e))
        finally:
            transport.cleanup()
        return upgradecheck.Result(
            upgradecheck.Code.SUCCESS,
            'Engine %(engine_id)s answered (%(hosts)s hosts)' % answer)

    _upgrade_checks = (
        ('Database schema', _check_database),
        ('Engine reachable', _check_engine),
        ('Policy file', (common_checks.check_policy_json, {'conf': None})),
    )


def main(argv=None):
    conf = cfg.ConfigOpts()
    valet_conf.register_opts(conf)
    cli_logging.register(conf)
    checks = Checks(conf)
    # check_policy_json reads the policy options from this conf.
    checks._upgrade_checks = tuple(
        (name, (fn[0], {'conf': conf})) if isinstance(fn, tuple) else
        (name, fn) for name, fn in Checks._upgrade_checks)
    return upgradecheck.main(conf, project='valet', upgrade_command=checks,
                             argv=sys.argv[1:] if argv is None else argv)


if __name__ == '__main__':
    sys.exit(main())
