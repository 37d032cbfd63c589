"""[nova]: how the inventory collectors reach Nova compute API (keystoneauth)."""
from valet.conf import ksa

NAME = 'nova'
TITLE = 'Nova compute API (inventory collector ``nova``)'

_GROUP = ksa.ServiceGroup(NAME, TITLE, service_type='compute')
register_opts = _GROUP.register_opts
list_opts = _GROUP.list_opts
