"""Engines on a shared DB and a mix of decisions, for the sync, warm-start
and cold-restart tests (unit on sqlite, services on MariaDB/PostgreSQL)."""
import shutil

import yaml

from valet import context as valet_context
from valet.db import api as db_api
from valet.db import placements as db_placements
from valet.db import migration
from valet.engine import manager as engine_manager
from valet.tests.functional import fixtures


def datacenter_file(tmp_path):
    path = tmp_path / 'dc.yaml'
    shutil.copy(fixtures.example('datacenters', 'small.yaml'), path)
    return path


def edit_datacenter(path, edit):
    """``edit(doc)`` on the YAML document of ``path``."""
    doc = yaml.safe_load(path.read_text())
    edit(doc)
    path.write_text(yaml.safe_dump(doc))


def hosts_of(doc):
    return {h['name']: h for rack in doc['zones'][0]['racks']
            for h in rack.get('hosts', ())}


def make_conf(url, path, overrides=None):
    """``overrides``: {(group, option): value}."""
    conf = fixtures.make_conf(url, datacenter=str(path))
    for (group, name), value in (overrides or {}).items():
        conf.set_override(name, value, group=group)
    return conf


def make_engine(url, path, engine_id, migrate=False, overrides=None):
    """An EngineManager (not started) with its own Database."""
    if migrate:
        migration.upgrade(url)
    conf = make_conf(url, path, overrides)
    db = db_api.Database.from_conf(conf)
    return engine_manager.EngineManager(conf, db, engine_id=engine_id)


def ctx(project='p1'):
    return valet_context.RequestContext(project_id=project, roles=['member'])


def admin():
    return valet_context.get_admin_context()


def _server(flavor='m1.small', groups=()):
    props = {'flavor': flavor}
    if groups:
        props['metadata'] = {'valet': {'groups': list(groups)}}
    return {'type': 'OS::Nova::Server', 'properties': props}


def _group(name, kind, level):
    return {'type': 'OS::Valet::Group',
            'properties': {'name': name, 'type': kind, 'level': level}}


def _stack(tag):
    return {
        'div': _group('div-%s' % tag, 'diversity', 'rack'),
        'ex': _group('ex-%s' % tag, 'exclusivity', 'host'),
        'web-1': _server(groups=['div-%s' % tag]),
        'web-2': _server(groups=['div-%s' % tag]),
        'db-1': _server('m1.medium', groups=['ex-%s' % tag]),
        'vol': {'type': 'OS::Cinder::Volume', 'properties': {'size': 40}},
        'att': {'type': 'OS::Cinder::VolumeAttachment', 'properties': {
            'instance_uuid': 'db-1', 'volume_id': 'vol'}},
        'p1': {'type': 'OS::Valet::Pipe', 'properties': {
            'source': 'web-1', 'target': 'db-1', 'bandwidth_mbps': 300}},
        'p2': {'type': 'OS::Valet::Pipe', 'properties': {
            'source': 'web-2', 'target': 'vol', 'bandwidth_mbps': 200}},
    }


def make_decisions(manager):
    """Create, update, delete, reserve, ad-hoc servers and volumes, pipes:
    every kind of decision that changes the model."""
    manager.create_plan(ctx(), 'a', 'stack-a', _stack('a'))
    manager.create_plan(ctx(), 'b', 'stack-b', _stack('b'))
    manager.create_plan(ctx(), 'c', 'stack-c', _stack('c'))
    # Update: resize one, add one, drop a pipe and the volume.
    changed = _stack('b')
    changed['web-2'] = _server('m1.large', groups=['div-b'])
    changed['web-3'] = _server(groups=['div-b'])
    del changed['p2'], changed['vol'], changed['att']
    manager.update_plan(ctx(), 'stack-b', changed)
    manager.delete_plan(ctx(), 'stack-c')
    rows = {r['orchestration_id']: r for r in db_placements.load_all(
        manager.db, admin(), stack_id='stack-a')}
    manager.reserve(ctx(), [rows['web-1']['location']],
                    orchestration_id=rows['web-1']['id'],
                    instance_uuid='uuid-web-1')
    # Nova's filters left other hosts than the planned one: a replan.
    others = sorted(set(manager.datacenter.hosts)
                    - {rows['web-2']['location']})
    manager.reserve(ctx(), others, orchestration_id=rows['web-2']['id'],
                    instance_uuid='uuid-web-2')
    server = manager.schedule_instance(ctx(), 'adhoc-1', 'm1.small')
    manager.schedule_volume(ctx(), 'adhoc-vol', 10, volume_type='ssd',
                            server=server['id'])
