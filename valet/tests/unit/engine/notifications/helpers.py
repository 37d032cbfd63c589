"""An engine on sqlite and Nova's notifications as they cross the bus."""
import contextlib
import copy
import json
import os
import shutil
import tempfile
import time
import uuid

from valet import context as valet_context
from valet.db import api as db_api
from valet.db import migration
from valet.engine import manager as engine_manager
from valet.engine.notifications import endpoints
from valet.engine.notifications import events
from valet.engine import service as engine_service
from valet import rpc
from valet.tests import base_services
from valet.tests.functional import fixtures

HERE = os.path.dirname(os.path.abspath(__file__))
DATACENTER = os.path.join(HERE, 'datacenter.yaml')
SAMPLES = os.path.join(HERE, 'samples')
RABBIT_URL = 'rabbit://guest:guest@127.0.0.1:5672/'


@contextlib.contextmanager
def listening_engine(tmp_path, topic, engine_id=None):
    """A running EngineService on sqlite whose notification listener
    hears ``topic`` on the real RabbitMQ (RPC stays in process)."""
    base_services.require_service('rabbitmq')
    url = 'sqlite:///%s' % (tmp_path / 'valet.sqlite')
    conf = fixtures.make_conf(url, datacenter=DATACENTER)
    for name, value in (('enabled', True), ('transport_url', RABBIT_URL),
                        ('topics', [topic]), ('pool', topic),
                        ('batch_interval', 0.01)):
        conf.set_override(name, value, group='notifications')
    migration.upgrade(url)
    db = db_api.Database.from_conf(conf)
    transport = rpc.get_transport(conf, url=rpc.IN_PROCESS_URL)
    service = engine_service.EngineService(conf, transport=transport, db=db,
                                           engine_id=engine_id)
    service.start()
    try:
        yield service
    finally:
        service.stop()
        transport.cleanup()
        db.dispose()


def wait_applied(service, count, timeout=30):
    """Until the engine applied ``count`` reconciliations."""
    deadline = time.monotonic() + timeout
    reconciler = service.notifications.reconciler
    while reconciler.applied < count and time.monotonic() < deadline:
        time.sleep(0.05)
    assert reconciler.applied >= count


def sample(name):
    """A canonical sample (built with Nova's classes, see
    valet/tests/plugins/nova/notification_payloads.py)."""
    with open(os.path.join(SAMPLES, name + '.json')) as f:
        return json.load(f)


def instance(event_type, uuid_=None, host='r01h01', flavor=None):
    """An instance notification message: ``sample`` with another
    instance, host and (vcpus, memory_mb, root_gb) flavor."""
    message = copy.deepcopy(sample(event_type.replace('.', '-')))
    data = message['payload'][events.DATA]
    data['uuid'] = uuid_ or str(uuid.uuid4())
    data['host'] = data['node'] = host
    if flavor is not None:
        name, vcpus, ram, root = flavor
        data['flavor'][events.DATA].update(name=name, vcpus=vcpus,
                                           memory_mb=ram, root_gb=root)
    return message


def service(host, disabled=False, forced_down=False):
    message = copy.deepcopy(sample('service-update'))
    message['payload'][events.DATA].update(
        host=host, disabled=disabled, forced_down=forced_down,
        disabled_reason='maintenance' if disabled else None)
    return message


def aggregate(name, hosts, metadata, event_type=None):
    message = copy.deepcopy(sample('aggregate-update_metadata-end'))
    if event_type:
        message['event_type'] = event_type
    message['payload'][events.DATA].update(name=name, hosts=list(hosts),
                                           metadata=dict(metadata))
    return message


def parse(messages):
    """Events as the listener's endpoints queue them."""
    queued = []
    eps = endpoints.all_endpoints(queued.append)
    for message in messages:
        for ep in eps:
            if ep.filter_rule.match(None, message['publisher_id'],
                                    message['event_type'], None,
                                    message['payload']):
                ep.info({}, message['publisher_id'], message['event_type'],
                        message['payload'], {})
    return queued


_MIGRATED = {}


def _migrated_copy(path):
    """A migrated sqlite file at ``path``: migrations run once per
    process, each test gets a copy."""
    template = _MIGRATED.get('path')
    if template is None or not os.path.exists(template):
        template = os.path.join(tempfile.mkdtemp(prefix='valet-notif-'),
                                'template.sqlite')
        migration.upgrade('sqlite:///%s' % template)
        _MIGRATED['path'] = template
    shutil.copyfile(template, path)


def make_engine(tmp_path, **overrides):
    path = tmp_path / 'valet.sqlite'
    url = 'sqlite:///%s' % path
    conf = fixtures.make_conf(url, datacenter=DATACENTER, **overrides)
    _migrated_copy(path)
    db = db_api.Database.from_conf(conf)
    manager = engine_manager.EngineManager(conf, db, engine_id='e1')
    manager.start()
    return manager


def ctx(project='p1'):
    return valet_context.RequestContext(project_id=project, roles=['admin'],
                                        request_id='req-%s' % uuid.uuid4())


def server(flavor='m1.small', groups=()):
    props = {'flavor': flavor}
    if groups:
        props['metadata'] = {'valet': {'groups': list(groups)}}
    return {'type': 'OS::Nova::Server', 'properties': props}


def group(name, kind, level='host'):
    return {'type': 'OS::Valet::Group',
            'properties': {'name': name, 'type': kind, 'level': level}}
