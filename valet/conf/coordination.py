"""[coordination]: tooz, which elects the engine that syncs the inventory."""
from oslo_config import cfg

from valet.conf import base

NAME = 'coordination'
TITLE = 'Coordination between engines (tooz)'

OPTS = [
    cfg.StrOpt('backend_url', secret=True,
               help='tooz backend URL, e.g. redis://127.0.0.1:6379, '
                    'mysql://user:pass@host/db or '
                    'postgresql://user:pass@host/db. The engine holding '
                    'the tooz lock "valet-engine-sync-leader-<topic>" runs '
                    'the periodic inventory sync; the others reload what it '
                    'stored. Unset: this engine is always the leader (one '
                    'engine, or all-in-one).'),
    cfg.FloatOpt('heartbeat_interval', default=1.0, min=0.1,
                 help='Seconds between tooz heartbeats and election '
                      'attempts; a leader that stops is replaced within '
                      'this (plus the backend lock timeout if it died).'),
]


_GROUP = base.OptionGroup(NAME, TITLE, OPTS)
register_opts = _GROUP.register_opts
list_opts = _GROUP.list_opts
