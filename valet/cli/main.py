"""The ``valet`` command (cliff); commands live in the ``valet.cli``
entry-point namespace."""
import json
import logging
import sys

from cliff import app
from cliff import commandmanager

from valet.cli import embedded
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

    def configure_logging(self):
        super().configure_logging()
        # The embedded engine and bus are an implementation detail of
        # one-shot commands: only their warnings matter unless -v/--debug.
        if self.options.verbose_level <= 1 and not self.options.debug:
            for name in ('valet', 'alembic', 'oslo_messaging', 'kombu',
                         'oslo_db'):
                logging.getLogger(name).setLevel(logging.ERROR)

    def clean_up(self, cmd, result, err):
        self._error = err
        if isinstance(err, embedded.ApiError) and err.reason:
            self.stderr.write('reason: %s\n' % json.dumps(err.reason,
                                                          sort_keys=True))

    def run_subcommand(self, argv):
        result = super().run_subcommand(argv)
        err = self._error
        if isinstance(err, (exception.Invalid, ValueError)) or (
                isinstance(err, embedded.ApiError) and err.status == 400):
            return EXIT_BAD_INPUT
        return result


def main(argv=None):
    return ValetApp().run(sys.argv[1:] if argv is None else argv)


if __name__ == '__main__':
    sys.exit(main())
