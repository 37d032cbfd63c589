"""A small local Nova compute + Cinder API for the inventory collectors' tests.

It answers, on 127.0.0.1, exactly the endpoints the ``nova`` and ``cinder``
collectors call, with the JSON documented in the Nova and Cinder API
references (doc/api_samples): the version documents (keystoneauth's
discovery), os-services, os-hypervisors/detail (capacity fields only below
microversion 2.88), os-aggregates, os-availability-zone/detail,
flavors/detail (extra_specs inline from 2.61) and flavors/{id}/os-extra_specs,
servers/detail?all_tenants=1 (embedded flavor from 2.47), and for Cinder
os-services, types and scheduler-stats/get_pools?detail=True.  Anything
else is a 404, so a collector that calls more than it should fails its test.
The openstacksdk client under test is the real one.
"""
import http.server
import json
import re
import threading
import urllib.parse
import uuid

COMPUTE = '/compute'
VOLUME = '/volume'


def _version(text):
    return tuple(int(p) for p in text.split('.'))


class FakeCloud:
    """The data the fake serves; tests fill it, then ``start()``."""

    def __init__(self, compute_max='2.96', volume_max='3.70'):
        self.compute_max = compute_max
        self.volume_max = volume_max
        self.services = []           # nova os-services entries
        self.hypervisors = []
        self.aggregates = []
        self.zones = {}              # zone -> [compute hosts]
        self.flavors = []            # dicts with extra_specs
        self.servers = []
        self.volume_services = []
        self.volume_types = []
        self.pools = []
        self.requests = []           # (method, path, query, microversion)
        self.fail_with = None        # an HTTP status to answer everything
        self._server = None
        self._thread = None

    # -- test data --------------------------------------------------------
    def add_compute_host(self, host, zone='nova', status='enabled',
                         state='up'):
        service_id = str(uuid.uuid4())
        self.services.append({
            'id': service_id, 'binary': 'nova-compute', 'host': host,
            'zone': zone, 'status': status, 'state': state,
            'disabled_reason': 'maintenance' if status == 'disabled' else None,
            'forced_down': False, 'updated_at': '2026-12-02T04:00:00.000000'})
        self.hypervisors.append({
            'id': str(uuid.uuid4()), 'hypervisor_hostname': host,
            'hypervisor_type': 'QEMU', 'hypervisor_version': 8002000,
            'host_ip': '192.0.2.%d' % (len(self.hypervisors) + 10),
            'service': {'host': host, 'id': service_id,
                        'disabled_reason': None},
            'state': state, 'status': status, 'uptime': None,
            # Below 2.88 only (the fake drops them from 2.88 on).
            'vcpus': 16, 'memory_mb': 65536, 'local_gb': 500,
            'vcpus_used': 0, 'memory_mb_used': 512, 'local_gb_used': 0})
        self.zones.setdefault(zone, []).append(host)

    def add_aggregate(self, name, hosts, metadata=None, zone=None):
        metadata = dict(metadata or {})
        if zone:
            # As Nova: an aggregate with a zone moves its hosts into it.
            metadata['availability_zone'] = zone
            for hosts_of in self.zones.values():
                hosts_of[:] = [h for h in hosts_of if h not in hosts]
            self.zones.setdefault(zone, []).extend(hosts)
            for service in self.services:
                if service['host'] in hosts:
                    service['zone'] = zone
        self.aggregates.append({
            'id': len(self.aggregates) + 1, 'uuid': str(uuid.uuid4()),
            'name': name, 'availability_zone': zone, 'hosts': list(hosts),
            'metadata': metadata, 'created_at': '2026-12-01T00:00:00.000000',
            'updated_at': None, 'deleted': False, 'deleted_at': None})

    def add_flavor(self, name, vcpus, ram, disk, extra_specs=None):
        self.flavors.append({
            'id': str(len(self.flavors) + 1), 'name': name, 'vcpus': vcpus,
            'ram': ram, 'disk': disk, 'swap': 0,
            'OS-FLV-EXT-DATA:ephemeral': 0, 'rxtx_factor': 1.0,
            'OS-FLV-DISABLED:disabled': False, 'description': None,
            'os-flavor-access:is_public': True,
            'extra_specs': dict(extra_specs or {}), 'links': []})

    def add_server(self, host, flavor_name, project='p-external'):
        flavor = next(f for f in self.flavors if f['name'] == flavor_name)
        server_id = str(uuid.uuid4())
        self.servers.append({
            'id': server_id, 'name': 'vm-%s' % server_id[:8],
            'status': 'ACTIVE', 'tenant_id': project, 'user_id': 'u1',
            'OS-EXT-SRV-ATTR:host': host,
            'OS-EXT-SRV-ATTR:hypervisor_hostname': host,
            'OS-EXT-AZ:availability_zone': 'nova', 'metadata': {},
            'flavor_ref': flavor, 'links': []})
        return server_id

    def add_volume_backend(self, host, zone='nova', status='enabled',
                           state='up'):
        self.volume_services.append({
            'binary': 'cinder-volume', 'host': host, 'zone': zone,
            'status': status, 'state': state, 'disabled_reason': None,
            'updated_at': '2026-12-02T04:00:00.000000', 'frozen': False,
            'cluster': None, 'replication_status': 'disabled',
            'active_backend_id': None, 'backend_state': 'up'})

    def add_pool(self, name, total_gb, free_gb=None, reserved_percentage=0,
                 thin=False, ratio=1.0, backend_name=None):
        self.pools.append({'name': name, 'capabilities': {
            'pool_name': name.split('#')[-1],
            'volume_backend_name': backend_name or name.split('#')[0]
            .split('@')[-1],
            'total_capacity_gb': total_gb,
            'free_capacity_gb': total_gb if free_gb is None else free_gb,
            'reserved_percentage': reserved_percentage,
            'thin_provisioning_support': thin,
            'thick_provisioning_support': not thin,
            'max_over_subscription_ratio': str(ratio),
            'driver_version': '3.0.0', 'storage_protocol': 'iSCSI',
            'vendor_name': 'Open Source', 'QoS_support': False,
            'timestamp': '2026-12-02T04:00:00.000000'}})

    def add_volume_type(self, name, backend_name):
        self.volume_types.append({
            'id': str(uuid.uuid4()), 'name': name, 'description': None,
            'is_public': True, 'os-volume-type-access:is_public': True,
            'qos_specs_id': None,
            'extra_specs': {'volume_backend_name': backend_name}})

    # -- serving ------------------------------------------------------------
    def start(self):
        cloud = self

        class Handler(_Handler):
            pass
        Handler.cloud = cloud
        self._server = http.server.ThreadingHTTPServer(('127.0.0.1', 0),
                                                       Handler)
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        daemon=True)
        self._thread.start()
        return self

    def stop(self):
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    @property
    def url(self):
        host, port = self._server.server_address
        return 'http://%s:%d' % (host, port)

    @property
    def compute_url(self):
        return self.url + COMPUTE + '/v2.1'

    @property
    def volume_url(self):
        return self.url + VOLUME + '/v3'

    def paths(self):
        return sorted({r[1] for r in self.requests})


class _Handler(http.server.BaseHTTPRequestHandler):
    cloud = None

    def log_message(self, *args):   # keep test output quiet
        pass

    def do_GET(self):   # noqa: N802 (http.server's naming)
        parsed = urllib.parse.urlsplit(self.path)
        path = parsed.path.rstrip('/')
        query = urllib.parse.parse_qs(parsed.query)
        micro = self._microversion()
        self.cloud.requests.append((self.command, path, parsed.query, micro))
        if self.cloud.fail_with:
            return self._send(self.cloud.fail_with, {
                'computeFault': {'code': self.cloud.fail_with,
                                 'message': 'The server has either erred'}})
        if path.startswith(COMPUTE):
            body = _compute(self.cloud, path[len(COMPUTE):], query, micro)
        elif path.startswith(VOLUME):
            body = _volume(self.cloud, path[len(VOLUME):], query)
        else:
            body = None
        if body is None:
            return self._send(404, {'itemNotFound': {
                'code': 404, 'message': 'not in the fake: %s' % path}})
        return self._send(200, body)

    def _microversion(self):
        header = self.headers.get('OpenStack-API-Version') or ''
        match = re.match(r'\s*(compute|volume)\s+([\d.]+)', header)
        if match:
            return match.group(2)
        return (self.headers.get('X-OpenStack-Nova-API-Version')
                or self.headers.get('OpenStack-Volume-microversion'))

    def _send(self, status, body):
        raw = json.dumps(body).encode()
        self.send_response(status)
        self.send_header('Content-Type', 'application/json')
        self.send_header('Content-Length', str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)


def _version_doc(url, vid, current, minimum):
    return {'id': vid, 'status': 'CURRENT', 'version': current,
            'min_version': minimum, 'updated': '2013-07-23T11:33:21Z',
            'links': [{'rel': 'self', 'href': url + '/'}]}


def _compute(cloud, path, query, micro):
    base = cloud.compute_url
    doc = _version_doc(base, 'v2.1', cloud.compute_max, '2.1')
    if path == '':
        return {'versions': [doc]}
    if not path.startswith('/v2.1'):
        return None
    path = path[len('/v2.1'):]
    version = _version(micro or '2.1')
    if path == '':
        return {'version': doc}
    if path == '/os-services':
        services = [dict(s) for s in cloud.services]
        if version < (2, 53):
            for i, service in enumerate(services):
                service['id'] = i + 1
        return {'services': services}
    if path == '/os-hypervisors/detail':
        result = []
        for hyp in cloud.hypervisors:
            hyp = dict(hyp)
            if version >= (2, 88):
                for key in ('vcpus', 'memory_mb', 'local_gb', 'vcpus_used',
                            'memory_mb_used', 'local_gb_used'):
                    hyp.pop(key)
            result.append(hyp)
        return {'hypervisors': result}
    if path == '/os-aggregates':
        return {'aggregates': cloud.aggregates}
    if path == '/os-availability-zone/detail':
        zones = [{'zoneName': 'internal', 'zoneState': {'available': True},
                  'hosts': {'controller': {'nova-conductor': {
                      'active': True, 'available': True,
                      'updated_at': None}}}}]
        for zone, hosts in sorted(cloud.zones.items()):
            zones.append({'zoneName': zone,
                          'zoneState': {'available': True},
                          'hosts': {h: {'nova-compute': {
                              'active': True, 'available': True,
                              'updated_at': None}} for h in hosts}})
        return {'availabilityZoneInfo': zones}
    if path == '/flavors/detail':
        flavors = []
        for flavor in cloud.flavors:
            flavor = dict(flavor)
            if version < (2, 61):
                flavor.pop('extra_specs')
            flavors.append(flavor)
        return {'flavors': flavors}
    match = re.fullmatch(r'/flavors/([^/]+)/os-extra_specs', path)
    if match:
        for flavor in cloud.flavors:
            if flavor['id'] == match.group(1):
                return {'extra_specs': flavor['extra_specs']}
        return None
    if path == '/servers/detail':
        if query.get('all_tenants') not in (['1'], ['True'], ['true']):
            return {'servers': []}   # only the caller's own project
        return {'servers': [_server_view(s, version) for s in cloud.servers]}
    return None


def _server_view(server, version):
    view = {k: v for k, v in server.items() if k != 'flavor_ref'}
    flavor = server['flavor_ref']
    if version >= (2, 47):
        view['flavor'] = {
            'original_name': flavor['name'], 'vcpus': flavor['vcpus'],
            'ram': flavor['ram'], 'disk': flavor['disk'], 'swap': 0,
            'ephemeral': 0, 'extra_specs': flavor['extra_specs']}
    else:
        view['flavor'] = {'id': flavor['id'], 'links': []}
    return view


def _volume(cloud, path, query):
    base = cloud.volume_url
    doc = _version_doc(base, 'v3.0', cloud.volume_max, '3.0')
    if path in ('', '/v3'):
        return {'versions': [doc]}
    if not path.startswith('/v3'):
        return None
    path = path[len('/v3'):]
    if path == '/os-services':
        return {'services': cloud.volume_services}
    if path == '/types':
        return {'volume_types': cloud.volume_types}
    if path == '/scheduler-stats/get_pools':
        if query.get('detail') not in (['True'], ['true']):
            return {'pools': [{'name': p['name']} for p in cloud.pools]}
        return {'pools': cloud.pools}
    return None
