"""``OS::Valet::Group``: a named, global placement rule (DESIGN §5.2)."""
from heat.common.i18n import _
from heat.engine import constraints
from heat.engine import properties
from heat.engine import resource
from heat.engine import support

from valet.plugins.heat import checks


class ValetGroup(resource.Resource):
    """A Valet group: affinity, diversity or exclusivity at host, rack or
    zone level.  Servers join it through their ``metadata.valet.groups``
    or an ``OS::Valet::GroupAssignment``; other stacks may use it too.
    Deleting the stack keeps the group (it is global); delete it with the
    Valet API once no stack uses it."""

    support_status = support.SupportStatus(version='2024.1')

    PROPERTIES = (NAME, TYPE, LEVEL, DESCRIPTION, MEMBERS) = (
        'name', 'type', 'level', 'description', 'members')

    properties_schema = {
        NAME: properties.Schema(
            properties.Schema.STRING,
            _('Group name, unique across Valet; defaults to the resource '
              'name.')),
        TYPE: properties.Schema(
            properties.Schema.STRING, _('Kind of rule.'), required=True,
            constraints=[constraints.AllowedValues(
                ['affinity', 'diversity', 'exclusivity'])]),
        LEVEL: properties.Schema(
            properties.Schema.STRING, _('Where the rule applies.'),
            required=True,
            constraints=[constraints.AllowedValues(['host', 'rack', 'zone'])]),
        DESCRIPTION: properties.Schema(
            properties.Schema.STRING, _('What the group is for.'),
            default='', update_allowed=True),
        MEMBERS: properties.Schema(
            properties.Schema.LIST,
            _('Projects allowed to use the group (empty: every project).'),
            default=[], update_allowed=True,
            schema=properties.Schema(properties.Schema.STRING)),
    }

    def group_name(self):
        return self.properties[self.NAME] or self.name

    def handle_create(self):
        # The reference ({get_resource: ...}) becomes the group's name.
        self.resource_id_set(self.group_name())

    def handle_update(self, json_snippet, tmpl_diff, prop_diff):
        # Description and members travel in the stack's update_plan.
        pass

    def handle_delete(self):
        return None


def resource_mapping():
    checks.warn_once(_conf())
    return {'OS::Valet::Group': ValetGroup}


def _conf():
    from oslo_config import cfg
    return cfg.CONF
