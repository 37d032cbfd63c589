"""Warm start, the inventory sync and its refresh by other engines (sqlite).

The sync collects outside the decision lock and applies only the
difference: these tests check that capacities change, that Valet's usage
(written by decisions, also one made while the sync ran) survives in the
DB and in the model, that generations stay CAS-correct, and that an
engine started or refreshed from the DB has exactly the model of the
engine that collected.
"""
import datetime
import threading
import time

import pytest

from valet.db import inventory as db_inventory
from valet.db import placements as db_placements
from valet.engine import collectors
from valet.engine.sync import loop as sync_loop
from valet.engine.sync import refresh as sync_refresh
from valet import exception
from valet.tests.unit.engine import sync_fixtures as sf


@pytest.fixture
def dc_path(tmp_path):
    return sf.datacenter_file(tmp_path)


@pytest.fixture
def url(tmp_path):
    return 'sqlite:///%s' % (tmp_path / 'valet.sqlite')


@pytest.fixture
def leader(url, dc_path):
    manager = sf.make_engine(url, dc_path, 'leader', migrate=True)
    manager.start()
    yield manager
    manager.db.dispose()


def _follower(url, dc_path, engine_id='follower'):
    manager = sf.make_engine(url, dc_path, engine_id, overrides={
        ('coordination', 'backend_url'): 'redis://unused'})
    manager.start()
    assert manager.sync_leader is False
    return manager


def _state(manager):
    return db_inventory.load_state(manager.db, sf.admin())


def _assert_model_matches_db(manager):
    """Usage and generations of the model are the DB's."""
    state = _state(manager)
    for name, host in manager.datacenter.hosts.items():
        row = state['hosts'][name]
        assert (host.generation, host.vcpus_used, host.memory_mb_used,
                host.disk_gb_used, host.nic_used_mbps) == (
            row['generation'], row['vcpus_used'], row['memory_mb_used'],
            row['disk_gb_used'], row['nic_used_mbps']), name


def test_cold_then_warm_start_builds_the_same_model(leader, url, dc_path):
    assert leader.warm_started is False and leader.last_sync_at is not None
    assert leader.last_sync_at.tzinfo is datetime.timezone.utc
    sf.make_decisions(leader)
    # The file is gone: a warm start must not collect.
    dc_path.unlink()
    other = _follower(url, dc_path)
    assert other.warm_started is True
    assert other.datacenter.snapshot() == leader.datacenter.snapshot()
    assert other.last_sync_at == leader.last_sync_at
    _assert_model_matches_db(other)


def test_sync_applies_capacity_and_keeps_usage(leader, dc_path):
    plan = leader.create_plan(sf.ctx(), 'p', 'st', {
        'a': {'type': 'OS::Nova::Server',
              'properties': {'flavor': 'm1.large'}}})
    host = plan['placements']['a']['location']
    before = leader.datacenter.hosts[host]
    used, vcpus = before.vcpus_used, before.vcpus
    assert used == 4

    def grow(doc):
        sf.hosts_of(doc)[host]['vcpus'] = 64
        sf.hosts_of(doc)['r01h02']['enabled'] = False
        doc['flavors'].append({'name': 'x1.new', 'vcpus': 3, 'ram': 1024,
                               'disk': 5})
    sf.edit_datacenter(dc_path, grow)
    model = leader.datacenter
    changed = leader.sync_inventory(sf.admin())
    assert sorted(changed['hosts']) == sorted({host, 'r01h02'})
    assert leader.datacenter is model          # applied in place
    after = leader.datacenter.hosts[host]
    assert after.vcpus > vcpus and after.vcpus_used == used
    assert leader.datacenter.hosts['r01h02'].enabled is False
    assert 'x1.new' in leader.datacenter.flavors
    assert _state(leader)['hosts'][host]['vcpus_used'] == used
    _assert_model_matches_db(leader)           # generations caught up
    # And the next decision commits at once (no CAS conflict, no reload).
    leader.create_plan(sf.ctx(), 'q', 'st2', {
        'b': {'type': 'OS::Nova::Server', 'properties': {'flavor': 'x1.new'}}})
    assert leader.datacenter is model
    _assert_model_matches_db(leader)


def test_a_decision_made_while_collecting_survives(leader, dc_path,
                                                   monkeypatch):
    real = collectors.collect_inventory
    placed = {}

    def slow_collect(conf):
        inventory = real(conf)
        # The decision lock is free while collectors run: decide now.
        worker = threading.Thread(target=lambda: placed.update(
            leader.create_plan(sf.ctx(), 'mid', 'mid-sync', {
                'a': {'type': 'OS::Nova::Server',
                      'properties': {'flavor': 'm1.xlarge'}}})))
        worker.start()
        worker.join(30)
        for host in inventory.hosts.values():
            host.memory_mb *= 2
        return inventory
    monkeypatch.setattr(sync_refresh.collectors, 'collect_inventory',
                        slow_collect)
    memory = {n: h.physical[1] for n, h in leader.datacenter.hosts.items()}
    leader.sync_inventory(sf.admin())
    host = placed['placements']['a']['location']
    assert leader.datacenter.hosts[host].vcpus_used == 8
    assert _state(leader)['hosts'][host]['vcpus_used'] == 8
    assert {n: h.physical[1] for n, h in leader.datacenter.hosts.items()
            } == {n: 2 * m for n, m in memory.items()}
    _assert_model_matches_db(leader)
    rows = db_placements.load_all(leader.db, sf.admin(), stack_id='mid-sync')
    assert [r['location'] for r in rows] == [host]


def test_follower_refreshes_from_the_db(leader, url, dc_path):
    follower = _follower(url, dc_path)
    assert follower.refresh_inventory(sf.admin()) is False   # nothing new
    follower.create_plan(sf.ctx(), 'f', 'st-f', {
        'a': {'type': 'OS::Nova::Server',
              'properties': {'flavor': 'm1.small'}}})

    def change(doc):
        sf.hosts_of(doc)['r02h01']['memory_mb'] = 32768
        doc['zones'][0]['racks'][0]['uplink_mbps'] = 80000
    sf.edit_datacenter(dc_path, change)
    leader.sync_inventory(sf.admin())
    # The cast also reaches engines that do not lead: they only reload.
    assert follower.sync_inventory(sf.admin()) is True
    assert follower.datacenter.hosts['r02h01'].physical[1] == 32768
    assert follower.datacenter.racks['r01'].uplink_mbps == 80000
    assert follower.sync_marker == leader.sync_marker
    assert follower.last_sync_at == leader.last_sync_at
    # Its own decision is kept: the refreshed model is the one a fresh
    # engine builds from the DB.
    _assert_model_matches_db(follower)
    probe = _follower(url, dc_path, 'probe')
    assert follower.datacenter.snapshot() == probe.datacenter.snapshot()


def test_topology_change_rebuilds(leader, url, dc_path):
    follower = _follower(url, dc_path)

    def add_host(doc):
        doc['zones'][0]['racks'][0]['hosts'].append({'name': 'r01h09'})
    sf.edit_datacenter(dc_path, add_host)
    model = leader.datacenter
    leader.sync_inventory(sf.admin())
    assert leader.datacenter is not model
    assert 'r01h09' in leader.datacenter.hosts
    follower.refresh_inventory(sf.admin())
    assert 'r01h09' in follower.datacenter.hosts
    assert follower.datacenter.snapshot() == leader.datacenter.snapshot()


def test_stale_model_of_a_busy_host_still_loses_the_cas(leader, url,
                                                        dc_path):
    """Another engine decided on a host whose inventory then changed: the
    refreshed model must not catch up its generation (it lacks that
    occupancy), so its next decision there conflicts and reloads."""
    follower = _follower(url, dc_path)
    plan = leader.create_plan(sf.ctx(), 'x', 'st-x', {
        'a': {'type': 'OS::Nova::Server',
              'properties': {'flavor': 'm1.small'}}})
    host = plan['placements']['a']['location']
    sf.edit_datacenter(dc_path, lambda doc: sf.hosts_of(doc)[host].update(
        disk_gb=3000))
    leader.sync_inventory(sf.admin())
    follower.refresh_inventory(sf.admin())
    db_gen = _state(follower)['hosts'][host]['generation']
    assert follower.datacenter.hosts[host].generation == db_gen - 2
    assert follower.datacenter.hosts[host].physical[2] == 3000


def test_load_all_matches_the_orm_read(leader):
    sf.make_decisions(leader)
    with leader.db.reader(sf.admin()) as session:
        expected = db_placements.to_dicts(session)
    assert db_placements.load_all(leader.db, sf.admin()) == expected
    assert any(r['groups'] for r in expected)
    assert any(r['metadata'] for r in expected)
    with leader.db.reader(sf.admin()) as session:
        one = db_placements.to_dicts(session, db_placements
                                     .select_placements().where(
                                         db_placements.models.Plan.stack_id
                                         == 'stack-a'))
    assert db_placements.load_all(leader.db, sf.admin(),
                                  stack_id='stack-a') == one


def test_sync_loop_without_backend_leads_and_syncs(leader, dc_path):
    leader.conf.set_override('sync_interval', 1, group='inventory')
    leader.conf.set_override('heartbeat_interval', 0.1, group='coordination')
    first = leader.sync_marker
    loop = sync_loop.SyncLoop(leader.conf, leader)
    loop.start()
    try:
        deadline = time.time() + 20
        while time.time() < deadline and (
                leader.sync_marker is None or leader.sync_marker == first):
            time.sleep(0.1)
    finally:
        loop.stop()
    assert leader.sync_leader is True
    assert leader.sync_marker.id > first.id
    assert leader.sync_marker.engine_id == 'leader'


def test_a_failing_collector_keeps_the_model(leader, monkeypatch):
    def broken(conf):
        raise exception.Invalid(detail='nova is down')
    monkeypatch.setattr(sync_refresh.collectors, 'collect_inventory', broken)
    model, marker = leader.datacenter, leader.sync_marker
    with pytest.raises(exception.Invalid):
        leader.sync_inventory(sf.admin())
    assert leader.datacenter is model and leader.sync_marker == marker


def test_bulk_build_equals_placing_one_by_one(leader):
    """Datacenter.build's inlined loop and _place agree, usage included."""
    from valet.engine.model import datacenter as dc_model
    sf.make_decisions(leader)
    rows = db_placements.load_all(leader.db, sf.admin())
    groups = db_placements.load_group_rules(leader.db, sf.admin())
    bulk = dc_model.Datacenter.build(leader.inventory, placements=rows,
                                     groups=groups)
    single = dc_model.Datacenter.build(leader.inventory, groups=groups)
    for row in rows:
        single._place(row, 1, usage=True)
    assert bulk.snapshot() == single.snapshot()
    assert sum(h.members for h in bulk.hosts.values()) > 5
