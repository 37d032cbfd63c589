"""Carries Valet's RequestContext across the bus (project, user, roles, ids)."""
import oslo_messaging as messaging

from valet import context as valet_context


class RequestContextSerializer(messaging.NoOpSerializer):
    """Entities are plain JSON dicts already; only the context needs care."""

    def serialize_context(self, context):
        values = context.to_dict()
        # The engine never calls other services as the user: the caller's
        # Keystone token has no business on the bus (or in its logs).
        values.pop('auth_token', None)
        return values

    def deserialize_context(self, context):
        return valet_context.RequestContext.from_dict(context)
