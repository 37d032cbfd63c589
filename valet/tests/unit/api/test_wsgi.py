"""valet.wsgi.api: the uwsgi / mod_wsgi entry point."""
import gc
import importlib
import threading

import webob

from valet.wsgi import api as wsgi_api


def test_import_builds_nothing():
    module = importlib.reload(wsgi_api)
    assert isinstance(module.application, module.LazyApplication)
    assert module.application._app is None


def test_lazy_application_builds_once():
    built = []

    def factory():
        built.append(1)

        def app(environ, start_response):
            start_response('200 OK', [('Content-Type', 'text/plain')])
            return [b'ok']
        return app

    lazy = wsgi_api.LazyApplication(factory)
    assert built == []
    threads = [threading.Thread(
        target=lambda: webob.Request.blank('/').get_response(lazy))
        for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert webob.Request.blank('/').get_response(lazy).body == b'ok'
    assert built == [1]


def _config(tmp_path, db_url):
    path = tmp_path / 'valet.conf'
    path.write_text(
        '[DEFAULT]\ntransport_url = kombu+memory:////\n'
        '[api]\nauth_strategy = noauth\n'
        '[database]\nconnection = %s\n' % db_url)
    return path


def test_init_application_from_env(tmp_path, db_url, monkeypatch):
    monkeypatch.setattr(wsgi_api.logging, 'setup', lambda *a, **k: None)
    monkeypatch.setenv(wsgi_api.CONFIG_FILE_ENV,
                       str(_config(tmp_path, db_url)))
    app = wsgi_api.LazyApplication()
    gc.unfreeze()       # what earlier tests' engines froze
    try:
        resp = webob.Request.blank('/').get_response(app)
        # Built, then its long-lived objects left the collector's walks.
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
    assert resp.status_int == 200
    assert resp.json['versions'][0]['id'] == 'v1.0'
    # noauth from the file, the schema from the file's database.
    resp = webob.Request.blank('/v1/groups').get_response(app)
    assert resp.status_int == 200, resp.text
    assert resp.json == {'groups': []}


def test_init_application_missing_file(tmp_path, monkeypatch):
    monkeypatch.setattr(wsgi_api.logging, 'setup', lambda *a, **k: None)
    monkeypatch.setenv(wsgi_api.CONFIG_FILE_ENV, str(tmp_path / 'none'))
    assert wsgi_api._config_files() == []
    monkeypatch.delenv(wsgi_api.CONFIG_FILE_ENV)
    monkeypatch.setattr(wsgi_api, 'DEFAULT_CONFIG_FILE',
                        str(tmp_path / 'valet.conf'))
    (tmp_path / 'valet.conf').write_text('[api]\nport = 8091\n')
    assert wsgi_api._config_files() == [str(tmp_path / 'valet.conf')]

