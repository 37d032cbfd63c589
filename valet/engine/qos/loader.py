"""Loading the configured QoS driver (stevedore ``valet.qos.drivers``)."""
from stevedore import driver as stevedore_driver

from valet.engine.qos import base

NAMESPACE = 'valet.qos.drivers'


def load(name, **kwargs):
    """The driver ``name`` built with ``kwargs``."""
    try:
        manager = stevedore_driver.DriverManager(
            NAMESPACE, name, invoke_on_load=True, invoke_kwds=kwargs)
    except Exception as e:     # NoMatches, or the driver's own error
        cause = getattr(e, '__cause__', None) or e
        if isinstance(cause, base.QosError):
            raise cause from None
        raise base.QosError(detail='cannot load QoS driver %r: %s'
                            % (name, e)) from e
    return manager.driver


def from_conf(conf):
    """The driver ``[qos]`` of ``conf`` selects."""
    qos = conf.qos
    return load(qos.driver, url=qos.controller_url, timeout=qos.timeout,
                token=qos.auth_token)
