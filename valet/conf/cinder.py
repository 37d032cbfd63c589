"""[cinder]: how the inventory collectors reach Cinder block-storage API (keystoneauth)."""
from valet.conf import ksa

NAME = 'cinder'
TITLE = 'Cinder block-storage API (inventory collector ``cinder``)'

_GROUP = ksa.ServiceGroup(NAME, TITLE, service_type='block-storage')
register_opts = _GROUP.register_opts
list_opts = _GROUP.list_opts
