"""What a scheduler filter passes when Valet cannot decide.

``[valet] failure_mode``: ``reject`` passes nothing (the boot fails with
"no valid host", and the log says why), ``yield`` passes every candidate
(the service schedules as if Valet were not there).  Either way the reason
is logged once, with the engine's explanation.
"""
import logging

from valet import exception

LOG = logging.getLogger(__name__)

REJECT = 'reject'
YIELD = 'yield'


def describe(error):
    """One line for the log: the message and the structured reason."""
    reason = getattr(error, 'reason', None)
    text = str(error) or error.__class__.__name__
    if reason:
        text = '%s (reason: %s)' % (text, reason)
    return text


def on_failure(conf, what, candidates, error):
    """The candidates to pass after ``error``, per ``failure_mode``."""
    mode = conf.valet.failure_mode
    if isinstance(error, exception.ValetException):
        detail = describe(error)
    else:
        # A bug in the plugin must not crash the scheduler either.
        LOG.exception('Valet plugin error while scheduling %s', what)
        detail = '%s: %s' % (error.__class__.__name__, error)
    if mode == YIELD:
        LOG.warning('Valet could not place %s, passing all %d candidates '
                    '(failure_mode=yield): %s', what, len(candidates), detail)
        return list(candidates)
    LOG.error('Valet could not place %s, passing no candidate '
              '(failure_mode=reject): %s', what, detail)
    return []
