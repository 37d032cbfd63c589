"""A small threaded WSGI server for development and the all-in-one mode.

wsgiref's server, one thread per connection, speaking HTTP/1.1: a client
that keeps its connection alive sends its next request on it instead of
connecting again.

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

from valet import heap

LOG = logging.getLogger(__name__)

# Seconds between two restarts of a worker that died, so that a worker
# failing at start does not make the parent spin.
RESTART_DELAY = 1.0

# Seconds a kept-alive connection may stay idle before the server closes it.
KEEPALIVE_TIMEOUT = 30
# Bytes of request body an application left unread that the server reads
# and drops to keep the connection; a longer rest closes it instead.
MAX_DRAINED_BODY = 65536


class _ThreadingWSGIServer(socketserver.ThreadingMixIn,
                           simple_server.WSGIServer):
    daemon_threads = True
    allow_reuse_address = True
    # socketserver's default backlog is 5: a burst of concurrent clients
    # would have its SYNs dropped and retried a second later.
    request_queue_size = 128


class _RequestBody:
    """``wsgi.input`` of a request with a Content-Length: at most that many
    bytes of the connection, counted, so that the next request on a
    kept-alive connection is read from where this body ends."""

    def __init__(self, stream, length):
        self._stream = stream
        self.remaining = length

    def _size(self, size):
        if size is None or size < 0 or size > self.remaining:
            return self.remaining
        return size

    def _took(self, data):
        # A client that closes early ends the body (and the connection).
        self.remaining = self.remaining - len(data) if data else 0
        return data

    def read(self, size=-1):
        size = self._size(size)
        return self._took(self._stream.read(size)) if size else b''

    def readline(self, size=-1):
        size = self._size(size)
        return self._took(self._stream.readline(size)) if size else b''

    def readlines(self, hint=-1):
        lines, total = [], 0
        for line in self:
            lines.append(line)
            total += len(line)
            if 0 < hint <= total:
                break
        return lines

    def __iter__(self):
        return iter(self.readline, b'')

    def drain(self, limit):
        """Read and drop what the application left of the body; False if
        that is more than ``limit`` bytes (the connection must close)."""
        if self.remaining > limit:
            return False
        while self.remaining:
            if not self.read(min(self.remaining, 65536)):
                return False
        return True


class _ServerHandler(simple_server.ServerHandler):
    """wsgiref's handler, answering HTTP/1.1 and saying whether the
    connection may serve another request."""

    http_version = '1.1'
    # Set by the request handler: the request allows keeping the connection.
    keep_alive = False

    def cleanup_headers(self):
        super().cleanup_headers()
        # The client must know where the response ends, and the next
        # request must start where this one's body ends.
        framed = ('Content-Length' in self.headers
                  or self.status[:3] in ('204', '304'))
        self.keep_alive = (self.keep_alive and framed
                           and self.stdin.drain(MAX_DRAINED_BODY))
        if not self.keep_alive:
            self.headers['Connection'] = 'close'

    def handle_error(self):
        self.keep_alive = False
        super().handle_error()

    def close(self):
        # Only reached once the whole response was written.
        self.request_handler.close_connection = not self.keep_alive
        super().close()


class _QuietHandler(simple_server.WSGIRequestHandler):
    """One connection: HTTP/1.1 requests one after the other while the
    client keeps it alive (Valet's CLI, keystoneauth sessions); HTTP/1.0 and
    requests whose end cannot be told are answered, then closed."""

    protocol_version = 'HTTP/1.1'
    # Seconds an idle kept-alive connection (or a stalled client) holds its
    # thread before the server closes it.
    timeout = KEEPALIVE_TIMEOUT
    # wsgiref writes the status line, each header line and the body with
    # separate send calls; a buffered writer sends the response in one go
    # (flushed by wsgiref after the body and by finish()).
    wbufsize = 65536
    disable_nagle_algorithm = True

    def handle(self):
        self.close_connection = True
        self._handle_one()
        while not self.close_connection:
            self._handle_one()

    def _handle_one(self):
        self.close_connection = True
        try:
            self.raw_requestline = self.rfile.readline(65537)
            if not self.raw_requestline:
                return              # the client closed the connection
            if len(self.raw_requestline) > 65536:
                self.requestline = ''
                self.request_version = ''
                self.command = ''
                self.send_error(414)
                return
            if not self.parse_request():
                return              # parse_request sent the error
        except TimeoutError:
            return                  # idle too long: close
        body, framed = self._body()
        handler = _ServerHandler(body, self.wfile, self.get_stderr(),
                                 self.get_environ(), multithread=True)
        handler.request_handler = self
        handler.keep_alive = (framed and not self.close_connection
                              and self.request_version == 'HTTP/1.1')
        self.close_connection = True
        handler.run(self.server.get_app())

    def handle_expect_100(self):
        # "100 Continue" must leave now, not with the buffered response.
        answered = super().handle_expect_100()
        self.wfile.flush()
        return answered

    def _body(self):
        """(wsgi.input, whether the body's end is known)."""
        if self.headers.get('Transfer-Encoding'):
            return self.rfile, False
        try:
            length = int(self.headers.get('Content-Length') or 0)
        except ValueError:
            return self.rfile, False
        if length < 0:
            return self.rfile, False
        return _RequestBody(self.rfile, length), True

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
    # The application is built: what it holds lives as long as the
    # process, out of the collector's walks from here on.
    heap.settle()
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
