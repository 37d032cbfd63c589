"""oslo.messaging notification endpoints, one per event family.

They parse and queue; applying happens in the applier's thread, so the
listener's threads never wait for the decision lock or the DB.  A
payload that cannot be parsed is logged and dropped (redelivering it
would not make it parse).
"""
import logging

import oslo_messaging as messaging

from valet.engine.notifications import events

LOG = logging.getLogger(__name__)


def _exact(types):
    return r'^(%s)$' % '|'.join(sorted(t.replace('.', r'\.') for t in types))


class _Endpoint:
    parse = None

    def __init__(self, sink):
        self._sink = sink

    def info(self, ctxt, publisher_id, event_type, payload, metadata):
        try:
            event = type(self).parse(event_type, payload)
        except (events.PayloadError, TypeError, ValueError) as exc:
            LOG.warning('Dropped %s from %s: %s', event_type, publisher_id,
                        exc)
            return messaging.NotificationResult.HANDLED
        if event is not None:
            self._sink(event)
        return messaging.NotificationResult.HANDLED


class InstanceEndpoint(_Endpoint):
    filter_rule = messaging.NotificationFilter(
        event_type=_exact(events.INSTANCE_EVENTS))
    parse = staticmethod(events.instance_event)


class ServiceEndpoint(_Endpoint):
    filter_rule = messaging.NotificationFilter(
        event_type=r'^service\.(update|create|delete)$')
    parse = staticmethod(events.service_event)


class AggregateEndpoint(_Endpoint):
    filter_rule = messaging.NotificationFilter(
        event_type=r'^aggregate\.(create|delete|add_host|remove_host|'
                   r'update_metadata|update_prop)\.end$')
    parse = staticmethod(events.aggregate_event)


def all_endpoints(sink):
    return [InstanceEndpoint(sink), ServiceEndpoint(sink),
            AggregateEndpoint(sink)]
