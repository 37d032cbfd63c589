"""A small threaded WSGI server for development and the all-in-one mode.

``serve_workers`` forks ``[api] workers`` processes that share one
listening socket, each a threaded server with its own application (so its
own RabbitMQ and database connections, opened after the fork).  Production
deployments may instead run ``valet.wsgi.api:application`` under uwsgi or
mod_wsgi.
"""
import logging
import os
import signal
import socketserver
import time
from wsgiref import simple_server

LOG = logging.getLogger(__name__)

# Seconds between two restarts of a worker that died, so that a worker
# failing at start does not make the parent spin.
RESTART_DELAY = 1.0


class _ThreadingWSGIServer(socketserver.ThreadingMixIn,
                           simple_server.WSGIServer):
    daemon_threads = True
    allow_reuse_address = True
    # socketserver's default backlog is 5: a burst of concurrent clients
    # would have its SYNs dropped and retried a second later.
    request_queue_size = 128


class _QuietHandler(simple_server.WSGIRequestHandler):
    # wsgiref writes the status line, each header line and the body with
    # separate send calls; a buffered writer sends the response in one go
    # (flushed by wsgiref after the body and by finish()).
    wbufsize = 65536
    disable_nagle_algorithm = True

    def log_message(self, fmt, *args):
        LOG.info('%s %s', self.address_string(), fmt % args)


def make_server(app, host, port):
    return simple_server.make_server(host, port, app,
                                     server_class=_ThreadingWSGIServer,
                                     handler_class=_QuietHandler)


def serve(app, host, port):
    server = make_server(app, host, port)
    LOG.info('Serving the Valet API on http://%s:%s/', host,
             server.server_port)
    _serve_forever(server)


def _serve_forever(server):
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


def serve_workers(app_factory, host, port, workers):
    """Serve ``app_factory()`` on ``host:port`` from ``workers`` processes.

    One worker runs in this process.  With more, the socket is bound here
    and each forked worker builds its own application: RabbitMQ and
    database connections must not cross a fork.  A worker that dies is
    restarted; SIGTERM or SIGINT stops them all.
    """
    if workers <= 1:
        serve(app_factory(), host, port)
        return
    server = make_server(None, host, port)
    # Every worker wakes up for a new connection; those that lose the
    # accept() get EAGAIN (socketserver ignores it) instead of blocking.
    server.socket.setblocking(False)
    LOG.info('Serving the Valet API on http://%s:%s/ with %d workers',
             host, server.server_port, workers)
    children = {}
    stopping = []

    def stop(signum, frame):
        stopping.append(signum)
        for pid in list(children):
            _kill(pid, signal.SIGTERM)

    old = {sig: signal.signal(sig, stop)
           for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        for index in range(workers):
            children[_fork_worker(server, app_factory, old)] = index
        while children:
            try:
                pid, status = os.wait()
            except ChildProcessError:
                break
            except InterruptedError:
                continue
            index = children.pop(pid, None)
            if index is None or stopping:
                continue
            LOG.error('valet-api worker %d (pid %d) exited with status %s; '
                      'restarting it', index, pid, status)
            time.sleep(RESTART_DELAY)
            if not stopping:
                children[_fork_worker(server, app_factory, old)] = index
    finally:
        for pid in list(children):
            _kill(pid, signal.SIGKILL)
        for sig, handler in old.items():
            signal.signal(sig, handler)
        server.server_close()


def _fork_worker(server, app_factory, signal_handlers):
    # Signals wait until the worker has its own handlers back: the
    # parent's would make it stop its siblings.
    signals = set(signal_handlers)
    signal.pthread_sigmask(signal.SIG_BLOCK, signals)
    pid = os.fork()
    if pid:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, signals)
        return pid
    # The worker: default signals (SIGTERM ends it), its own application.
    code = 0
    try:
        for sig, handler in signal_handlers.items():
            signal.signal(sig, handler)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, signals)
        server.set_app(app_factory())
        _serve_forever(server)
    except BaseException:  # noqa: BLE001 - logged, then the worker exits
        LOG.exception('valet-api worker %d failed', os.getpid())
        code = 1
    finally:
        os._exit(code)


def _kill(pid, sig):
    try:
        os.kill(pid, sig)
    except ProcessLookupError:
        pass
