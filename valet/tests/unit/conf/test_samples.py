"""The generated samples in etc/valet must match the code that defines them
(regenerate with `tox -e genconfig` / `tox -e genpolicy`)."""
import os

from oslo_config import generator as config_generator
from oslo_policy import generator as policy_generator

from valet import conf as valet_conf
from valet.conf import opts
from valet.tests.functional import fixtures

ETC = os.path.join(fixtures.REPO, 'etc', 'valet')


def test_config_sample_is_current(tmp_path):
    out = tmp_path / 'valet.conf.sample'
    config_generator.main([
        '--config-file', os.path.join(ETC, 'valet-config-generator.conf'),
        '--output-file', str(out)])
    with open(os.path.join(ETC, 'valet.conf.sample')) as f:
        assert out.read_text() == f.read(), 'run: tox -e genconfig'


def test_policy_sample_is_current(tmp_path):
    out = tmp_path / 'policy.yaml.sample'
    policy_generator.generate_sample(
        args=['--namespace', 'valet', '--output-file', str(out)])
    with open(os.path.join(ETC, 'policy.yaml.sample')) as f:
        assert out.read_text() == f.read(), 'run: tox -e genpolicy'


def test_every_group_lists_its_options():
    names = {group for group, _ in opts.list_opts()}
    assert {'api', 'engine', 'inventory', 'optimizer', 'upgrade_levels',
            'valet'} <= names


def test_new_conf_has_no_global_state():
    a = valet_conf.new_conf([])
    b = valet_conf.new_conf([])
    a.set_override('port', 9999, group='api')
    assert b.api.port == 8090
