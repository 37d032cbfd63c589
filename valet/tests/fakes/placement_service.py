"""The REAL OpenStack Placement service (``openstack-placement``), local.

``placement.deploy.loadapp`` on a sqlite file, served by wsgiref in a thread
on 127.0.0.1:<random port>, ``auth_strategy = noauth2`` and a policy file
that opens every rule (the test deployment trusts its caller, so the
collector can use ``auth_type = none``).  Placement configures its database
and policy enforcer once per process, so there is one service per process
(:func:`get`); tests give their resource providers unique names.
"""
import atexit
import json
import os
import tempfile
import threading
import urllib.error
import urllib.request
import uuid
from wsgiref import simple_server

ADMIN = {'X-Auth-Token': 'admin', 'Content-Type': 'application/json',
         'OpenStack-API-Version': 'placement 1.39'}

_LOCK = threading.Lock()
_SERVICE = None


class _QuietHandler(simple_server.WSGIRequestHandler):
    def log_message(self, *args):
        pass


class PlacementService:

    def __init__(self):
        from oslo_config import cfg
        from placement import conf as placement_conf
        from placement import deploy
        from placement import policies

        self.tmp = tempfile.mkdtemp(prefix='valet-placement-')
        policy_file = os.path.join(self.tmp, 'policy.yaml')
        with open(policy_file, 'w') as stream:
            json.dump({rule.name: '@' for rule in policies.list_rules()},
                      stream)
        conf = cfg.ConfigOpts()
        placement_conf.register_opts(conf)
        conf.set_override('connection', 'sqlite:///%s' % os.path.join(
            self.tmp, 'placement.sqlite'), group='placement_database')
        conf.set_override('sync_on_startup', True, group='placement_database')
        conf.set_override('auth_strategy', 'noauth2', group='api')
        conf.set_override('policy_file', policy_file, group='oslo_policy')
        conf([], project='placement', default_config_files=[],
             default_config_dirs=[])
        self.conf = conf
        app = deploy.loadapp(conf)
        self._server = simple_server.make_server(
            '127.0.0.1', 0, app, handler_class=_QuietHandler)
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        daemon=True)
        self._thread.start()
        host, port = self._server.server_address
        self.url = 'http://%s:%d' % (host, port)

    def stop(self):
        self._server.shutdown()
        self._server.server_close()

    # -- seeding through the REST API ------------------------------------
    def call(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.url + path, data=data,
                                     method=method, headers=ADMIN)
        try:
            with urllib.request.urlopen(req, timeout=30) as resp:
                raw = resp.read()
        except urllib.error.HTTPError as err:
            raise AssertionError('placement %s %s: %s %s' % (
                method, path, err.code, err.read()[:500])) from err
        return json.loads(raw) if raw else None

    def add_provider(self, name, vcpus, memory_mb, disk_gb, reserved=None,
                     ratios=None, traits=()):
        """A compute node provider with VCPU/MEMORY_MB/DISK_GB inventory."""
        reserved = reserved or {}
        ratios = ratios or {}
        rp = self.call('POST', '/resource_providers',
                       {'name': name, 'uuid': str(uuid.uuid4())})
        inventories = {}
        for rc, total in (('VCPU', vcpus), ('MEMORY_MB', memory_mb),
                          ('DISK_GB', disk_gb)):
            inventories[rc] = {'total': total,
                               'reserved': reserved.get(rc, 0),
                               'allocation_ratio': ratios.get(rc, 1.0)}
        answer = self.call('PUT', '/resource_providers/%s/inventories'
                           % rp['uuid'], {'resource_provider_generation':
                                          rp['generation'],
                                          'inventories': inventories})
        if traits:
            for trait in traits:
                if trait.startswith('CUSTOM_'):
                    self.call('PUT', '/traits/%s' % trait)
            self.call('PUT', '/resource_providers/%s/traits' % rp['uuid'],
                      {'resource_provider_generation':
                       answer['resource_provider_generation'],
                       'traits': list(traits)})
        return rp['uuid']

    def allocate(self, consumer, provider, resources, project='p-external'):
        self.call('PUT', '/allocations/%s' % consumer, {
            'allocations': {provider: {'resources': resources}},
            'consumer_generation': None, 'project_id': project,
            'user_id': 'u1', 'consumer_type': 'INSTANCE'})


def get():
    """The process's Placement service, started on first use."""
    global _SERVICE
    with _LOCK:
        if _SERVICE is None:
            _SERVICE = PlacementService()
            atexit.register(_SERVICE.stop)
        return _SERVICE
