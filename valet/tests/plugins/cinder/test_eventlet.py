"""The Cinder filter inside an eventlet-patched cinder-scheduler process."""
import json
import os
import subprocess
import sys
import uuid

from valet import context as valet_context
from valet.engine import rpcapi
from valet.tests import base_services
from valet.tests.plugins.cinder import helpers
from valet.tests.plugins import engine

PLAN = {
    'u-db': {'type': 'OS::Nova::Server', 'properties': {'flavor': 'm1.large'}},
    'u-vol': {'type': 'OS::Cinder::Volume', 'properties': {'size': 100}},
    'u-att': {'type': 'OS::Cinder::VolumeAttachment',
              'properties': {'instance_uuid': 'u-db', 'volume_id': 'u-vol'}}}
VOLUMES = [{'size': 100, 'hints': {'heat_resource_uuid': 'u-vol'}},
           {'size': 10}, {'size': 20}]


def green_scheduler(args):
    env = dict(os.environ)
    env.pop('OS_CINDER_DISABLE_EVENTLET_PATCHING', None)
    out = subprocess.run(
        [sys.executable, '-m', 'valet.tests.plugins.cinder.green_scheduler',
         json.dumps(args)], capture_output=True, text=True, timeout=240,
        env=env, cwd=os.getcwd())
    assert out.returncode == 0, out.stderr[-4000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_filter_in_a_patched_process_in_memory(tmp_path):
    result = green_scheduler({'engine_db': str(tmp_path), 'plan': PLAN,
                              'pools': helpers.POOLS, 'volumes': VOLUMES})
    assert result['patched'] is True
    planned, *ad_hoc = result['passed']
    assert len(planned) == 1 and all(len(p) == 1 for p in ad_hoc)


def test_filter_in_a_patched_process_over_rabbitmq(tmp_path):
    base_services.require_service('rabbitmq')
    with engine.running(tmp_path, transport_url=engine.RABBIT_URL) as aio:
        api = rpcapi.EngineAPI(aio.conf, aio.transport, timeout=30)
        ctx = valet_context.RequestContext(project_id='p1')
        stack_id = 'green-%s' % uuid.uuid4().hex
        plan = {k: dict(v) for k, v in PLAN.items()}
        placed = api.create_plan(ctx, stack_id, stack_id, plan)['placements']
        result = green_scheduler({
            'transport_url': engine.RABBIT_URL, 'topic': aio.conf.engine.topic,
            'pools': helpers.POOLS, 'volumes': VOLUMES})
    assert result['patched'] is True
    assert result['passed'][0] == [placed['u-vol']['location']]
    assert all(len(p) == 1 for p in result['passed'][1:])
