"""The built-in server keeps HTTP/1.1 connections alive only while it can
tell where each request and each response ends."""
import http.client
import socket
import threading

import pytest

from valet.cmd import serve


def _app(environ, start_response):
    """/read echoes the body's length; /ignore leaves the body unread;
    /stream answers without Content-Length; /fail raises."""
    path = environ['PATH_INFO']
    if path == '/fail':
        raise RuntimeError('boom')
    if path == '/stream':
        start_response('200 OK', [('Content-Type', 'text/plain')])
        return iter([b'one ', b'two'])
    body = b''
    if path == '/read':
        body = environ['wsgi.input'].read(
            int(environ.get('CONTENT_LENGTH') or 0))
    answer = b'%s %d %d' % (path.encode(), len(body), threading.get_ident())
    start_response('200 OK', [('Content-Type', 'text/plain'),
                              ('Content-Length', str(len(answer)))])
    return [answer]


@pytest.fixture
def port():
    server = serve.make_server(_app, '127.0.0.1', 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_port
    server.shutdown()
    server.server_close()


def _get(conn, method, path, body=None, headers=None):
    conn.request(method, path, body=body, headers=headers or {})
    resp = conn.getresponse()
    return resp, resp.read()


def _thread_of(body):
    return body.split()[-1]


def test_requests_share_a_kept_alive_connection(port):
    conn = http.client.HTTPConnection('127.0.0.1', port, timeout=10)
    resp, first = _get(conn, 'GET', '/a')
    sock = conn.sock
    assert resp.version == 11 and resp.getheader('Connection') is None
    # An unread body is drained: the next request is read after it.
    resp, ignored = _get(conn, 'POST', '/ignore', body=b'x' * 5000)
    resp, read = _get(conn, 'POST', '/read', body=b'y' * 7)
    assert read.split()[:2] == [b'/read', b'7']
    assert conn.sock is sock
    assert _thread_of(first) == _thread_of(ignored) == _thread_of(read)
    conn.close()


def _raw(port, data):
    """Everything the server sends back before it closes."""
    with socket.create_connection(('127.0.0.1', port), timeout=10) as s:
        s.sendall(data)
        chunks = []
        while True:
            chunk = s.recv(65536)
            if not chunk:
                return b''.join(chunks)
            chunks.append(chunk)


def test_pipelined_requests_then_close(port):
    answer = _raw(port, b'GET /a HTTP/1.1\r\nHost: x\r\n\r\n'
                        b'POST /read HTTP/1.1\r\nHost: x\r\n'
                        b'Content-Length: 3\r\n\r\nabc'
                        b'GET /c HTTP/1.1\r\nHost: x\r\n'
                        b'Connection: close\r\n\r\n')
    assert answer.count(b'HTTP/1.1 200 OK') == 3
    assert b'/read 3 ' in answer and b'/c 0 ' in answer
    assert answer.count(b'Connection: close') == 1


@pytest.mark.parametrize('request_bytes', [
    # HTTP/1.0 clients get one answer per connection.
    b'GET /a HTTP/1.0\r\n\r\n',
    # The end of a chunked body is not known.
    b'POST /ignore HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n'
    b'\r\n3\r\nabc\r\n0\r\n\r\n',
    # Too much unread body to drain.
    b'POST /ignore HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n'
    % (serve.MAX_DRAINED_BODY + 1) + b'z' * (serve.MAX_DRAINED_BODY + 1),
    # A response without Content-Length ends when the connection does.
    b'GET /stream HTTP/1.1\r\nHost: x\r\n\r\n',
    # An application error.
    b'GET /fail HTTP/1.1\r\nHost: x\r\n\r\n',
])
def test_connection_closes_when_the_end_is_unknown(port, request_bytes):
    # _raw returns only once the server closed the connection.
    answer = _raw(port, request_bytes + b'GET /never HTTP/1.1\r\n\r\n')
    assert answer.count(b'HTTP/1.') == 1
    assert b'Connection: close' in answer
    assert b'/never' not in answer
    if b'/stream' in request_bytes:
        assert answer.endswith(b'one two')


def test_idle_connection_is_closed(port, monkeypatch):
    monkeypatch.setattr(serve._QuietHandler, 'timeout', 0.5)
    with socket.create_connection(('127.0.0.1', port), timeout=10) as s:
        s.sendall(b'GET /a HTTP/1.1\r\nHost: x\r\n\r\n')
        data = b''
        while b'/a 0' not in data:
            data += s.recv(65536)
        # Nothing more is sent: the server closes after its timeout.
        assert s.recv(65536) == b''


def test_expect_100_continue_is_answered_at_once(port):
    with socket.create_connection(('127.0.0.1', port), timeout=5) as s:
        s.sendall(b'POST /read HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n'
                  b'Expect: 100-continue\r\n\r\n')
        assert s.recv(65536).startswith(b'HTTP/1.1 100 Continue\r\n')
        s.sendall(b'ok')
        data = b''
        while b'/read 2' not in data:
            data += s.recv(65536)
