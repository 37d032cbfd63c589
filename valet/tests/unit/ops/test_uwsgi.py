"""etc/valet/valet-api-uwsgi.ini: it names an importable WSGI callable
(built lazily), and, where uwsgi is installed, uwsgi serves the API with it."""
import configparser
import importlib
import json
import os
import socket
import subprocess
import time
import urllib.request

import pytest

from valet.tests.unit.ops import helpers

INI = helpers.repo_path('etc', 'valet', 'valet-api-uwsgi.ini')


def read_ini():
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    with open(INI) as f:
        parser.read_file(f)
    return parser['uwsgi']


def test_settings():
    ini = read_ini()
    assert ini['module'] == 'valet.wsgi.api:application'
    assert ini['http-socket'] == ':8090'
    assert ini['lazy-apps'] == 'true'
    assert ini['master'] == 'true'
    assert int(ini['processes']) >= 1 and int(ini['threads']) >= 1
    # [api] engine_timeout (60 s by default) must fit in a request.
    assert int(ini['harakiri']) > 60


def test_module_names_a_lazy_wsgi_callable():
    module_name, attr = read_ini()['module'].split(':')
    module = importlib.import_module(module_name)
    application = getattr(module, attr)
    assert callable(application)
    # Importing builds nothing: the workers connect after the fork.
    assert isinstance(application, module.LazyApplication)
    assert application._app is None


def _free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def test_uwsgi_serves_the_api(tmp_path):
    uwsgi = helpers.which('uwsgi')
    if uwsgi is None:
        pytest.skip('uwsgi is not installed (pip install uwsgi)')
    db = 'sqlite:///%s' % (tmp_path / 'valet.sqlite')
    conf = tmp_path / 'valet.conf'
    conf.write_text('[DEFAULT]\ntransport_url = kombu+memory:////\n'
                    '[api]\nauth_strategy = noauth\n'
                    '[database]\nconnection = %s\n' % db)
    from valet.db import migration
    migration.upgrade(db)
    port = _free_port()
    ini = tmp_path / 'uwsgi.ini'
    with open(INI) as f:
        ini.write_text(f.read().replace(
            'http-socket = :8090', 'http-socket = 127.0.0.1:%d' % port))
    env = dict(os.environ, VALET_CONFIG_FILE=str(conf))
    log = tmp_path / 'uwsgi.log'
    with open(log, 'w') as out:
        proc = subprocess.Popen([uwsgi, '--ini', str(ini)], env=env,
                                stdout=out, stderr=subprocess.STDOUT)
    try:
        body = None
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and body is None:
            assert proc.poll() is None, log.read_text()
            try:
                with urllib.request.urlopen(
                        'http://127.0.0.1:%d/' % port, timeout=10) as resp:
                    body = json.load(resp)
            except OSError:
                time.sleep(0.25)
        assert body is not None, log.read_text()
        assert body['versions'][0]['id'] == 'v1.0'
        with urllib.request.urlopen(
                'http://127.0.0.1:%d/v1/groups' % port, timeout=10) as resp:
            assert json.load(resp) == {'groups': []}
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
