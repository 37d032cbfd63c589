"""Logging for the operator commands: results on stdout, logs on stderr,
and only warnings unless --debug (alembic narrates every step at INFO)."""
from oslo_log import log


def register(conf):
    log.register_options(conf)
    conf.set_default('use_stderr', True)
    log.set_defaults(default_log_levels=log.get_default_log_levels() + [
        'alembic=WARN', 'valet=WARN', 'oslo_messaging=WARN'])


def setup(conf):
    log.setup(conf, 'valet')
