"""oslo-config-generator entry point: every option Valet defines."""
from valet import conf as valet_conf


def list_opts():
    groups = {}
    for module in valet_conf.MODULES:
        for group, opts in module.list_opts().items():
            name = getattr(group, 'name', group)
            groups.setdefault(name, []).extend(opts)
    return sorted(groups.items())
