"""What every plugin test directory shares: a real engine per test.

Each service's own conftest decides whether its tests are collected at all
(they are not when that service is not installed, as in the main suite).
"""
import pytest


@pytest.fixture
def aio(tmp_path):
    from valet.tests.plugins import engine
    with engine.running(tmp_path) as running:
        yield running
