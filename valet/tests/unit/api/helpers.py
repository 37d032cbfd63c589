"""Test doubles and assertions shared by the API tests."""
import json
import typing

import webob


class FakeEngineAPI:
    """Stands in for valet.engine.rpcapi.EngineAPI: same method names,
    records every call, answers fixed dicts or raises ``failures[method]``.
    """

    PING: typing.ClassVar[dict] = {
        'engine_id': 'engine-1', 'version': '1.0', 'datacenter': 'dc1',
        'hosts': 4, 'generation': 7}

    def __init__(self):
        self.calls = []
        self.failures = {}

    def _record(self, method, context, **kwargs):
        self.calls.append((method, context, kwargs))
        if method in self.failures:
            raise self.failures[method]

    def ping(self, context):
        self._record('ping', context)
        return dict(self.PING)

    def create_plan(self, context, plan_name, stack_id, resources,
                    groups=None, locations=None, dry_run=False):
        self._record('create_plan', context, plan_name=plan_name,
                     stack_id=stack_id, resources=resources, groups=groups,
                     locations=locations, dry_run=dry_run)
        return {
            'id': 'plan-uuid-1', 'name': plan_name, 'stack_id': stack_id,
            'project_id': context.project_id,
            'placements': {
                oid: {'id': 'placement-%s' % oid, 'name': r.get('name', oid),
                      'location': 'r01h01', 'rack': 'r01', 'zone': 'nova',
                      'kind': 'server', 'reserved': False,
                      'resource_id': None}
                for oid, r in resources.items()},
        }

    def delete_plan(self, context, stack_id):
        self._record('delete_plan', context, stack_id=stack_id)

    def _plan(self, stack_id, placements):
        return {'id': 'plan-uuid-1', 'name': 'app', 'stack_id': stack_id,
                'project_id': 'p1', 'placements': placements}

    def update_plan(self, context, stack_id, resources,
                    original_resources=None):
        self._record('update_plan', context, stack_id=stack_id,
                     resources=resources,
                     original_resources=original_resources)
        return self._plan(stack_id, {
            oid: {'name': oid, 'location': 'r01h02'} for oid in resources})

    def migrate(self, context, stack_id, orchestration_id,
                excluded_hosts=None):
        self._record('migrate', context, stack_id=stack_id,
                     orchestration_id=orchestration_id,
                     excluded_hosts=excluded_hosts)
        return self._plan(stack_id, {
            orchestration_id: {'name': orchestration_id,
                               'location': 'r02h01'}})

    def reserve(self, context, candidate_hosts, orchestration_id=None,
                resource_id=None, instance_uuid=None, action='reserve'):
        self._record('reserve', context, candidate_hosts=candidate_hosts,
                     orchestration_id=orchestration_id,
                     resource_id=resource_id, instance_uuid=instance_uuid,
                     action=action)
        return {'id': 'placement-1', 'name': orchestration_id,
                'orchestration_id': orchestration_id,
                'resource_id': instance_uuid, 'location': candidate_hosts[0],
                'reserved': action == 'reserve', 'plan_id': 'plan-uuid-1',
                'metadata': {}}

    def delete_placement(self, context, placement_id):
        self._record('delete_placement', context, placement_id=placement_id)


class Client:
    """webob.Request.blank(...).get_response(app) with JSON helpers."""

    def __init__(self, app):
        self.app = app

    def request(self, method, path, body=None, headers=None, project=None,
                roles=None, raw=None):
        headers = dict(headers or {})
        if project is not None:
            headers['X-Project-Id'] = project
        if roles is not None:
            headers['X-Roles'] = roles
        req = webob.Request.blank(path, method=method, headers=headers)
        if body is not None:
            req.body = json.dumps(body).encode()
            req.content_type = 'application/json'
        elif raw is not None:
            req.body = raw
        return req.get_response(self.app)

    def get(self, path, **kw):
        return self.request('GET', path, **kw)

    def post(self, path, body=None, **kw):
        return self.request('POST', path, body=body, **kw)

    def put(self, path, body=None, **kw):
        return self.request('PUT', path, body=body, **kw)

    def delete(self, path, **kw):
        return self.request('DELETE', path, **kw)


def assert_error(resp, code, error_type, message=None):
    """The DESIGN §4 error body."""
    assert resp.status_int == code, resp.text
    assert resp.content_type == 'application/json'
    body = resp.json
    assert body['code'] == code
    assert body['title']
    assert body['error']['type'] == error_type
    assert body['explanation'] == body['error']['message']
    if message is not None:
        assert message in body['error']['message'], body['error']['message']
    return body


MEMBER = {'project': 'p1', 'roles': 'member'}
OTHER = {'project': 'p2', 'roles': 'member'}
