"""``OS::Valet::Pipe``: bandwidth between two members (DESIGN §2 flow 8)."""
from heat.common.i18n import _
from heat.engine import constraints
from heat.engine import properties
from heat.engine import resource
from heat.engine import support


class ValetPipe(resource.Resource):
    """A bandwidth demand between two servers, or a server and a volume,
    of this stack.  Valet counts it against host NICs and rack uplinks,
    keeps heavy pipes local, and hands the reservation to its QoS
    driver."""

    support_status = support.SupportStatus(version='2024.1')

    PROPERTIES = (SOURCE, TARGET, BANDWIDTH) = ('source', 'target',
                                                'bandwidth')

    properties_schema = {
        SOURCE: properties.Schema(
            properties.Schema.STRING,
            _('A server or volume of this stack ({get_resource: x}).'),
            required=True),
        TARGET: properties.Schema(
            properties.Schema.STRING,
            _('The other end: a server or volume of this stack.'),
            required=True),
        BANDWIDTH: properties.Schema(
            properties.Schema.INTEGER, _('Bandwidth in Mbit/s.'),
            required=True, update_allowed=True,
            constraints=[constraints.Range(min=1)]),
    }

    def handle_create(self):
        self.resource_id_set(self.physical_resource_name())

    def handle_update(self, json_snippet, tmpl_diff, prop_diff):
        # The new bandwidth travels in the stack's update_plan.
        pass

    def handle_delete(self):
        return None


def resource_mapping():
    return {'OS::Valet::Pipe': ValetPipe}
