"""RPC endpoint: whole-stack plans."""
import oslo_messaging as messaging

from valet.engine.endpoints import base


class PlanEndpoint(base.Endpoint):
    target = messaging.Target(version='1.0')

    @base.rpc_method
    def create_plan(self, ctxt, plan_name, stack_id, resources, groups=None,
                    locations=None, dry_run=False):
        return self.manager.create_plan(
            ctxt, plan_name, stack_id, resources, groups=groups,
            locations=locations, dry_run=bool(dry_run))

    @base.rpc_method
    def delete_plan(self, ctxt, stack_id):
        return self.manager.delete_plan(ctxt, stack_id)
