"""``ValetLifecyclePlugin``: every Heat stack level becomes a Valet plan.

heat.conf::

    [DEFAULT]
    stack_scheduler_hints = true      # Nova/Cinder find members by them
    convergence_engine = false        # Heat calls lifecycle plugins only
                                      # on the legacy engine
    plugin_dirs = <site-packages>/valet/plugins/heat/resources

CREATE → ``create_plan``; UPDATE → ``update_plan`` (``create_plan`` for a
stack Valet never saw); DELETE (and the rollback of a create) →
``delete_plan`` once Heat has deleted the servers.  A refusal fails the
stack with the engine's explanation as its status reason.
"""
import logging

from heat.engine import lifecycle_plugin

from valet import exception
from valet.plugins import client
from valet.plugins import failure
from valet.plugins.heat import checks
from valet.plugins.heat import plan as heat_plan
from valet.plugins import selection

LOG = logging.getLogger(__name__)

CREATE, UPDATE, DELETE, ROLLBACK = 'CREATE', 'UPDATE', 'DELETE', 'ROLLBACK'


class PlacementRefused(Exception):
    """Raised to Heat: its first argument becomes the stack's reason."""


class ValetLifecyclePlugin(selection.HostConf,
                           lifecycle_plugin.LifecyclePlugin):

    def get_ordinal(self):
        # Before other plugins: a stack Valet refuses needs no more work.
        return 50

    def do_pre_op(self, cnxt, stack, current_stack=None, action=None):
        checks.warn_once(self.conf)
        action = action or stack.action
        if action == CREATE:
            self._call(cnxt, stack, 'create_plan', self._create, stack)
        elif action in (UPDATE, ROLLBACK) and current_stack is not None:
            # An update (or an update's rollback) to current_stack.
            self._call(cnxt, stack, 'update_plan', self._update, stack,
                       current_stack)

    def do_post_op(self, cnxt, stack, current_stack=None, action=None,
                   is_stack_failure=False):
        action = action or stack.action
        deleting = action == DELETE or (action == ROLLBACK
                                        and current_stack is None)
        # Release only once the servers are gone: releasing before a delete
        # that then fails would let Valet book their hosts twice.
        if deleting and not is_stack_failure:
            self._call(cnxt, stack, 'delete_plan', self._delete, stack)

    # -- the three calls ---------------------------------------------------

    def _create(self, engine, ctx, stack):
        resources = heat_plan.plan_resources(stack)
        if not resources:
            return None
        return engine.create_plan(ctx, stack.name, stack.id, resources)

    def _update(self, engine, ctx, stack, new_stack):
        resources = heat_plan.plan_resources(new_stack, keys_from=stack)
        original = heat_plan.plan_resources(stack)
        try:
            return engine.update_plan(ctx, stack.id, resources,
                                      original_resources=original)
        except exception.PlanNotFound:
            if not resources:
                return None
            LOG.info('Valet has no plan for stack %s (%s): creating one',
                     stack.name, stack.id)
            return engine.create_plan(ctx, stack.name, stack.id, resources)

    def _delete(self, engine, ctx, stack):
        try:
            engine.delete_plan(ctx, stack.id)
        except exception.PlanNotFound:
            LOG.debug('Valet had no plan for stack %s', stack.id)

    def _call(self, cnxt, stack, what, func, *args):
        try:
            engine = client.get_engine(self.conf)
            ctx = client.request_context(cnxt)
            answer = func(engine, ctx, *args)
        except exception.EngineUnavailable as e:
            if self.conf.valet.failure_mode == failure.YIELD:
                LOG.warning('Valet %s for stack %s skipped '
                            '(failure_mode=yield): %s', what, stack.id, e)
                return None
            raise PlacementRefused('Valet %s failed: %s' % (
                what, failure.describe(e))) from e
        except exception.ValetException as e:
            if what == 'delete_plan':
                # The stack is gone already: never fail a delete.
                LOG.error('Valet %s for stack %s failed: %s', what,
                          stack.id, failure.describe(e))
                return None
            raise PlacementRefused('Valet refused the placement of stack '
                                   '%s: %s' % (stack.name,
                                               failure.describe(e))) from e
        if answer:
            LOG.info('Valet %s for stack %s (%s): %s', what, stack.name,
                     stack.id, _summary(answer))
        return answer


def _summary(plan):
    placements = (plan or {}).get('placements') or {}
    return ', '.join('%s→%s' % (p.get('name'), p.get('location'))
                     for p in placements.values()) or 'no members'
