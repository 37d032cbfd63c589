"""valet group ... and valet group member ...: placement groups."""
import urllib.parse

from cliff import command
from cliff import lister
from cliff import show

from valet.cli import common

FIELDS = (('ID', 'id'), ('Name', 'name'), ('Type', 'type'),
          ('Level', 'level'), ('Description', 'description'),
          ('Members', 'members'))
FORMAT = {'members': common.ListColumn}


def _path(group, *rest):
    parts = [urllib.parse.quote(p, safe='') for p in (group,) + rest]
    return '/v1/groups/' + '/'.join(parts)


class _ShowGroup(show.ShowOne):
    def _show(self, group):
        return common.show(FIELDS, group, FORMAT)


class CreateGroup(_ShowGroup):
    """Create a placement group (administrators)."""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument('name', help='Group name (letters, digits, -_.)')
        parser.add_argument('--type', required=True,
                            choices=('affinity', 'diversity', 'exclusivity'))
        parser.add_argument('--level', required=True,
                            choices=('host', 'rack', 'zone'))
        parser.add_argument('--description')
        return parser

    def take_action(self, args):
        body = {'name': args.name, 'type': args.type, 'level': args.level}
        if args.description is not None:
            body['description'] = args.description
        return self._show(common.api(self).request('POST', '/v1/groups',
                                                   body))


class ListGroups(lister.Lister):
    """List placement groups."""

    def take_action(self, args):
        groups = common.api(self).request('GET', '/v1/groups')['groups']
        return common.rows(FIELDS, groups, FORMAT)


class ShowGroup(_ShowGroup):
    """Show a placement group."""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument('group', help='Group id or name')
        return parser

    def take_action(self, args):
        return self._show(common.api(self).request(
            'GET', _path(args.group))['group'])


class UpdateGroup(_ShowGroup):
    """Change the description of a group (administrators)."""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument('group', help='Group id or name')
        parser.add_argument('--description', required=True)
        return parser

    def take_action(self, args):
        return self._show(common.api(self).request(
            'PUT', _path(args.group), {'description': args.description}))


class DeleteGroup(command.Command):
    """Delete a group without members or placed servers (administrators)."""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument('group', help='Group id or name')
        return parser

    def take_action(self, args):
        common.api(self).request('DELETE', _path(args.group))


class AddMembers(_ShowGroup):
    """Add projects to the members of a group (administrators)."""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument('group', help='Group id or name')
        parser.add_argument('projects', nargs='+', metavar='project',
                            help='Project id')
        return parser

    def take_action(self, args):
        return self._show(common.api(self).request(
            'PUT', _path(args.group, 'members'),
            {'members': args.projects}))


class RemoveMember(command.Command):
    """Remove a member project, or all of them (administrators)."""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument('group', help='Group id or name')
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument('project', nargs='?', help='Project id')
        which.add_argument('--all', action='store_true',
                           help='Remove every member')
        return parser

    def take_action(self, args):
        path = (_path(args.group, 'members') if args.all
                else _path(args.group, 'members', args.project))
        common.api(self).request('DELETE', path)


class CheckMember(command.Command):
    """Exit 0 if the project is a member of the group, 1 if not."""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument('group', help='Group id or name')
        parser.add_argument('project', help='Project id')
        return parser

    def take_action(self, args):
        common.api(self).request('GET', _path(args.group, 'members',
                                              args.project))
        self.app.stdout.write('%s is a member of %s\n'
                              % (args.project, args.group))
