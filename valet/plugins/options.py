"""The host service's ``[valet]`` options (nova.conf, cinder.conf, heat.conf).

``valet.conf.valet`` owns the group (transport_url, timeout,
failure_mode); the plugins add the two things a client needs besides: the
engine's topic and exchange, and an RPC version pin for rolling
upgrades.  They are
registered on the *host's* ConfigOpts, on first use.
"""
from oslo_config import cfg

from valet.conf import valet as valet_opts

GROUP = valet_opts.NAME

CLIENT_OPTS = [
    cfg.StrOpt('topic', default='valet-engine',
               help='RPC topic valet-engine listens on ([engine] topic in '
                    'valet.conf).'),
    cfg.StrOpt('control_exchange', default='openstack',
               help='Exchange valet-engine listens on (its control_exchange; '
                    'oslo.messaging\'s default unless valet.conf sets one). '
                    'The host service\'s own exchange (nova, cinder, heat) '
                    'is never the engine\'s.'),
    cfg.StrOpt('version_cap',
               help='Highest valet-engine RPC version the plugin sends, '
                    'e.g. "1.0", while older engines are still running.'),
]


def register_opts(conf):
    """Register ``[valet]`` on ``conf`` (idempotent: services may load
    several Valet plugins, and tests build many)."""
    valet_opts.register_opts(conf)
    for opt in CLIENT_OPTS:
        # The group may one day define these itself: never register twice.
        if opt.dest not in conf[GROUP]:
            conf.register_opt(opt, group=GROUP)


def list_opts():
    """Every ``[valet]`` option a plugin reads (for docs and their test)."""
    return [(GROUP, list(valet_opts.OPTS) + CLIENT_OPTS)]
