"""valet placement ...: where each planned member goes."""
import urllib.parse

from cliff import lister
from cliff import show

from valet.cli import common

FIELDS = (('ID', 'id'), ('Name', 'name'),
          ('Orchestration ID', 'orchestration_id'),
          ('Resource ID', 'resource_id'), ('Location', 'location'),
          ('Reserved', 'reserved'), ('Plan ID', 'plan_id'),
          ('Metadata', 'metadata'))
FORMAT = {'metadata': common.DictColumn}


class ListPlacements(lister.Lister):
    """List placements, optionally filtered.

    ``--filter location=r01h01`` compares an own field,
    ``--filter tier=web`` a metadata key.
    """

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument('--filter', action='append', default=[],
                            metavar='KEY=VALUE',
                            help='Own field or metadata filter (repeatable)')
        return parser

    def take_action(self, args):
        filters = common.pairs(args.filter, '--filter')
        path = '/v1/placements'
        if filters:
            path += '?' + urllib.parse.urlencode(sorted(filters.items()))
        placements = common.api(self).request('GET', path)['placements']
        return common.rows(FIELDS, placements, FORMAT)


class ShowPlacement(show.ShowOne):
    """Show a placement."""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument('placement',
                            help='Placement id or orchestration id')
        return parser

    def take_action(self, args):
        placement = common.api(self).request(
            'GET', '/v1/placements/'
            + urllib.parse.quote(args.placement, safe=''))['placement']
        return common.show(FIELDS, placement, FORMAT)
