"""`valet place` as a user runs it: a real process, real exit codes."""
import json
import subprocess
import sys

from valet.engine.model import loader
from valet.tests.functional import fixtures
from valet.tests import rules


def valet(*args):
    return subprocess.run([sys.executable, '-m', 'valet.cli.main', *args],
                          capture_output=True, text=True, timeout=120)


def by_member(rows):
    return {r['Member']: {'location': r['Location'], 'rack': r['Rack'],
                          'zone': r['Zone'], 'kind': r['Kind']} for r in rows}


def test_place_three_tier_prints_a_table_by_the_rules():
    out = valet('place', fixtures.example('templates', 'three-tier.yaml'))
    assert out.returncode == 0, out.stderr
    assert 'Member' in out.stdout and 'Rack' in out.stdout
    assert out.stderr == ''

    js = valet('place', fixtures.example('templates', 'three-tier.yaml'),
               '-f', 'json')
    assert js.returncode == 0, js.stderr
    p = by_member(json.loads(js.stdout))
    rules.assert_diversity(p, ['web-1', 'web-2', 'web-3'], 'host')
    rules.assert_diversity(p, ['db-1', 'db-2'], 'rack')
    inv = loader.load_datacenter(loader.default_datacenter_path())
    for member in p.values():
        host = inv.hosts[member['location']]
        assert (host.rack, host.zone) == (member['rack'], member['zone'])


def test_place_on_another_datacenter_uses_its_racks():
    dc = fixtures.example('datacenters', 'pdk.yaml')
    out = valet('place', fixtures.example('templates', 'three-tier.yaml'),
                '--datacenter', dc, '-f', 'json')
    assert out.returncode == 0, out.stderr
    inv = loader.load_datacenter(dc)
    p = by_member(json.loads(out.stdout))
    assert all(m['location'] in inv.hosts for m in p.values())
    rules.assert_diversity(p, ['db-1', 'db-2'], 'rack')


def test_nested_stacks_share_their_groups():
    out = valet('place', fixtures.example('templates', 'nested-parent.yaml'),
                '-f', 'json')
    assert out.returncode == 0, out.stderr
    rows = json.loads(out.stdout)
    assert len({r['Stack'] for r in rows}) == 2


def test_bad_template_exits_2_without_traceback(tmp_path):
    bad = tmp_path / 'bad.yaml'
    bad.write_text('heat_template_version: 2018-08-31\nresources:\n'
                   '  a: {type: OS::Nova::Server, properties: '
                   '{flavor: m1.nope}}\n')
    out = valet('place', str(bad))
    assert out.returncode == 2
    assert 'Traceback' not in out.stderr
    assert 'flavor' in out.stderr and 'a' in out.stderr


def test_bad_datacenter_exits_2_naming_the_field(tmp_path):
    dc = tmp_path / 'dc.yaml'
    dc.write_text('name: x\nzones:\n  - name: z\n    racks:\n'
                  '      - name: r\n        hosts:\n'
                  '          - {name: h, vcpus: -4}\n')
    out = valet('place', fixtures.example('templates', 'three-tier.yaml'),
                '--datacenter', str(dc))
    assert out.returncode == 2, out.stderr
    assert 'Traceback' not in out.stderr
    assert str(dc) in out.stderr and 'vcpus' in out.stderr


def test_unplaceable_stack_exits_1_with_the_reason(tmp_path):
    res = {'g': {'type': 'OS::Valet::Group',
                 'properties': {'name': 'g', 'type': 'diversity',
                                'level': 'rack'}}}
    for i in range(6):   # the small datacenter has fewer racks
        res['s%d' % i] = {'type': 'OS::Nova::Server', 'properties': {
            'flavor': 'm1.tiny', 'metadata': {'valet': {'groups': ['g']}}}}
    plan = tmp_path / 'plan.json'
    plan.write_text(json.dumps({'plan_name': 'p', 'resources': res}))
    out = valet('place', str(plan))
    assert out.returncode == 1
    assert 'Traceback' not in out.stderr
    reason = json.loads(out.stderr.split('reason: ', 1)[1].splitlines()[0])
    assert reason['group'] == 'g' and reason['level'] == 'rack'
