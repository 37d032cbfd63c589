"""valet place: where would Valet put this stack?"""
import contextlib
import logging

from cliff import lister

from valet.cli import embedded
from valet.cli import template

LOG = logging.getLogger(__name__)

COLUMNS = ('Stack', 'Member', 'Kind', 'Location', 'Rack', 'Zone')

GROUP_TYPE = 'OS::Valet::Group'


class Place(lister.Lister):
    """Place a HOT template (or plan JSON) and show where each member goes.

    With no valet-api configured (no --os-url, OS_AUTH_URL or OS_CLOUD), on
    a simulated datacenter in this process; otherwise as a dry run of the
    configured valet-api against its real datacenter (nothing is stored).
    Every stack level becomes a plan, the top stack first, as Heat would
    send them; nested stacks share named groups with their parent.
    """

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument('template', help='HOT template or plan JSON')
        parser.add_argument('--datacenter', metavar='FILE',
                            help='Datacenter YAML of the embedded Valet '
                                 '(default: the small example datacenter)')
        parser.add_argument('--parameter', '-P', action='append', default=[],
                            metavar='KEY=VALUE',
                            help='Template parameter (repeatable)')
        return parser

    def take_action(self, args):
        levels = template.load_plans(args.template,
                                     _parameters(args.parameter))
        remote = self.app.api_configured()
        if remote and args.datacenter:
            raise ValueError('--datacenter is for the embedded Valet; the '
                             'configured valet-api uses its own datacenter')
        if remote and len(levels) > 1:
            self.app.stderr.write(
                'note: a dry run places each stack level on its own; rules '
                'spanning nested stacks hold when the stack is created.\n')
        rows = []
        with self._valet(args, remote) as valet:
            defined = {}
            for level in levels:
                body = {'plan_name': level.name, 'stack_id': level.stack_id,
                        'resources': level.resources}
                if remote:
                    # Nothing is stored by a dry run: the groups the upper
                    # levels define travel with the lower ones.
                    body['dry_run'] = True
                    inherited = {n: g for n, g in defined.items()
                                 if n not in _defined_groups(level)}
                    if inherited:
                        body['groups'] = inherited
                    defined.update(_defined_groups(level))
                plan = valet.request('POST', '/v1/plans', body)['plan']
                for key, p in sorted(plan['placements'].items()):
                    rows.append((level.name, p.get('name') or key,
                                 p.get('kind'), p.get('location'),
                                 p.get('rack'), p.get('zone')))
        return COLUMNS, rows

    def _valet(self, args, remote):
        if remote:
            return contextlib.nullcontext(self.app.valet())
        return embedded.embedded_valet(datacenter=args.datacenter)


def _defined_groups(level):
    """{name: {type, level}} of the OS::Valet::Group resources of a level."""
    groups = {}
    for resource in level.resources.values():
        if resource.get('type') != GROUP_TYPE:
            continue
        props = resource.get('properties') or {}
        if all(isinstance(props.get(k), str) for k in ('name', 'type',
                                                        'level')):
            groups[props['name']] = {'type': props['type'],
                                     'level': props['level']}
    return groups


def _parameters(pairs):
    params = {}
    for pair in pairs:
        key, sep, value = pair.partition('=')
        if not sep:
            raise ValueError('--parameter %r: expected KEY=VALUE' % pair)
        params[key] = value
    return params
