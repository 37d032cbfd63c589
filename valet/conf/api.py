"""[api]: the REST service."""
from oslo_config import cfg

from valet.conf import base

NAME = 'api'
TITLE = 'Valet REST API options'

OPTS = [
    cfg.HostAddressOpt('host', default='127.0.0.1',
                       help='Address the built-in API server listens on.'),
    cfg.PortOpt('port', default=8090,
                help='Port the built-in API server listens on.'),
    cfg.StrOpt('auth_strategy', default='keystone',
               choices=[('keystone', 'Validate tokens with keystonemiddleware.'),
                        ('noauth', 'No authentication; X-Project-Id and '
                                   'X-Roles headers set the caller (all-in-one '
                                   'and tests only).')],
               help='How API requests are authenticated.'),
    cfg.IntOpt('engine_timeout', default=60, min=1,
               help='Seconds the API waits for valet-engine before '
                    'answering 503.'),
    cfg.IntOpt('max_request_body_size', default=1048576, min=1024,
               help='Largest request body accepted, in bytes.'),
    cfg.IntOpt('workers', default=1, min=1,
               help='Processes of the built-in valet-api server; they '
                    'share the listening socket and each has its own '
                    'RabbitMQ and database connections. One per CPU core '
                    'suits a dedicated API host. Not used under uwsgi or '
                    'mod_wsgi, which run their own processes.'),
    cfg.BoolOpt('metrics_public', default=False,
                help='Serve GET /metrics without authentication (for a '
                     'Prometheus scraper without a Keystone token; restrict '
                     'it in the network instead). When false, the policy '
                     'rule valet:metrics:show applies (admin by default).'),
]


_GROUP = base.OptionGroup(NAME, TITLE, OPTS)
register_opts = _GROUP.register_opts
list_opts = _GROUP.list_opts
