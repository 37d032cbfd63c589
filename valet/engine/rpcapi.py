"""Client side of the valet-engine RPC API (topic ``[engine] topic``).

API version history:

    1.0 - Initial version: ping, create_plan, delete_plan.
    1.1 - Stack actions and plugin calls: update_plan, migrate, reserve,
          schedule_instance, schedule_volume; queries group_members,
          invalid_placements, explain; sync_inventory (cast).
    1.2 - delete_placement (releases one member's capacity).
    1.3 - schedule_volume takes ``server``: the consumer server of an
          ad-hoc volume, which goes to that server's zone and rack.
    1.4 - Engines also serve ping and the read-only queries on the query
          lane, topic ``<topic>-queries`` (see ``query_topic``), so they never
          wait behind decisions.  Upgrade the engines first: an API pinned
          below 1.4 (``[upgrade_levels] engine``) keeps using the main topic.

Payloads are plain JSON-able dicts.  Errors come back as
``valet.exception`` classes with their code and structured reason.  Calls the
engine does not answer in time raise ``EngineUnavailable`` (HTTP 503).

Plugins import this module, so it imports nothing from the engine itself.
"""
from kombu import exceptions as kombu_exceptions
import oslo_messaging as messaging

from valet import exception
from valet import rpc

RPC_API_VERSION = '1.4'

# Reconnection attempts to deliver one call while the broker is away
# (oslo.messaging's default, None, retries forever: a request would hang
# through a whole RabbitMQ outage instead of failing with a retriable 503).
DELIVERY_RETRIES = 2

# The first version whose engines serve the query lane.
QUERY_LANE_VERSION = '1.4'


def query_topic(topic):
    """The query lane of the engines on ``topic``: each engine takes
    decisions one at a time ([engine] rpc_workers) so that an idle engine
    gets the next one, and serves ping and the read-only queries here, with
    a thread each, so that a status check never queues behind a plan."""
    return '%s-queries' % topic


class EngineAPI:
    """Calls valet-engine over oslo.messaging."""

    retry = DELIVERY_RETRIES

    def __init__(self, conf, transport, timeout=None,
                 retry=DELIVERY_RETRIES):
        self.retry = retry
        target = messaging.Target(topic=conf.engine.topic,
                                  version=RPC_API_VERSION)
        # [upgrade_levels] engine pins the version during rolling upgrades.
        self.client = rpc.get_client(transport, target,
                                     version_cap=conf.upgrade_levels.engine,
                                     timeout=timeout)
        self.query_topic = query_topic(conf.engine.topic)

    def _query(self, context, version, method, **kwargs):
        """A read-only call, on the query lane where the engines serve it."""
        if not self.client.can_send_version(QUERY_LANE_VERSION):
            return self._call(context, version, method, **kwargs)
        return self._call(context, QUERY_LANE_VERSION, method,
                          _topic=self.query_topic, **kwargs)

    def _call(self, context, version, method, _topic=None, **kwargs):
        cctxt = self.client.prepare(version=version, retry=self.retry,
                                    **({'topic': _topic} if _topic else {}))
        try:
            return cctxt.call(context, method, **kwargs)
        except messaging.MessagingTimeout as e:
            raise exception.EngineUnavailable(
                detail='no answer to %s within the timeout (%s)' % (method, e)) from e
        except messaging.RemoteError as e:
            # The engine failed in a way it does not export: not retriable.
            raise exception.ValetException(
                'valet-engine failed during %s: %s' % (method, e.value)) from e
        except (messaging.MessagingException,
                kombu_exceptions.OperationalError) as e:
            # kombu's error: a new pooled connection that gave up after
            # ``retry`` attempts (the broker is down).
            raise exception.EngineUnavailable(
                detail='%s could not be delivered: %s' % (method, e)) from e

    def ping(self, context):
        """→ {engine_id, version, datacenter, hosts, generation}."""
        return self._query(context, '1.0', 'ping')

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

    def update_plan(self, context, stack_id, resources,
                    original_resources=None):
        """Pin unchanged members, place new or resized ones, release removed
        ones; → the plan."""
        return self._call(context, '1.1', 'update_plan', stack_id=stack_id,
                          resources=resources,
                          original_resources=original_resources)

    def migrate(self, context, stack_id, orchestration_id,
                excluded_hosts=None):
        """Move one member away from its host and ``excluded_hosts``."""
        return self._call(context, '1.1', 'migrate', stack_id=stack_id,
                          orchestration_id=orchestration_id,
                          excluded_hosts=excluded_hosts or [])

    def reserve(self, context, candidate_hosts, orchestration_id=None,
                resource_id=None, instance_uuid=None, action='reserve'):
        """Nova boots a planned member: reserve its host if Nova's filters
        left it, else replan it inside ``candidate_hosts``; → placement."""
        return self._call(context, '1.1', 'reserve',
                          orchestration_id=orchestration_id,
                          resource_id=resource_id,
                          instance_uuid=instance_uuid,
                          candidate_hosts=candidate_hosts, action=action)

    def schedule_instance(self, context, instance_uuid, flavor, groups=None,
                          az=None, candidate_hosts=None):
        """Place a server no plan knows (ad-hoc boot); → placement."""
        return self._call(context, '1.1', 'schedule_instance',
                          instance_uuid=instance_uuid, flavor=flavor,
                          groups=groups or [], az=az,
                          candidate_hosts=candidate_hosts)

    def schedule_volume(self, context, volume_id, size_gb, volume_type=None,
                        az=None, orchestration_id=None, candidate_pools=None,
                        server=None):
        """Choose the pool of a volume, planned or ad hoc; → placement.

        ``server`` (1.3): the instance uuid or orchestration id of the
        server that will use an ad-hoc volume (Cinder's
        ``local_to_instance`` hint): the volume goes near it.
        """
        kwargs = dict(volume_id=volume_id, size_gb=size_gb,
                      volume_type=volume_type, az=az,
                      orchestration_id=orchestration_id,
                      candidate_pools=candidate_pools)
        if server is None:     # an older engine still answers these
            return self._call(context, '1.1', 'schedule_volume', **kwargs)
        return self._call(context, '1.3', 'schedule_volume', server=server,
                          **kwargs)

    def group_members(self, context, group):
        """Where the members of a named group are placed."""
        return self._query(context, '1.1', 'group_members', group=group)

    def invalid_placements(self, context):
        """Placements that reality (Nova) no longer matches."""
        return self._query(context, '1.1', 'invalid_placements')

    def explain(self, context, stack_id):
        """Why each member of a plan went where it did."""
        return self._query(context, '1.1', 'explain', stack_id=stack_id)

    def delete_placement(self, context, placement_id):
        """Delete one placement (id, orchestration id or resource id) and
        release its capacity and its pipes' bandwidth."""
        return self._call(context, '1.2', 'delete_placement',
                          placement_id=placement_id)

    def sync_inventory(self, context):
        """Ask the engines to run their collectors now (no answer)."""
        cctxt = self.client.prepare(version='1.1', fanout=True)
        cctxt.cast(context, 'sync_inventory')
