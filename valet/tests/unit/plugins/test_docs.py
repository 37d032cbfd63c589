"""The [valet] sections of doc/plugins/*.conf use real options with valid
values (the service-specific parts are checked in each service's tox
environment, with that service's own option definitions)."""
import os

import pytest

from valet.tests.plugins import config_docs


@pytest.mark.parametrize('service', ['nova', 'cinder', 'heat'])
def test_valet_section_of_each_snippet(service):
    values = config_docs.valet_section(service)
    assert values['failure_mode'] in ('reject', 'yield')
    assert values['topic'] == 'valet-engine'
    assert values['transport_url'].startswith('rabbit://')


def test_the_compat_environment_maps_the_valet_1_names():
    import yaml
    path = os.path.join(os.path.dirname(config_docs.DOC), '..', 'etc',
                        'valet', 'heat', 'valet-1.0.yaml')
    with open(path) as f:
        registry = yaml.safe_load(f)['resource_registry']
    assert registry == {
        'ATT::Valet::GroupAssignment': 'OS::Valet::GroupAssignment',
        'ATT::Valet::Pipe': 'OS::Valet::Pipe'}
