"""A small threaded WSGI server for development and the all-in-one mode.

Production deployments run ``valet.wsgi.api:application`` under uwsgi or
mod_wsgi instead.
"""
import logging
import socketserver
from wsgiref import simple_server

LOG = logging.getLogger(__name__)


class _ThreadingWSGIServer(socketserver.ThreadingMixIn,
                           simple_server.WSGIServer):
    daemon_threads = True
    allow_reuse_address = True


class _QuietHandler(simple_server.WSGIRequestHandler):
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
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
