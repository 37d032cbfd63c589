"""valet place: where would Valet put this stack?"""
import logging

from cliff import lister

from valet.cli import embedded
from valet.cli import template

LOG = logging.getLogger(__name__)

COLUMNS = ('Stack', 'Member', 'Kind', 'Location', 'Rack', 'Zone')


class Place(lister.Lister):
    """Place a HOT template (or plan JSON) on a simulated datacenter.

    Every stack level becomes a plan, the top stack first, as Heat would
    send them; nested stacks share named groups with their parent.
    """

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument('template', help='HOT template or plan JSON')
        parser.add_argument('--datacenter', metavar='FILE',
                            help='Datacenter YAML (default: the small '
                                 'example datacenter)')
        parser.add_argument('--parameter', '-P', action='append', default=[],
                            metavar='KEY=VALUE',
                            help='Template parameter (repeatable)')
        return parser

    def take_action(self, args):
        levels = template.load_plans(args.template,
                                     _parameters(args.parameter))
        rows = []
        with embedded.embedded_valet(datacenter=args.datacenter) as valet:
            for level in levels:
                plan = valet.request('POST', '/v1/plans', {
                    'plan_name': level.name, 'stack_id': level.stack_id,
                    'resources': level.resources})['plan']
                for key, p in sorted(plan['placements'].items()):
                    rows.append((level.name, p.get('name') or key,
                                 p.get('kind'), p.get('location'),
                                 p.get('rack'), p.get('zone')))
        return COLUMNS, rows


def _parameters(pairs):
    params = {}
    for pair in pairs:
        key, sep, value = pair.partition('=')
        if not sep:
            raise ValueError('--parameter %r: expected KEY=VALUE' % pair)
        params[key] = value
    return params
