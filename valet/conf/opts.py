"""oslo-config-generator entry points: every option Valet defines."""
from valet import conf as valet_conf
from valet.conf import database


def list_opts():
    groups = {}
    for module in valet_conf.MODULES:
        if module is database:   # listed by the oslo.db namespace itself
            continue
        for group, opts in module.list_opts().items():
            name = getattr(group, 'name', group)
            groups.setdefault(name, []).extend(opts)
    return sorted(groups.items())


def set_defaults(conf=None):
    """Valet's own defaults for library options (oslo.config.opts.defaults)."""
    from oslo_config import cfg
    database.register_opts(conf or cfg.CONF)
