"""``OS::Valet::GroupAssignment``: servers (or groups) into a group.

Also takes the Valet 1.0 form of ``ATT::Valet::GroupAssignment``
(``group_name``, ``group_type``, ``level``), which defines the group on
the spot; etc/valet/heat/valet-1.0.yaml maps the old type name here.
"""
from heat.common import exception as heat_exception
from heat.common.i18n import _
from heat.engine import constraints
from heat.engine import properties
from heat.engine import resource
from heat.engine import support


class ValetGroupAssignment(resource.Resource):
    """Puts the listed servers (or nested groups) into a Valet group."""

    support_status = support.SupportStatus(version='2024.1')

    PROPERTIES = (GROUP, RESOURCES, GROUP_NAME, GROUP_TYPE, LEVEL) = (
        'group', 'resources', 'group_name', 'group_type', 'level')

    properties_schema = {
        GROUP: properties.Schema(
            properties.Schema.STRING,
            _('A group name, or {get_resource: <OS::Valet::Group>}.')),
        RESOURCES: properties.Schema(
            properties.Schema.LIST,
            _('Servers (or group assignments) of this stack, e.g. '
              '{get_resource: web-1}.'),
            required=True, update_allowed=True,
            schema=properties.Schema(properties.Schema.STRING)),
        GROUP_NAME: properties.Schema(
            properties.Schema.STRING, _('Valet 1.0: the group name.')),
        GROUP_TYPE: properties.Schema(
            properties.Schema.STRING, _('Valet 1.0: the group type.'),
            constraints=[constraints.AllowedValues(
                ['affinity', 'diversity', 'exclusivity'])]),
        LEVEL: properties.Schema(
            properties.Schema.STRING, _('Valet 1.0: the group level.'),
            constraints=[constraints.AllowedValues(['host', 'rack', 'zone'])]),
    }

    def validate(self):
        super().validate()
        legacy = self.properties[self.GROUP_TYPE] or self.properties[
            self.GROUP_NAME]
        if legacy and self.properties[self.GROUP]:
            raise heat_exception.StackValidationFailed(message=_(
                'Give either group or group_name/group_type/level, not both.'))
        if not legacy and not self.properties[self.GROUP]:
            raise heat_exception.StackValidationFailed(message=_(
                'group is required (or the Valet 1.0 group_name, group_type '
                'and level).'))
        if self.properties[self.GROUP_TYPE] and not self.properties[
                self.LEVEL]:
            raise heat_exception.StackValidationFailed(message=_(
                'level is required with group_type.'))

    def handle_create(self):
        name = (self.properties[self.GROUP] or self.properties[
            self.GROUP_NAME] or self.name)
        self.resource_id_set(name)

    def handle_update(self, json_snippet, tmpl_diff, prop_diff):
        # The new member list travels in the stack's update_plan.
        pass

    def handle_delete(self):
        return None


def resource_mapping():
    return {'OS::Valet::GroupAssignment': ValetGroupAssignment}
