"""Issue #8: an engine restarted cold rebuilds exactly the model it had,
from the DB alone (MariaDB and PostgreSQL): every kind of decision first,
then a fresh engine on the same database, then snapshot comparison."""
import pytest

from valet.tests import base_services
from valet.tests.unit.engine import sync_fixtures as sf


@pytest.mark.parametrize('backend', ['mysql', 'postgresql'])
def test_restarted_engine_rebuilds_the_same_model(backend, tmp_path):
    path = sf.datacenter_file(tmp_path)
    with base_services.temporary_database(backend) as url:
        first = sf.make_engine(url, path, 'before', migrate=True)
        try:
            first.start()
            sf.make_decisions(first)
            before = first.datacenter.snapshot()
        finally:
            first.db.dispose()
        path.unlink()                   # the restart must not collect
        again = sf.make_engine(url, path, 'after')
        try:
            again.start()
            assert again.warm_started
            after = again.datacenter.snapshot()
        finally:
            again.db.dispose()
    assert sorted(after['hosts']) == sorted(before['hosts'])
    for name in before['hosts']:
        assert after['hosts'][name] == before['hosts'][name], name
    assert after == before
    # The decisions left something to compare.
    assert sum(h['members'] for h in after['hosts'].values()) >= 6
    assert any(p['used_gb'] for p in after['pools'].values())
    assert any(after['dedicated'].values())
