"""The ``valet`` command (cliff); commands live in the ``valet.cli``
entry-point namespace.

Exit status: 0 on success, 1 on an error from valet-api or the connection
(the message, and the optimizer's reason if any, on stderr), 2 on bad input
(a malformed template, a 400 from the API).
"""
import json
import logging
import sys

from cliff import app
from cliff import commandmanager

from valet.cli import client
from valet.cli import connection
from valet import exception
from valet import version

EXIT_ERROR = 1
EXIT_BAD_INPUT = 2


class ValetApp(app.App):

    def __init__(self):
        super().__init__(
            description='Valet: whole-application placement for OpenStack',
            version=version.version_string(),
            command_manager=commandmanager.CommandManager('valet.cli'),
            deferred_help=True)
        self._error = None
        self._client = None

    def build_option_parser(self, description, version, argparse_kwargs=None):
        parser = super().build_option_parser(description, version,
                                             argparse_kwargs)
        connection.add_arguments(parser)
        return parser

    def configure_logging(self):
        super().configure_logging()
        # The embedded engine and bus are an implementation detail of
        # one-shot commands: only their warnings matter unless -v/--debug.
        if self.options.verbose_level <= 1 and not self.options.debug:
            for name in ('valet', 'alembic', 'oslo_messaging', 'kombu',
                         'oslo_db', 'keystoneauth'):
                logging.getLogger(name).setLevel(logging.ERROR)

    def api_configured(self):
        """Whether options/environment name a valet-api to talk to."""
        return connection.configured(self.options)

    def valet(self):
        """The HTTP client of the configured valet-api (built once)."""
        if self._client is None:
            self._client = connection.make_client(self.options)
        return self._client

    def clean_up(self, cmd, result, err):
        self._error = err
        if isinstance(err, client.ApiError) and err.reason:
            self.stderr.write('reason: %s\n' % json.dumps(err.reason,
                                                          sort_keys=True))

    def run_subcommand(self, argv):
        result = super().run_subcommand(argv)
        err = self._error
        if isinstance(err, (exception.Invalid, ValueError)) or (
                isinstance(err, client.ApiError) and err.status == 400):
            return EXIT_BAD_INPUT
        return result


def main(argv=None):
    return ValetApp().run(sys.argv[1:] if argv is None else argv)


if __name__ == '__main__':
    sys.exit(main())
