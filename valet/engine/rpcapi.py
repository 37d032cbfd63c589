"""Client side of the valet-engine RPC API (topic ``[engine] topic``).

API version history:

    1.0 - Initial version: ping, create_plan, delete_plan.

Payloads are plain JSON-able dicts.  Errors come back as
``valet.exception`` classes with their code and structured reason.  Calls the
engine does not answer in time raise ``EngineUnavailable`` (HTTP 503).

Plugins import this module, so it imports nothing from the engine itself.
"""
import oslo_messaging as messaging

from valet import exception
from valet import rpc

RPC_API_VERSION = '1.0'


class EngineAPI:
    """Calls valet-engine over oslo.messaging."""

    def __init__(self, conf, transport, timeout=None):
        target = messaging.Target(topic=conf.engine.topic,
                                  version=RPC_API_VERSION)
        # [upgrade_levels] engine pins the version during rolling upgrades.
        self.client = rpc.get_client(transport, target,
                                     version_cap=conf.upgrade_levels.engine,
                                     timeout=timeout)

    def _call(self, context, version, method, **kwargs):
        cctxt = self.client.prepare(version=version)
        try:
            return cctxt.call(context, method, **kwargs)
        except messaging.MessagingTimeout as e:
            raise exception.EngineUnavailable(
                detail='no answer to %s within the timeout (%s)' % (method, e))
        except messaging.RemoteError as e:
            # The engine failed in a way it does not export: not retriable.
            raise exception.ValetException(
                'valet-engine failed during %s: %s' % (method, e.value))
        except messaging.MessagingException as e:
            raise exception.EngineUnavailable(
                detail='%s could not be delivered: %s' % (method, e))

    def ping(self, context):
        """→ {engine_id, version, datacenter, hosts, generation}."""
        return self._call(context, '1.0', 'ping')

    def create_plan(self, context, plan_name, stack_id, resources,
                    groups=None, locations=None, dry_run=False):
        """Place a whole stack level; → the plan with its placements."""
        return self._call(context, '1.0', 'create_plan',
                          plan_name=plan_name, stack_id=stack_id,
                          resources=resources, groups=groups,
                          locations=locations, dry_run=dry_run)

    def delete_plan(self, context, stack_id):
        """Delete a plan and release its capacity."""
        return self._call(context, '1.0', 'delete_plan', stack_id=stack_id)
