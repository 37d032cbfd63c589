"""Carries Valet's RequestContext across the bus (project, user, roles, ids)."""
import oslo_messaging as messaging

from valet import context as valet_context


class RequestContextSerializer(messaging.NoOpSerializer):
    """Entities are plain JSON dicts already; only the context needs care."""

    def serialize_context(self, context):
        return context.to_dict()

    def deserialize_context(self, context):
        return valet_context.RequestContext.from_dict(context)
