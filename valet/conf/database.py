"""[database]: oslo.db options."""
from oslo_db import options as db_options

DEFAULT_CONNECTION = 'sqlite:///valet.sqlite'


def register_opts(conf):
    db_options.set_defaults(conf, connection=DEFAULT_CONNECTION)


def list_opts():
    return {'database': db_options.database_opts}
