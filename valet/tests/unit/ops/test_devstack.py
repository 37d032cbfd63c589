"""devstack/: the plugin's phases in bash, DevStack's functions stubbed.

The stubs (devstack_stubs.sh) edit ini files for real and record every
other DevStack call in a log; in the full run (``stacked``)
``valet-manage db sync`` really runs, on a sqlite file.  The shell runs
with errexit, nounset and pipefail, which is stricter than stack.sh.

shellcheck runs when it is installed (CI installs it: ``apt-get install
shellcheck``); without it, that test skips.
"""
import ast
import configparser
import os
import subprocess
import sys

from oslo_config import cfg
import pytest

from valet import conf as valet_conf
from valet.db import migration
from valet.engine.model import loader
from valet.tests.unit.ops import helpers

STUBS = os.path.join(helpers.HERE, 'devstack_stubs.sh')
TRANSPORT_URL = 'rabbit://stackrabbit:secret@127.0.0.1:5672/'
ALL_SERVICES = ('key,mysql,rabbit,n-api,n-sch,n-cond,n-cpu,c-api,c-sch,'
                'c-vol,h-api,h-eng')
NOVA_FILTER = 'valet.plugins.nova.filter.ValetFilter'
HEAT_RESOURCES = os.path.join('valet', 'plugins', 'heat', 'resources')


class DevStack:
    """A fake DevStack host in a temporary directory."""

    def __init__(self, tmp_path, services=ALL_SERVICES, real_manage=False,
                 **env):
        self.tmp = tmp_path
        self.log_path = tmp_path / 'calls.log'
        self.log_path.write_text('')
        self.bin = tmp_path / 'bin'
        self.bin.mkdir()
        self.etc = tmp_path / 'etc'
        for name in ('nova', 'heat', 'cinder'):
            (self.etc / name).mkdir(parents=True)
        self.db_path = tmp_path / 'valet.sqlite'
        self._script('valet-manage', 'exec "%s" -m valet.cmd.manage "$@"'
                     % sys.executable if real_manage else 'exit 0')
        self._script('uwsgi', 'exit 0')
        self.env = {
            'PATH': '%s:/usr/bin:/bin' % self.bin,
            'HOME': str(tmp_path),
            'LANG': 'C.UTF-8',
            'PYTHONPATH': helpers.REPO,
            'STUB_LOG': str(self.log_path),
            'STUB_BIN_DIR': str(self.bin),
            'STUB_DB_URL': 'sqlite:///%s' % self.db_path,
            'STUB_TRANSPORT_URL': TRANSPORT_URL,
            'ENABLED_SERVICES': services,
            'DEST': str(tmp_path / 'opt' / 'stack'),
            'DATA_DIR': str(tmp_path),
            'STACK_USER': _user(),
            'SERVICE_HOST': '127.0.0.1',
            'SERVICE_PROTOCOL': 'http',
            'REGION_NAME': 'RegionOne',
            'VALET_DIR': helpers.REPO,
            'VALET_CONF_DIR': str(self.etc / 'valet'),
            'NOVA_CONF': str(self.etc / 'nova' / 'nova.conf'),
            'HEAT_CONF': str(self.etc / 'heat' / 'heat.conf'),
            'CINDER_CONF': str(self.etc / 'cinder' / 'cinder.conf'),
        }
        self.env.update(env)

    def _script(self, name, body):
        path = self.bin / name
        path.write_text('#!/bin/bash\necho "%s | $*" >> "$STUB_LOG"\n%s\n'
                        % (name, body))
        path.chmod(0o755)

    def remove_script(self, name):
        (self.bin / name).unlink()

    def run(self, *phases):
        """Source settings once, then plugin.sh once per phase, in one
        shell (as stack.sh does); returns the CompletedProcess."""
        lines = ['set -o errexit -o nounset -o pipefail',
                 'source "%s"' % STUBS,
                 'source "$VALET_DIR/devstack/settings"']
        lines += ['source "$VALET_DIR/devstack/plugin.sh" %s' % phase
                  for phase in phases]
        proc = subprocess.run(['bash', '-c', '\n'.join(lines)], env=self.env,
                              capture_output=True, text=True, timeout=300)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        return proc

    def calls(self, name=None):
        calls = [tuple(part.strip() for part in line.split(' | '))
                 for line in self.log_path.read_text().splitlines()]
        return [c for c in calls if name is None or c[0] == name]

    @property
    def valet_conf(self):
        return self.etc / 'valet' / 'valet.conf'

    def conf(self, name):
        return self.etc / name / ('%s.conf' % name)


def _user():
    return subprocess.run(['id', '-un'], capture_output=True, text=True,
                          check=True).stdout.strip()


def read_ini(path):
    """configparser, strict: a single-valued option set twice fails."""
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str
    with open(path) as f:
        parser.read_file(f)
    return parser


def read_multi(path):
    """{section: {option: [values]}}: oslo.config's own parser, which keeps
    every value of a multi-valued option such as available_filters."""
    sections = {}
    cfg.ConfigParser(str(path), sections).parse()
    return sections


def _seed(ds):
    """nova.conf, heat.conf and cinder.conf as DevStack left them."""
    ds.conf('nova').write_text(
        '[DEFAULT]\ntransport_url = %s\n\n[filter_scheduler]\n'
        'enabled_filters = ComputeFilter,ComputeCapabilitiesFilter,'
        'ImagePropertiesFilter\n' % TRANSPORT_URL)
    ds.conf('heat').write_text('[DEFAULT]\nnum_engine_workers = 2\n')
    ds.conf('cinder').write_text('[DEFAULT]\nenabled_backends = lvmdriver-1\n')
    return ds


@pytest.fixture
def devstack(tmp_path):
    return _seed(DevStack(tmp_path))


@pytest.fixture(scope='module')
def stacked(tmp_path_factory):
    """One full stack.sh run, shared by the tests that only read it."""
    ds = _seed(DevStack(tmp_path_factory.mktemp('devstack'),
                        real_manage=True))
    ds.run('stack pre-install', 'stack install', 'stack post-config',
           'stack extra', 'stack test-config')
    return ds


def test_install_from_the_source_tree(devstack):
    devstack.run('stack install')
    assert devstack.calls('setup_develop') == [
        ('setup_develop', helpers.REPO)]
    # uwsgi is on the PATH (the stub): nothing more to install.
    assert devstack.calls('pip_install') == []
    assert not devstack.valet_conf.exists()


def test_install_adds_uwsgi_when_missing(devstack):
    if any(os.path.exists(os.path.join(d, 'uwsgi'))
           for d in ('/usr/bin', '/bin')):
        pytest.skip('a system uwsgi is on the PATH')
    devstack.remove_script('uwsgi')
    devstack.run('stack install')
    assert devstack.calls('pip_install') == [('pip_install', 'uwsgi')]


def test_valet_conf(stacked):
    ini = read_ini(stacked.valet_conf)
    assert ini['DEFAULT']['transport_url'] == TRANSPORT_URL
    assert ini['database']['connection'] == stacked.env['STUB_DB_URL']
    assert ini['api']['auth_strategy'] == 'keystone'
    assert ini['api']['port'] == '8090'
    assert ini['keystone_authtoken']['username'] == 'valet'
    assert ini['inventory']['collectors'] == 'file'
    assert ('configure_keystone_authtoken_middleware',
            str(stacked.valet_conf), 'valet') in stacked.calls()
    assert ('setup_logging', str(stacked.valet_conf)) in stacked.calls()

    # Valet itself reads it, and every option in Valet's groups exists.
    conf = valet_conf.new_conf([], default_config_files=[
        str(stacked.valet_conf)])
    assert conf.database.connection == stacked.env['STUB_DB_URL']
    assert conf.inventory.collectors == ['file']
    assert conf.api.auth_strategy == 'keystone'
    for group in ('api', 'engine', 'inventory', 'optimizer', 'database',
                  'upgrade_levels', 'valet'):
        if ini.has_section(group):
            for option in ini[group]:
                if option not in ini.defaults():
                    assert option in conf[group], '[%s] %s' % (group, option)


def test_datacenter_file_describes_this_node(stacked):
    path = read_ini(stacked.valet_conf)['inventory']['datacenter_file']
    assert path == str(stacked.etc / 'valet' / 'datacenter.yaml')
    inventory = loader.load_datacenter(path)
    host = subprocess.run(['hostname'], capture_output=True, text=True,
                          check=True).stdout.strip()
    assert list(inventory.hosts) == [host]
    assert list(inventory.zones) == ['nova']
    assert inventory.hosts[host].vcpus == os.cpu_count()


def test_datacenter_file_from_local_conf(tmp_path):
    example = helpers.repo_path('examples', 'datacenters', 'small.yaml')
    ds = DevStack(tmp_path, services='key,mysql',
                  VALET_DATACENTER_FILE=example,
                  VALET_INVENTORY_COLLECTORS='file')
    ds.run('stack post-config')
    ini = read_ini(ds.valet_conf)
    assert ini['inventory']['datacenter_file'] == example
    assert not (ds.etc / 'valet' / 'datacenter.yaml').exists()


def test_database_created_and_synced(stacked):
    assert stacked.calls('recreate_database') == [
        ('recreate_database', 'valet')]
    assert stacked.calls('valet-manage') == [
        ('valet-manage', '--config-file %s db sync' % stacked.valet_conf)]
    assert migration.version(stacked.env['STUB_DB_URL']) == migration.head()


def test_keystone_service_and_endpoint(stacked):
    assert stacked.calls('create_service_user') == [
        ('create_service_user', 'valet', 'admin')]
    (service,) = stacked.calls('get_or_create_service')
    assert service[1:3] == ('valet', 'placement-optimizer')
    assert stacked.calls('get_or_create_endpoint') == [
        ('get_or_create_endpoint', 'placement-optimizer', 'RegionOne',
         'http://127.0.0.1:8090')]


def test_nova_conf(stacked):
    nova = read_multi(stacked.conf('nova'))
    sched = nova['filter_scheduler']
    # Setting available_filters replaces Nova's default: it is kept.
    assert sched['available_filters'] == [
        'nova.scheduler.filters.all_filters', NOVA_FILTER]
    assert sched['enabled_filters'] == [
        'ComputeFilter,ComputeCapabilitiesFilter,ImagePropertiesFilter,'
        'ValetFilter']
    assert nova['valet']['transport_url'] == [TRANSPORT_URL]
    assert nova['valet']['failure_mode'] == ['reject']
    assert nova['DEFAULT']['transport_url'] == [TRANSPORT_URL]


def test_heat_conf(stacked):
    ini = read_ini(stacked.conf('heat'))
    assert ini['valet']['transport_url'] == TRANSPORT_URL
    assert ini['valet']['failure_mode'] == 'reject'
    heat = ini['DEFAULT']
    dirs = heat['plugin_dirs'].split(',')
    # Heat's default directories stay, Valet's resources come last.
    assert dirs[:-1] == ['/usr/lib64/heat', '/usr/lib/heat',
                         '/usr/local/lib/heat', '/usr/local/lib64/heat']
    assert dirs[-1] == os.path.join(helpers.REPO, HEAT_RESOURCES)
    assert heat['stack_scheduler_hints'] == 'True'
    # Only Heat's legacy engine calls stack lifecycle plugins.
    assert heat['convergence_engine'] == 'False'
    assert heat['num_engine_workers'] == '2'
    # Valet 1.0 templates (ATT::Valet::*) work in every stack.
    env = stacked.etc / 'heat' / 'environment.d' / 'valet-1.0.yaml'
    assert env.read_text() == open(helpers.repo_path(
        'etc', 'valet', 'heat', 'valet-1.0.yaml')).read()


def test_cinder_conf(stacked):
    cinder = read_ini(stacked.conf('cinder'))
    assert cinder['DEFAULT']['scheduler_default_filters'] == (
        'AvailabilityZoneFilter,CapacityFilter,CapabilitiesFilter,'
        'ValetFilter')
    assert cinder['valet']['failure_mode'] == 'reject'
    assert cinder['DEFAULT']['enabled_backends'] == 'lvmdriver-1'


def test_post_config_twice_changes_nothing(devstack):
    devstack.run('stack post-config')
    before = {name: devstack.conf(name).read_text()
              for name in ('nova', 'heat', 'cinder')}
    devstack.run('stack post-config')
    after = {name: devstack.conf(name).read_text()
             for name in ('nova', 'heat', 'cinder')}
    assert after == before


def test_filters_move_to_the_end(devstack):
    devstack.conf('nova').write_text(
        '[filter_scheduler]\navailable_filters = '
        'nova.scheduler.filters.all_filters\n'
        'enabled_filters = ValetFilter,ComputeFilter\n')
    devstack.conf('cinder').write_text(
        '[DEFAULT]\nscheduler_default_filters = ValetFilter, CapacityFilter\n')
    devstack.run('stack post-config')
    nova = read_multi(devstack.conf('nova'))['filter_scheduler']
    assert nova['enabled_filters'] == ['ComputeFilter,ValetFilter']
    assert nova['available_filters'] == [
        'nova.scheduler.filters.all_filters', NOVA_FILTER]
    cinder = read_ini(devstack.conf('cinder'))['DEFAULT']
    assert cinder['scheduler_default_filters'] == 'CapacityFilter,ValetFilter'


def test_services_not_enabled_are_left_alone(tmp_path):
    ds = DevStack(tmp_path, services='key,mysql,rabbit')
    ds.run('stack install', 'stack post-config', 'stack extra')
    for name in ('nova', 'heat', 'cinder'):
        assert not ds.conf(name).exists()
    assert ds.valet_conf.exists()


def test_nothing_when_valet_is_disabled(tmp_path):
    ds = DevStack(tmp_path)
    lines = ['set -o errexit -o nounset -o pipefail',
             'source "%s"' % STUBS,
             'source "$VALET_DIR/devstack/settings"',
             'ENABLED_SERVICES=key,n-sch',
             'source "$VALET_DIR/devstack/plugin.sh" stack install',
             'source "$VALET_DIR/devstack/plugin.sh" stack post-config',
             'source "$VALET_DIR/devstack/plugin.sh" stack extra']
    proc = subprocess.run(['bash', '-c', '\n'.join(lines)], env=ds.env,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert [c[0] for c in ds.calls()] == ['define_plugin']
    assert not ds.conf('nova').exists()


def test_start_under_uwsgi(stacked):
    assert stacked.calls('run_process') == [
        ('run_process', 'valet-engine', '%s/valet-engine --config-file %s'
         % (stacked.bin, stacked.valet_conf)),
        ('run_process', 'valet-api', '%s/uwsgi --procname-prefix valet '
         '--ini %s' % (stacked.bin, stacked.etc / 'valet'
                       / 'valet-api-uwsgi.ini')),
    ]
    assert stacked.calls('wait_for_service')[0][2] == 'http://127.0.0.1:8090'
    uwsgi = read_ini(stacked.etc / 'valet' / 'valet-api-uwsgi.ini')['uwsgi']
    assert uwsgi['module'] == 'valet.wsgi.api:application'
    assert uwsgi['http-socket'] == '0.0.0.0:8090'
    assert uwsgi['env'] == 'VALET_CONFIG_FILE=%s' % stacked.valet_conf
    assert uwsgi['lazy-apps'] == 'true'


def test_start_builtin_server(tmp_path):
    ds = DevStack(tmp_path, services='key,mysql',
                  VALET_API_DEPLOY='builtin')
    ds.run('stack post-config', 'stack extra')
    assert ds.calls('run_process')[1] == (
        'run_process', 'valet-api', '%s/valet-api --config-file %s'
        % (ds.bin, ds.valet_conf))
    assert not (ds.etc / 'valet' / 'valet-api-uwsgi.ini').exists()


def test_start_without_uwsgi_dies(tmp_path):
    ds = DevStack(tmp_path, services='key,mysql')
    ds.remove_script('uwsgi')
    if any(os.path.exists(os.path.join(d, 'uwsgi'))
           for d in ('/usr/bin', '/bin')):
        pytest.skip('a system uwsgi is on the PATH')
    with pytest.raises(AssertionError, match='uwsgi is not installed'):
        ds.run('stack post-config', 'stack extra')


def test_unstack_and_clean(devstack):
    devstack.run('stack install', 'stack post-config', 'stack extra')
    assert (devstack.etc / 'valet' / 'valet.conf').exists()
    devstack.run('unstack')
    assert devstack.calls('stop_process') == [
        ('stop_process', 'valet-api'), ('stop_process', 'valet-engine')]
    assert (devstack.etc / 'heat' / 'environment.d' / 'valet-1.0.yaml'
            ).exists()
    devstack.run('clean')
    assert not (devstack.etc / 'valet').exists()
    assert not (devstack.etc / 'heat' / 'environment.d' / 'valet-1.0.yaml'
                ).exists()


def test_the_console_scripts_it_runs_exist():
    scripts = helpers.console_scripts()
    for name in ('valet-api', 'valet-engine', 'valet-manage'):
        assert name in scripts


def _class_defined(path, name):
    with open(path) as f:
        tree = ast.parse(f.read())
    return any(isinstance(node, ast.ClassDef) and node.name == name
               for node in tree.body)


def test_plugin_names_match_the_code():
    """The class paths and directories the plugin writes into nova.conf,
    heat.conf and cinder.conf exist in valet/plugins/."""
    module, cls = NOVA_FILTER.rsplit('.', 1)
    path = helpers.repo_path(*module.split('.')) + '.py'
    assert os.path.exists(path), path
    assert _class_defined(path, cls), '%s has no class %s' % (path, cls)
    assert os.path.isdir(helpers.repo_path(HEAT_RESOURCES))
    # Cinder finds ValetFilter by name in the cinder.scheduler.filters
    # entry point namespace.
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(helpers.repo_path('setup.cfg'))
    cinder = parser['entry_points'].get('cinder.scheduler.filters', '')
    assert any(line.split('=')[0].strip() == 'ValetFilter'
               for line in cinder.splitlines() if '=' in line), cinder


def test_shellcheck():
    shellcheck = helpers.which('shellcheck')
    if shellcheck is None:
        pytest.skip('shellcheck is not installed (apt-get install shellcheck)')
    files = ['devstack/plugin.sh', 'devstack/settings', 'devstack/lib/valet',
             os.path.relpath(STUBS, helpers.REPO)]
    proc = subprocess.run([shellcheck, '--external-sources', '--shell=bash',
                           *files], cwd=helpers.REPO, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
