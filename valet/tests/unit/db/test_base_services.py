"""valet.tests.base_services.require_service: skip, or fail under CI."""
import socket

import pytest

from valet.tests import base_services


@pytest.fixture
def down(monkeypatch):
    # Port 1 on localhost: nothing listens, connecting is refused at once.
    monkeypatch.setitem(base_services.SERVICES, 'nothing', ('127.0.0.1', 1))
    return 'nothing'


def test_missing_service_skips(down, monkeypatch):
    monkeypatch.delenv(base_services.REQUIRE_ENV, raising=False)
    with pytest.raises(pytest.skip.Exception):
        base_services.require_service(down)


def test_missing_service_fails_when_required(down, monkeypatch):
    monkeypatch.setenv(base_services.REQUIRE_ENV, '1')
    with pytest.raises(pytest.fail.Exception):
        base_services.require_service(down)


def test_running_service_passes(monkeypatch):
    listener = socket.socket()
    listener.bind(('127.0.0.1', 0))
    listener.listen()
    try:
        monkeypatch.setitem(base_services.SERVICES, 'here',
                            listener.getsockname())
        monkeypatch.setenv(base_services.REQUIRE_ENV, '1')
        base_services.require_service('here')
    finally:
        listener.close()
