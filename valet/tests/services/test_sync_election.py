"""Leader election over real tooz backends (Redis, MariaDB): two engines on
one MariaDB database, exactly one leads and syncs; when it stops, the
other takes over and syncs what the collectors now report."""
import time

import pytest

from valet.engine.sync import loop as sync_loop
from valet.tests import base_services
from valet.tests.unit.engine import sync_fixtures as sf

BACKENDS = {
    'redis': ('redis', 'redis://127.0.0.1:6379?timeout=5'),
    'mysql': ('mysql', 'mysql://root@127.0.0.1/test'),
}


@pytest.fixture(scope='module')
def db_url():
    with base_services.temporary_database('mysql') as url:
        yield url


def _wait(predicate, timeout=30, what='condition'):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    pytest.fail('timed out waiting for %s' % what)


@pytest.mark.parametrize('backend', sorted(BACKENDS))
def test_one_leader_and_takeover(backend, db_url, tmp_path):
    service, url = BACKENDS[backend]
    base_services.require_service(service)
    path = sf.datacenter_file(tmp_path)
    overrides = {('coordination', 'backend_url'): url,
                 ('coordination', 'heartbeat_interval'): 0.2,
                 ('inventory', 'sync_interval'): 3600,
                 ('inventory', 'refresh_interval'): 1}
    engines, loops = [], []
    try:
        for n in range(2):
            manager = sf.make_engine(db_url, path, 'e%d-%s' % (n, backend),
                                     migrate=(n == 0), overrides=overrides)
            if engines:      # one topic, hence one election
                manager.conf.set_override('topic',
                                          engines[0].conf.engine.topic,
                                          group='engine')
            manager.start()
            engines.append(manager)
        for manager in engines:
            loops.append(sync_loop.SyncLoop(manager.conf, manager))
            loops[-1].start()

        def leaders():
            return [m for m in engines if m.sync_leader]
        _wait(lambda: len(leaders()) == 1, what='a leader')
        time.sleep(1.0)                     # and it stays alone
        (leader,) = leaders()
        other = next(m for m in engines if m is not leader)
        assert not other.sync_leader
        # Taking the lead, it synced; the other picked that up.
        _wait(lambda: leader.sync_marker.engine_id == leader.engine_id,
              what='the leader to sync')
        _wait(lambda: other.sync_marker == leader.sync_marker,
              what='the other engine to refresh')

        sf.edit_datacenter(path, lambda doc: sf.hosts_of(doc)[
            'r02h02'].update(vcpus=48))
        loops[engines.index(leader)].stop()
        assert not leader.sync_leader
        _wait(lambda: other.sync_leader, what='the takeover')
        _wait(lambda: other.sync_marker.engine_id == other.engine_id,
              what='the new leader to sync')
        assert other.datacenter.hosts['r02h02'].physical[0] == 48
        assert other.inventory.hosts['r02h02'].vcpus == 48
        assert not leader.sync_leader
    finally:
        for loop in loops:
            loop.stop()
        for manager in engines:
            manager.db.dispose()


def test_a_lost_redis_lock_costs_the_lead():
    """The lock expired (the leader stalled past its timeout) and another
    engine took it: the first one must notice and stop leading."""
    base_services.require_service('redis')
    import redis
    from valet import conf as valet_conf
    from valet.engine import coordination
    conf = valet_conf.new_conf([], default_config_files=[])
    conf.set_override('backend_url', BACKENDS['redis'][1],
                      group='coordination')
    conf.set_override('topic', 'lost-%s' % time.time_ns(), group='engine')
    first = coordination.Election(conf, 'first')
    second = coordination.Election(conf, 'second')
    try:
        assert first.tick() is True
        assert second.tick() is False
        client = redis.Redis(host='127.0.0.1', port=6379)
        (key,) = [k for k in client.keys('*')
                  if conf.engine.topic.encode() in k]
        client.delete(key)                  # as if it had expired
        assert first.tick() is False
        assert second.tick() is True
        assert first.tick() is False
    finally:
        first.stop()
        second.stop()
