import pytest

from valet import allinone
from valet.tests.functional import fixtures


@pytest.fixture
def aio(tmp_path):
    conf = fixtures.make_conf('sqlite:///%s' % (tmp_path / 'valet.sqlite'))
    with allinone.AllInOne(conf) as running:
        yield running


@pytest.fixture
def client(aio):
    return fixtures.Client(aio.app)
