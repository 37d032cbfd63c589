"""Hands a decided plan's pipes to the configured QoS driver (DESIGN §2.8).

It runs after the decision is committed: the placement is authoritative,
and a controller that fails or is unreachable is logged, not allowed to undo
a placement that Nova and Cinder are already following.
"""
import logging

from valet.engine.qos import base as qos_base
from valet.engine.qos import loader as qos_loader

LOG = logging.getLogger(__name__)


class PipeReservations:

    def __init__(self, conf):
        self.conf = conf
        self._driver = None

    @property
    def driver(self):
        if self._driver is None:     # loaded on first use, not at start-up
            self._driver = qos_loader.from_conf(self.conf)
        return self._driver

    def reserve(self, plan, pipes):
        """``plan``: the stored plan dict; ``pipes``: its pipe rows."""
        placements = plan.get('placements') or {}
        located = [dict(pipe,
                        source_location=_location(placements, pipe['source']),
                        target_location=_location(placements, pipe['target']))
                   for pipe in pipes]
        self._call('reserve', plan['id'], located)

    def release(self, plan_id):
        self._call('release', plan_id)

    def _call(self, method, plan_id, *args):
        try:
            getattr(self.driver, method)(plan_id, *args)
        except qos_base.QosError as e:
            LOG.error('QoS %s for plan %s failed; the placement stands: %s',
                      method, plan_id, e)


def _location(placements, key):
    member = placements.get(key) or {}
    return member.get('location')
