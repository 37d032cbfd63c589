"""heat.conf settings the Valet plugin depends on, said once in the log."""
import logging
import threading

LOG = logging.getLogger(__name__)

_said = set()
_lock = threading.Lock()


def problems(conf):
    """What in heat.conf keeps Valet from working, as log sentences."""
    found = []
    if not _option(conf, 'stack_scheduler_hints', False):
        found.append(
            'heat.conf [DEFAULT] stack_scheduler_hints is False: Heat will '
            'not pass heat_resource_uuid to Nova and Cinder, so their Valet '
            'filters cannot find the planned hosts and will place every '
            'server and volume ad hoc. Set stack_scheduler_hints = True.')
    if _option(conf, 'convergence_engine', False):
        found.append(
            'heat.conf [DEFAULT] convergence_engine is True: the convergence '
            'engine does not call stack lifecycle plugins, so Valet will '
            'plan no stack. Set convergence_engine = False.')
    return found


def warn_once(conf):
    """Log each problem once per process (startup and first stack)."""
    for text in problems(conf):
        with _lock:
            if text in _said:
                continue
            _said.add(text)
        LOG.warning('Valet: %s', text)


def _option(conf, name, default):
    try:
        return getattr(conf, name)
    except Exception:      # not registered in this process
        return default
