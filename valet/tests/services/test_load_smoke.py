"""A smoke-size run of benchmarks/load.py: 2 valet-engine processes and a
uwsgi valet-api with 2 workers over RabbitMQ and MariaDB, 4 clients, 40
stacks on 100 hosts 70 % full.  Not timed: it checks what the database
holds afterwards (valet/tests/invariants.py), and that the checker itself
catches a broken rule and a wrong usage column."""
import sqlalchemy as sa

from benchmarks import load
from valet.tests import base_services
from valet.tests import invariants

STACKS, CLIENTS, HOSTS, SERVERS = 40, 4, 100, 5


def _sql(url, text, **params):
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.begin() as connection:
            return connection.execute(sa.text(text), params).rowcount
    finally:
        engine.dispose()


def test_load_smoke(tmp_path):
    base_services.require_service('rabbitmq')
    base_services.require_service('mysql')
    with load.cluster(tmp_path, HOSTS, engines=2, api_workers=2) as c:
        port = c.apis[-1].port
        load.warm_up(port)
        run = load.drive(port, STACKS, CLIENTS, SERVERS, prefix='smoke',
                         max_seconds=120)
        assert run.next == STACKS
        # Every request got an answer: a plan or a placement failure.
        assert not run.errors, run.errors[:3]
        assert len(run.accepted) + len(run.refused) == STACKS
        assert len(run.accepted) >= STACKS // 2
        for placements in run.accepted.values():
            assert len(placements) == SERVERS
        report = invariants.check(c.db_url, run.accepted, run.refused)
        report.assert_ok()
        assert report.plans == len(run.accepted)
        assert report.placements == SERVERS * len(run.accepted)
        assert report.hosts == HOSTS
        # Both engines decided (the bus spreads the calls): a ping tells
        # how many decisions each one committed.
        committed = [c.ping(e.name)['generation'] for e in c.engines]
        assert all(n > 0 for n in committed), committed
        assert sum(committed) == len(run.accepted), committed

        # The checker is not blind: break a diversity rule and a usage
        # column, and it says so.
        stack_id = sorted(run.accepted)[0]
        hosts = run.accepted[stack_id]
        moved = _sql(c.db_url, 'UPDATE placements SET location = :host, '
             'rack = (SELECT r.name FROM hosts h JOIN racks r '
             'ON r.id = h.rack_id WHERE h.name = :host) '
             'WHERE orchestration_id = :key AND plan_id = '
             '(SELECT id FROM plans WHERE stack_id = :stack)',
             host=hosts['s00'], key='s01', stack=stack_id)
        assert moved == 1
        broken = invariants.check(c.db_url, run.accepted, run.refused)
        assert broken.count('rule') >= 1, broken.summary()
        assert broken.count('usage') >= 2, broken.summary()  # 2 hosts
        assert broken.count('plan') == 1, broken.summary()   # s01 moved
        assert not broken.ok
