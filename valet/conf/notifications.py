"""[notifications]: the engine's listener on Nova's versioned notifications."""
from oslo_config import cfg

from valet.conf import base

NAME = 'notifications'
TITLE = 'Nova versioned notification listener (valet-engine)'

OPTS = [
    cfg.BoolOpt('enabled', default=False,
                help='Listen to Nova versioned notifications to keep usage, '
                     'host state and aggregates current between inventory '
                     'syncs, and to reconcile decisions with where Nova '
                     'really put each server.  Nova must emit them '
                     '(nova.conf [notifications] notification_format = '
                     'versioned or both).'),
    cfg.StrOpt('transport_url', secret=True,
               help='Bus Nova publishes its notifications on; defaults to '
                    '[oslo_messaging_notifications] transport_url, then '
                    '[DEFAULT] transport_url.'),
    cfg.ListOpt('topics', default=['versioned_notifications'],
                help='Topics Nova emits versioned notifications on (nova.conf '
                     '[notifications] versioned_notifications_topics).'),
    cfg.StrOpt('exchange', default='nova',
               help='Control exchange Nova publishes on (nova.conf [DEFAULT] '
                    'control_exchange).'),
    cfg.StrOpt('pool', default='valet-engine',
               help='Listener pool: every engine in one pool shares one '
                    'queue, so each notification is applied once (the DB '
                    'generations tell the other engines).  Other consumers '
                    'of the same topics (Ceilometer ...) keep their own '
                    'copies.'),
    cfg.IntOpt('batch_size', default=100, min=1,
               help='Most notifications applied in one DB transaction while '
                    'decisions wait; smaller batches hold the decision lock '
                    'for less time.'),
    cfg.FloatOpt('batch_interval', default=0.02, min=0.0,
                 help='Seconds the applier waits to gather a batch and '
                      'leaves the decision lock free between batches.'),
]


_GROUP = base.OptionGroup(NAME, TITLE, OPTS)
register_opts = _GROUP.register_opts
list_opts = _GROUP.list_opts
