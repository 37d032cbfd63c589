"""[placement]: how the inventory collectors reach Placement API (keystoneauth)."""
from valet.conf import ksa

NAME = 'placement'
TITLE = 'Placement API (inventory collector ``nova``)'

_GROUP = ksa.ServiceGroup(NAME, TITLE, service_type='placement')
register_opts = _GROUP.register_opts
list_opts = _GROUP.list_opts
