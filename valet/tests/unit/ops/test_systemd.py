"""etc/systemd/: the unit files parse, start the console scripts setup.cfg
declares, and pass ``systemd-analyze verify`` where it is installed."""
import configparser
import os
import shlex
import subprocess

import pytest

from valet.tests.unit.ops import helpers

UNITS = {
    # unit: (program, systemd Type)
    'valet-api.service': ('valet-api', 'simple'),
    'valet-engine.service': ('valet-engine', 'simple'),
    'valet-api-uwsgi.service': ('uwsgi', 'notify'),
}
CONFIG = '/etc/valet/valet.conf'


def unit_path(name):
    return helpers.repo_path('etc', 'systemd', name)


def read_unit(name):
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str
    with open(unit_path(name)) as f:
        parser.read_file(f)
    return parser


def test_every_unit_is_tested():
    assert sorted(os.listdir(helpers.repo_path('etc', 'systemd'))) == sorted(
        UNITS)


@pytest.mark.parametrize('name', sorted(UNITS))
def test_unit_runs_what_it_says(name):
    program, unit_type = UNITS[name]
    unit = read_unit(name)
    assert set(unit.sections()) == {'Unit', 'Service', 'Install'}
    service = unit['Service']
    assert service['Type'] == unit_type
    argv = shlex.split(service['ExecStart'])
    assert os.path.basename(argv[0]) == program
    assert os.path.isabs(argv[0])
    assert service['User'] == 'valet'
    assert unit['Install']['WantedBy'] == 'multi-user.target'
    if program == 'uwsgi':
        assert argv[1:] == ['--ini', '/etc/valet/valet-api-uwsgi.ini']
        assert service['Environment'] == 'VALET_CONFIG_FILE=%s' % CONFIG
    else:
        assert program in helpers.console_scripts()
        assert argv[1:] == ['--config-file', CONFIG]


def test_api_units_conflict():
    assert read_unit('valet-api.service')['Unit']['Conflicts'] == (
        'valet-api-uwsgi.service')
    assert read_unit('valet-api-uwsgi.service')['Unit']['Conflicts'] == (
        'valet-api.service')


def test_systemd_analyze_verify(tmp_path):
    """Copies of the units, with ExecStart pointing at programs that exist
    here (verify checks that they are executable), must verify without a
    single warning."""
    analyze = helpers.which('systemd-analyze')
    if analyze is None:
        pytest.skip('systemd-analyze is not installed')
    fake = tmp_path / 'bin'
    fake.mkdir()
    paths = []
    for name in sorted(UNITS):
        program = UNITS[name][0]
        exe = fake / program
        exe.write_text('#!/bin/sh\nexit 0\n')
        exe.chmod(0o755)
        with open(unit_path(name)) as f:
            text = f.read()
        text = text.replace('/usr/bin/%s ' % program, '%s ' % exe)
        path = tmp_path / name
        path.write_text(text)
        paths.append(str(path))
    proc = subprocess.run([analyze, 'verify', '--man=no', *paths],
                          capture_output=True, text=True, timeout=120,
                          cwd=str(tmp_path))
    output = (proc.stdout + proc.stderr).strip()
    if proc.returncode != 0 and 'Failed to' in output and (
            'bus' in output or 'manager' in output.lower()):
        pytest.skip('systemd-analyze cannot run here: %s' % output)
    assert proc.returncode == 0, output
    # verify exits 0 on unknown keys and bad values: any output is a finding.
    assert output == ''
