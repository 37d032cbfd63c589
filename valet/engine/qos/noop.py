"""The default QoS driver: bandwidth is only accounted in Valet's model."""
import logging

from valet.engine.qos import base

LOG = logging.getLogger(__name__)


class NoopDriver(base.QosDriver):

    def __init__(self, **kwargs):
        pass

    def reserve(self, plan_id, pipes):
        if pipes:
            LOG.debug('QoS noop: %d pipes of plan %s not enforced',
                      len(pipes), plan_id)

    def release(self, plan_id):
        pass
