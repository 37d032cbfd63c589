"""Valet's configuration options: one module per option group.

Nothing is registered at import time; a process builds its own ConfigOpts
and calls :func:`register_opts` on it.
"""
from oslo_config import cfg
from oslo_log import log

from valet.conf import api
from valet.conf import cinder
from valet.conf import coordination
from valet.conf import database
from valet.conf import engine
from valet.conf import inventory
from valet.conf import nova
from valet.conf import notifications
from valet.conf import optimizer
from valet.conf import placement
from valet.conf import qos
from valet.conf import upgrade_levels
from valet.conf import valet

MODULES = (api, database, engine, inventory, optimizer, qos, upgrade_levels,
           valet, notifications)
# keystoneauth groups of the nova and cinder inventory collectors.
MODULES += (nova, placement, cinder)
MODULES += (coordination,)


def register_opts(conf):
    for module in MODULES:
        module.register_opts(conf)


def new_conf(args=None, default_config_files=None, register_log=True):
    """A fresh, fully registered ConfigOpts parsed from ``args``."""
    conf = cfg.ConfigOpts()
    register_opts(conf)
    if register_log:
        log.register_options(conf)
    conf(args if args is not None else [], project='valet',
         default_config_files=default_config_files)
    return conf
