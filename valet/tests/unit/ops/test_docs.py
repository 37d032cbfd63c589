"""doc/source and releasenotes/.

The Sphinx builds run only where Sphinx (and reno) are installed -- ``pip
install -r doc/requirements.txt``, as ``tox -e docs`` does; the main suite
does not install them, and skips those two tests.  The checks of what the
pages show (the annotated datacenter file, the validation errors they
quote, the release note) always run.
"""
import importlib.util
import os
import subprocess
import sys
import textwrap

import pytest
import yaml

from valet import exception
from valet.engine.model import loader
from valet.tests.unit.ops import helpers

DOC_SOURCE = helpers.repo_path('doc', 'source')
NOTES = helpers.repo_path('releasenotes', 'notes')


def _sphinx_build(source, out):
    env = dict(os.environ, PYTHONWARNINGS='ignore')
    proc = subprocess.run(
        [sys.executable, '-m', 'sphinx', '-W', '--keep-going', '-q',
         '-b', 'html', source, str(out)],
        capture_output=True, text=True, env=env, timeout=900,
        cwd=helpers.REPO)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc


def test_docs_build_without_warnings(tmp_path):
    if importlib.util.find_spec('sphinx') is None:
        pytest.skip('Sphinx is not installed (pip install -r '
                    'doc/requirements.txt)')
    _sphinx_build(DOC_SOURCE, tmp_path / 'html')
    index = (tmp_path / 'html' / 'index.html').read_text()
    assert 'Operator guide' in index
    # Generated from the code: the option reference and command help.
    conf_page = (tmp_path / 'html' / 'configuration' / 'valet-conf.html')
    assert 'standby_ratio' in conf_page.read_text()
    services = (tmp_path / 'html' / 'install' / 'services.html').read_text()
    assert 'usage: valet-manage' in services


def test_release_notes_build(tmp_path):
    for module in ('sphinx', 'reno'):
        if importlib.util.find_spec(module) is None:
            pytest.skip('%s is not installed (pip install -r '
                        'doc/requirements.txt)' % module)
    _sphinx_build(helpers.repo_path('releasenotes', 'source'),
                  tmp_path / 'html')


def test_annotated_datacenter_example_loads():
    path = os.path.join(DOC_SOURCE, 'admin', 'datacenter-example.yaml')
    inventory = loader.load_datacenter(path)
    assert inventory.name == 'dc1'
    # What its comments say.
    assert len(inventory.hosts) == 3 + 20 + 1
    assert inventory.hosts['r02h01'].rack == 'r02'
    assert inventory.hosts['r02h20'].rack == 'r02'
    assert inventory.hosts['edge01'].rack == 'r01'      # valet:rack
    assert inventory.hosts['r01h03'].enabled is False
    assert inventory.hosts['r01h01'].cpu_allocation_ratio == 2.0
    assert inventory.hosts['r02h01'].cpu_allocation_ratio == 4.0
    assert inventory.hosts['r01h02'].vcpus == 64
    assert inventory.pools['cinder@lvm#r01'].volume_types == []
    assert 'm1.tiny' in inventory.flavors and 'm1.huge' in inventory.flavors


DEFAULTS = '''
     defaults: {vcpus: 32, memory_mb: 131072, disk_gb: 2000}'''


@pytest.mark.parametrize('document, message', [
    (DEFAULTS + '''
     zones:
       - name: nova
         racks:
           - name: r01
             hosts:
               - {name: r01h01, vcpus: -4}
     ''', 'zones[0].racks[0].hosts[0].vcpus: -4 is not a positive integer'),
    ('''
     zones:
       - name: nova
         racks:
           - name: r01
             hosts:
               - {name: r01h01, vcpu: 4}
     ''', 'zones[0].racks[0].hosts[0].vcpu: unknown field (allowed: '
          'disk_gb, enabled, memory_mb, name, nic_mbps, vcpus)'),
    ('''
     zones:
       - name: nova
         racks:
           - name: r01
             hosts:
               - {name: r01h01}
     ''', 'zones[0].racks[0].hosts[0].vcpus: required (no value in '
          'defaults)'),
    (DEFAULTS + '''
     zones:
       - name: nova
         racks:
           - {name: r01, generate: {hosts: 2, prefix: r01h}}
           - name: r02
             hosts: [{name: r01h01}]
     ''', "zones[0].racks[1].hosts[0].name: duplicate host 'r01h01' (also "
          "at zones[0].racks[0].generate)"),
    (DEFAULTS + '''
     zones:
       - name: nova
         racks:
           - {name: r01, generate: {hosts: 2, prefix: r01h}}
     aggregates:
       - {name: ssd, hosts: [r09h01]}
     ''', "aggregates[0].hosts[0]: unknown host 'r09h01'"),
    ('zones: [\n', "YAML syntax error at line 3, column 1: expected the "
                   "node content, but found '<stream end>'"),
])
def test_documented_validation_errors(tmp_path, document, message):
    """The messages admin/datacenter.rst quotes are the loader's."""
    path = tmp_path / 'dc.yaml'
    path.write_text('name: dc1\n' + textwrap.dedent(document).strip('\n')
                    + '\n')
    with pytest.raises(exception.InvalidDatacenter) as raised:
        loader.load_datacenter(str(path))
    assert str(raised.value) == 'Invalid datacenter file %s: %s' % (
        path, message)
    with open(os.path.join(DOC_SOURCE, 'admin', 'datacenter.rst')) as f:
        assert message in f.read()


def test_release_notes_are_valid():
    notes = [name for name in os.listdir(NOTES) if name.endswith('.yaml')]
    assert notes
    preludes = 0
    for name in notes:
        with open(os.path.join(NOTES, name)) as f:
            note = yaml.safe_load(f)
        assert isinstance(note, dict), name
        assert set(note) <= {
            'prelude', 'features', 'issues', 'upgrade', 'deprecations',
            'critical', 'security', 'fixes', 'other'}, name
        for section, value in note.items():
            if section == 'prelude':
                assert isinstance(value, str)
                preludes += 1
            else:
                assert isinstance(value, list) and all(
                    isinstance(item, str) for item in value), (name, section)
    assert preludes >= 1


def test_valet_place_output_is_the_one_shown():
    """install/all-in-one.rst shows real ``valet place`` output; when the
    optimizer's choices change, update the page with the new table."""
    env = {k: v for k, v in os.environ.items() if not k.startswith('OS_')}
    env['PYTHONWARNINGS'] = 'ignore'
    proc = subprocess.run(
        [sys.executable, '-m', 'valet.cli.main', 'place',
         helpers.repo_path('examples', 'templates', 'three-tier.yaml')],
        capture_output=True, text=True, env=env, timeout=300,
        cwd=helpers.REPO)
    assert proc.returncode == 0, proc.stderr
    with open(os.path.join(DOC_SOURCE, 'install', 'all-in-one.rst')) as f:
        page = f.read()
    table = textwrap.indent(proc.stdout.strip(), '    ')
    assert table in page, 'update doc/source/install/all-in-one.rst:\n' + (
        proc.stdout)
