"""The REST API, resource by resource, as gabbi YAML (``gabbits/``).

Each YAML file runs against its own all-in-one Valet: the real API app
(noauth: ``X-Project-Id``/``X-Roles`` choose the caller), a real engine over
the in-process ``kombu+memory`` bus and sqlite in a temporary directory.
Placement relations (who shares a host) are checked in test_api_relations.py:
gabbi compares values, it cannot compute them.
"""
import os
import shutil
import sys
import tempfile

import unittest

from gabbi import driver
from gabbi import fixture
from gabbi import reporter
import pytest

from valet import allinone
from valet.tests.functional import fixtures

GABBITS = os.path.join(os.path.dirname(__file__), 'gabbits')


class AllInOne(fixture.GabbiFixture):
    """A fresh all-in-one Valet for one YAML file."""

    # The running one, for the intercept below; set only while a file runs.
    running = None

    def start_fixture(self):
        self.tmp = tempfile.mkdtemp(prefix='valet-gabbi-')
        conf = fixtures.make_conf(
            'sqlite:///%s' % os.path.join(self.tmp, 'valet.sqlite'))
        self.aio = allinone.AllInOne(conf).start()
        AllInOne.running = self.aio

    def stop_fixture(self):
        AllInOne.running = None
        self.aio.stop()
        shutil.rmtree(self.tmp, ignore_errors=True)


def _running_app(environ, start_response):
    return AllInOne.running.app(environ, start_response)


def app():
    """gabbi's intercept (called when tests are built, before any file's
    fixture runs): a WSGI app that calls the running all-in-one's."""
    return _running_app


def _suites():
    """One gabbi suite per YAML file, its tests in file order."""
    return list(driver.build_tests(
        GABBITS, unittest.TestLoader(), intercept=app,
        fixture_module=sys.modules[__name__], test_loader_name=__name__))


# Not gabbi's pytest plugin: it reads every test id of the session that
# holds a ':' as one of its own.  Each file's fixture starts before its
# first test and stops after its last (tests keep their order).
SUITES = _suites()
CASES = [pytest.param(index, case, id=type(case).__name__)
         for index, suite in enumerate(SUITES) for case in suite]


@pytest.fixture(scope='module')
def started():
    """Which suite's fixtures run: {'index': int or None}."""
    state = {'index': None}
    yield state
    if state['index'] is not None:
        SUITES[state['index']].stop()


@pytest.mark.parametrize('index, case', CASES)
def test_gabbi(started, index, case):
    result = reporter.PyTestResult()
    if started['index'] != index:
        if started['index'] is not None:
            SUITES[started['index']].stop()
            started['index'] = None
        SUITES[index].start(result)
        started['index'] = index
    case(result)
