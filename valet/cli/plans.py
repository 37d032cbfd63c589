"""valet plan ...: a stack's placement decision."""
import urllib.parse

from cliff import command
from cliff import lister

from valet.cli import common
from valet.cli import template

MEMBER_FIELDS = ('Stack', 'Member', 'Kind', 'Location', 'Rack', 'Zone',
                 'Reserved')


def _path(plan):
    return '/v1/plans/' + urllib.parse.quote(plan, safe='')


def member_rows(stack, plan):
    return [(stack, p.get('name') or key, p.get('kind'), p.get('location'),
             p.get('rack'), p.get('zone'), p.get('reserved'))
            for key, p in sorted((plan.get('placements') or {}).items())]


class CreatePlan(lister.Lister):
    """Place a HOT template (or plan JSON): one plan per stack level."""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument('template', help='HOT template or plan JSON')
        parser.add_argument('--stack-id', help='Stack id of the top level '
                            '(default: derived from the template path)')
        parser.add_argument('--parameter', '-P', action='append', default=[],
                            metavar='KEY=VALUE',
                            help='Template parameter (repeatable)')
        parser.add_argument('--location', action='append', default=[],
                            metavar='HOST',
                            help='Only these hosts (repeatable)')
        return parser

    def take_action(self, args):
        levels = template.load_plans(
            args.template, common.pairs(args.parameter, '--parameter'))
        if args.stack_id:
            levels[0].stack_id = args.stack_id
        rows = []
        for level in levels:
            body = {'plan_name': level.name, 'stack_id': level.stack_id,
                    'resources': level.resources}
            if args.location:
                body['locations'] = args.location
            plan = common.api(self).request('POST', '/v1/plans',
                                            body)['plan']
            rows.extend(member_rows(level.name, plan))
        return MEMBER_FIELDS, rows


class ListPlans(lister.Lister):
    """List plans (administrators: every project's)."""

    def take_action(self, args):
        plans = common.api(self).request('GET', '/v1/plans')['plans']
        return (('ID', 'Name', 'Stack ID', 'Project', 'Members'),
                [(p.get('id'), p.get('name'), p.get('stack_id'),
                  p.get('project_id'), len(p.get('placements') or {}))
                 for p in plans])


class ShowPlan(lister.Lister):
    """Show where each member of a plan goes."""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument('plan', help='Plan id or stack id')
        return parser

    def take_action(self, args):
        plan = common.api(self).request('GET', _path(args.plan))['plan']
        return MEMBER_FIELDS, member_rows(plan.get('name'), plan)


class DeletePlan(command.Command):
    """Delete a plan and release its capacity."""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument('plan', help='Plan id or stack id')
        return parser

    def take_action(self, args):
        common.api(self).request('DELETE', _path(args.plan))


class MigratePlan(lister.Lister):
    """Move one member of a plan away from its host (and others)."""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument('plan', help='Plan id or stack id')
        parser.add_argument('member', help='Orchestration id (or Nova '
                                           'server uuid) of the member')
        parser.add_argument('--exclude-host', action='append', default=[],
                            metavar='HOST',
                            help='Do not move it there either (repeatable)')
        return parser

    def take_action(self, args):
        plan = common.api(self).request('PUT', _path(args.plan), {
            'action': 'migrate', 'resources': [args.member],
            'excluded_hosts': args.exclude_host})['plan']
        return MEMBER_FIELDS, member_rows(plan.get('name'), plan)
