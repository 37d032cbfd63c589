"""The built-in server's ``[api] workers``: forked processes sharing one
socket, each with its own application, restarted when one dies, all
stopped by SIGTERM.  Run in a subprocess: pytest's own process must not
fork."""
import os
import signal
import subprocess
import sys
import textwrap
import time

from valet.tests import net

SERVER = textwrap.dedent('''
    import gc, json, os, sys
    from valet.cmd import serve

    def factory():
        built_in = os.getpid()      # the application is built per worker

        def app(environ, start_response):
            body = json.dumps({'pid': os.getpid(), 'built_in': built_in,
                               'frozen': gc.get_freeze_count()}).encode()
            start_response('200 OK', [('Content-Type', 'application/json'),
                                      ('Content-Length', str(len(body)))])
            return [body]
        return app

    serve.serve_workers(factory, '127.0.0.1', int(sys.argv[1]),
                        int(sys.argv[2]))
''')


def _children(pid):
    found = []
    for task in os.listdir('/proc/%d/task' % pid):
        with open('/proc/%d/task/%s/children' % (pid, task)) as f:
            found += [int(p) for p in f.read().split()]
    return sorted(found)


def _wait(predicate, timeout=90):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError('timed out')


def _answer(port):
    try:
        status, body = net.http('GET', 'http://127.0.0.1:%d/' % port,
                                timeout=5)
    except OSError:
        return None
    return body if status == 200 else None


def test_workers_share_the_socket_and_restart(tmp_path):
    port = net.free_port()
    proc = subprocess.Popen([sys.executable, '-c', SERVER, str(port), '2'],
                            stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        _wait(lambda: _answer(port))
        workers = _wait(lambda: len(_children(proc.pid)) == 2
                        and _children(proc.pid))
        answers = [_answer(port) for _ in range(20)]
        for body in answers:
            # Served by a worker, with the application built in it.
            assert body['pid'] in workers
            assert body['built_in'] == body['pid']
            # Its long-lived objects are out of the collector's walks.
            assert body['frozen'] > 0

        os.kill(workers[0], signal.SIGKILL)
        replaced = _wait(lambda: len(_children(proc.pid)) == 2
                         and workers[0] not in _children(proc.pid)
                         and _children(proc.pid))
        assert workers[1] in replaced
        assert _wait(lambda: _answer(port))['pid'] in replaced

        proc.send_signal(signal.SIGTERM)
        assert proc.wait(60) == 0
        for pid in replaced:
            assert not os.path.exists('/proc/%d/stat' % pid) or \
                open('/proc/%d/stat' % pid).read().split()[2] == 'Z'
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_one_worker_serves_in_process():
    port = net.free_port()
    proc = subprocess.Popen([sys.executable, '-c', SERVER, str(port), '1'],
                            stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        body = _wait(lambda: _answer(port))
        assert body['pid'] == proc.pid
        assert body['frozen'] > 0
        assert _children(proc.pid) == []
    finally:
        proc.terminate()
        proc.wait(15)
