"""openstacksdk connections from keystoneauth option groups, and errors.

A collector builds its connections when it collects, never at import or
load time, so a Valet that runs only the ``file`` collector never touches
the network.  Every failure of the SDK or keystoneauth (no endpoint, refused
connection, HTTP error, bad credentials) becomes one
:class:`InventoryUnavailable` that names the collector, the service and the
call.
"""
import contextlib

from keystoneauth1 import exceptions as ks_exc
from keystoneauth1 import loading as ks_loading
import openstack
from openstack import exceptions as sdk_exc

from valet import exception


class InventoryUnavailable(exception.ValetException):
    code = 503
    error_type = 'inventory_unavailable'
    title = 'Service Unavailable'
    msg_fmt = ('Inventory collector %(collector)s could not read %(what)s: '
               '%(detail)s')


@contextlib.contextmanager
def reading(collector, what):
    """Turn SDK/keystoneauth errors inside the block into InventoryUnavailable."""
    try:
        yield
    except (sdk_exc.SDKException, ks_exc.ClientException) as err:
        raise InventoryUnavailable(
            collector=collector, what=what,
            detail='%s: %s' % (type(err).__name__, err)) from err


def connect(conf, group, service_type, collector):
    """An openstacksdk Connection for one service from option group ``group``.

    Auth and session come from the group's keystoneauth options; the adapter
    options (endpoint_override, region, interfaces, microversion bounds) are
    read by openstacksdk itself from the same group.
    """
    with reading(collector, '[%s] options' % group):
        auth = ks_loading.load_auth_from_conf_options(conf, group)
        session = ks_loading.load_session_from_conf_options(
            conf, group, auth=auth)
        return openstack.connection.Connection(
            session=session, oslo_conf=conf, service_types=[service_type])
