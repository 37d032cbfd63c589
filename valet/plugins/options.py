"""The host service's ``[valet]`` options (nova.conf, cinder.conf, heat.conf).

``valet.conf.valet`` defines the group: transport, timeout, failure mode,
and what a client needs besides (the engine's topic and exchange, an RPC
version pin for rolling upgrades).  They are registered on the *host's*
ConfigOpts, on first use.
"""
from valet.conf import valet as valet_opts

GROUP = valet_opts.NAME


def register_opts(conf):
    """Register ``[valet]`` on ``conf`` (idempotent: services may load
    several Valet plugins, and tests build many)."""
    valet_opts.register_opts(conf)


def list_opts():
    """Every ``[valet]`` option a plugin reads (for docs and their test)."""
    return [(GROUP, list(valet_opts.OPTS))]
