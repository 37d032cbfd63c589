"""The ``valet`` command against a real valet-api on a local port: the
all-in-one app (real engine, in-process bus, sqlite) served by wsgiref in a
thread, the commands run as a user runs them (cliff, keystoneauth1 session,
HTTP), their output and exit codes checked."""
import contextlib
import json
import logging
import subprocess
import sys
import threading
import uuid
from wsgiref import simple_server

from keystonemiddleware import auth_token
from keystonemiddleware import fixture as ksm_fixture
import pytest
import yaml

from valet import allinone
from valet.cli import main as cli_main
from valet.tests.functional import fixtures
from valet.tests import rules


class _QuietHandler(simple_server.WSGIRequestHandler):
    def log_message(self, *args):
        pass


@contextlib.contextmanager
def serve(app):
    """``app`` on 127.0.0.1:<free port>, in a thread; yields the URL."""
    server = simple_server.make_server('127.0.0.1', 0, app,
                                       handler_class=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield 'http://127.0.0.1:%d' % server.server_port
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)


@pytest.fixture(scope='module')
def url(tmp_path_factory):
    tmp = tmp_path_factory.mktemp('cli')
    conf = fixtures.make_conf('sqlite:///%s' % (tmp / 'valet.sqlite'))
    with allinone.AllInOne(conf) as aio, serve(aio.app) as base:
        yield base


@pytest.fixture(autouse=True)
def no_cloud_env(monkeypatch):
    for name in ('OS_CLOUD', 'OS_AUTH_URL', 'OS_AUTH_TYPE', 'OS_URL',
                 'OS_TOKEN', 'OS_PROJECT_ID', 'OS_ROLES', 'OS_USERNAME',
                 'OS_PASSWORD', 'OS_PROJECT_NAME', 'VALET_API_VERSION',
                 'OS_CLIENT_CONFIG_FILE'):
        monkeypatch.delenv(name, raising=False)


def run_cli(capsys, argv):
    """``valet argv`` in this process; (exit code, stdout, stderr)."""
    # cliff adds a console handler to the root logger per run: drop it, or
    # the next run logs into this run's (closed) captured stderr.
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    try:
        code = cli_main.main(argv)
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
    out, err = capsys.readouterr()
    return code, out, err


def valet(capsys, url, *args, project='admin', roles='admin'):
    """``valet`` against the no-auth server at ``url``."""
    return run_cli(capsys, ['--os-auth-type', 'none', '--os-url', url,
                            '--os-project-id', project, '--os-roles', roles,
                            *args])


def as_json(capsys, url, *args, **kw):
    code, out, err = valet(capsys, url, *args, '-f', 'json', **kw)
    assert code == 0, err
    return json.loads(out)


def test_status(capsys, url):
    code, out, err = valet(capsys, url, 'status')
    assert code == 0, err
    assert 'small' in out and 'Engine' in out
    status = as_json(capsys, url, "status")
    assert status['Datacenter'] == 'small'
    assert status['Database'] == 'ok'
    assert yaml.safe_load(valet(capsys, url, 'status', '-f', 'yaml')[1])[
        'Hosts'] == 19


def test_groups_and_members(capsys, url):
    group = as_json(capsys, url, 'group', 'create', 'cli-spread',
                    '--type', 'diversity', '--level', 'host',
                    '--description', 'from the cli')
    assert group['Name'] == 'cli-spread' and group['Members'] == []
    code, out, err = valet(capsys, url, 'group', 'list')
    assert code == 0 and 'cli-spread' in out and 'diversity' in out
    assert as_json(capsys, url, 'group', 'show', group['ID'])[
        'Description'] == 'from the cli'
    assert as_json(capsys, url, 'group', 'update', 'cli-spread',
                   '--description', 'changed')['Description'] == 'changed'
    assert as_json(capsys, url, 'group', 'member', 'add', 'cli-spread',
                   'p2', 'p1')['Members'] == ['p1', 'p2']
    code, out, _ = valet(capsys, url, 'group', 'member', 'check',
                         'cli-spread', 'p1')
    assert code == 0 and 'p1 is a member of cli-spread' in out
    code, _, err = valet(capsys, url, 'group', 'member', 'check',
                         'cli-spread', 'p9')
    assert code == 1 and 'p9' in err
    # A member may not change groups: a clear error, exit 1.
    code, _, err = valet(capsys, url, 'group', 'delete', 'cli-spread',
                         project='p1', roles='member')
    assert code == 1 and 'valet:groups:delete' in err
    code, _, err = valet(capsys, url, 'group', 'delete', 'cli-spread')
    assert code == 1 and 'members' in err
    assert valet(capsys, url, 'group', 'member', 'remove', 'cli-spread',
                 'p2')[0] == 0
    assert valet(capsys, url, 'group', 'member', 'remove', 'cli-spread',
                 '--all')[0] == 0
    assert as_json(capsys, url, 'group', 'show', 'cli-spread')[
        'Members'] == []
    assert valet(capsys, url, 'group', 'delete', 'cli-spread')[0] == 0
    code, _, err = valet(capsys, url, 'group', 'show', 'cli-spread')
    assert code == 1 and 'cli-spread' in err
    # Bad input is exit 2 (the API's 400).
    code, _, err = valet(capsys, url, 'group', 'create', 'bad name',
                         '--type', 'affinity', '--level', 'host')
    assert code == 2 and 'name' in err


def test_plans_and_placements(capsys, url, tmp_path):
    template = fixtures.example('templates', 'three-tier.yaml')
    rows = as_json(capsys, url, 'plan', 'create', template,
                   '--stack-id', 'cli-stack', project='p1', roles='member')
    where = {r['Member']: {'location': r['Location'], 'rack': r['Rack'],
                           'zone': r['Zone']} for r in rows}
    rules.assert_diversity(where, ['web-1', 'web-2', 'web-3'], 'host')
    rules.assert_diversity(where, ['db-1', 'db-2'], 'rack')

    plans = as_json(capsys, url, 'plan', 'list', project='p1',
                    roles='member')
    assert [p['Stack ID'] for p in plans] == ['cli-stack']
    shown = as_json(capsys, url, 'plan', 'show', 'cli-stack',
                    project='p1', roles='member')
    assert {r['Member']: r['Location'] for r in shown} == \
        {k: v['location'] for k, v in where.items()}
    assert as_json(capsys, url, 'plan', 'list', project='p2',
                   roles='member') == []
    code, _, err = valet(capsys, url, 'plan', 'show', 'cli-stack',
                         project='p2', roles='member')
    assert code == 1 and 'valet:plans:show' in err

    placements = as_json(capsys, url, 'placement', 'list', '--filter',
                         'location=%s' % where['web-1']['location'],
                         project='p1', roles='member')
    assert 'web-1' in {p['Orchestration ID'] for p in placements}
    one = as_json(capsys, url, 'placement', 'show', 'web-1', project='p1',
                  roles='member')
    assert one['Location'] == where['web-1']['location']
    code, out, _ = valet(capsys, url, 'placement', 'list', project='p1',
                         roles='member')
    assert code == 0 and 'web-1' in out

    old = where['web-2']['location']
    moved = as_json(capsys, url, 'plan', 'migrate', 'cli-stack', 'web-2',
                    '--exclude-host', 'r03h01', project='p1',
                    roles='member')
    after = {r['Member']: {'location': r['Location']} for r in moved}
    assert after['web-2']['location'] not in (old, 'r03h01')
    rules.assert_diversity(after, ['web-1', 'web-2', 'web-3'], 'host')

    assert valet(capsys, url, 'plan', 'delete', 'cli-stack', project='p1',
                 roles='member')[0] == 0
    code, _, err = valet(capsys, url, 'plan', 'show', 'cli-stack')
    assert code == 1 and 'cli-stack' in err


def test_place_is_a_dry_run_against_the_api(capsys, url):
    template = fixtures.example('templates', 'nested-parent.yaml')
    code, out, err = valet(capsys, url, 'place', template, '-f', 'json')
    assert code == 0, err
    rows = json.loads(out)
    assert len({r['Stack'] for r in rows}) == 2
    assert 'dry run' in err
    # Nothing stored.
    assert as_json(capsys, url, 'plan', 'list') == []


def test_infeasible_plan_exits_1_with_the_reason(capsys, url, tmp_path):
    plan = tmp_path / 'wide.json'
    plan.write_text(json.dumps({'plan_name': 'wide', 'resources': dict(
        {'g': {'type': 'OS::Valet::Group', 'properties': {
            'name': 'wide', 'type': 'diversity', 'level': 'rack'}}},
        **{'s%d' % i: {'type': 'OS::Nova::Server', 'properties': {
            'flavor': 'm1.small', 'metadata': {'valet': {
                'groups': ['wide']}}}} for i in range(5)})}))
    code, out, err = valet(capsys, url, 'plan', 'create', str(plan))
    assert code == 1
    assert 'reason:' in err and 'diversity_unsatisfiable' in err
    assert 'Traceback' not in err


def test_unreachable_api_is_a_clear_exit_1(capsys):
    code, _, err = valet(capsys, 'http://127.0.0.1:9', 'status')
    assert code == 1
    assert 'Cannot connect' in err and '127.0.0.1:9' in err


def test_no_api_configured_is_a_clear_exit_1(capsys):
    code, _, err = run_cli(capsys, ['group', 'list'])
    assert code == 1
    assert 'No valet-api to talk to' in err


def test_keystone_token_and_policies(capsys, tmp_path):
    """A keystone-protected valet-api: the CLI sends the token; without one
    it is refused with exit 1."""
    keystone = ksm_fixture.AuthTokenFixture()
    keystone.setUp()
    try:
        conf = fixtures.make_conf('sqlite:///%s' % (tmp_path / 'v.sqlite'))
        conf.set_override('auth_strategy', 'keystone', group='api')
        for group, opts in auth_token.list_opts():
            conf.register_opts(opts, group=group)
        conf.set_override('www_authenticate_uri', 'http://keystone.test/v3',
                          group='keystone_authtoken')
        tokens = {}
        for project, roles in (('admin-p', ['admin']), ('p1', ['member'])):
            tokens[project] = uuid.uuid4().hex
            keystone.add_token_data(
                token_id=tokens[project], project_id=project,
                role_list=roles, user_id='u-' + project,
                user_domain_id='default', project_domain_id='default')
        with allinone.AllInOne(conf) as aio, serve(aio.app) as base:
            def run(*args, token=None):
                argv = ['--os-url', base]
                if token:
                    argv += ['--os-auth-type', 'admin_token',
                             '--os-token', token]
                return run_cli(capsys, argv + list(args))

            code, _, err = run('group', 'list')
            assert code == 1 and 'requires authentication' in err
            code, _, err = run('group', 'create', 'g', '--type', 'affinity',
                               '--level', 'host', token=tokens['p1'])
            assert code == 1 and 'valet:groups:create' in err
            code, out, err = run('group', 'create', 'g', '--type',
                                 'affinity', '--level', 'host',
                                 token=tokens['admin-p'])
            assert code == 0, err
            code, out, err = run('status', token=tokens['p1'])
            assert code == 0 and 'small' in out, err
    finally:
        keystone.cleanUp()


def test_real_entry_point_and_environment(url, tmp_path):
    """The installed command, configured by OS_* variables only."""
    env = {'PATH': '/usr/bin:/bin', 'OS_AUTH_TYPE': 'none', 'OS_URL': url,
           'OS_PROJECT_ID': 'p5', 'OS_ROLES': 'member',
           'HOME': str(tmp_path)}
    out = subprocess.run([sys.executable, '-m', 'valet.cli.main', 'plan',
                          'list', '-f', 'json'], env=env, capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == []
    out = subprocess.run([sys.executable, '-m', 'valet.cli.main', 'group',
                          'delete', 'nope'], env=env, capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 1
    assert 'Traceback' not in out.stderr
