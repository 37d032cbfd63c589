"""RPC endpoint: whole-stack plans (create, update, delete, migrate)."""
import oslo_messaging as messaging

from valet.engine.endpoints import base


class PlanEndpoint(base.Endpoint):
    target = messaging.Target(version='1.4')

    @base.rpc_method
    def create_plan(self, ctxt, plan_name, stack_id, resources, groups=None,
                    locations=None, dry_run=False):
        return self.manager.create_plan(
            ctxt, plan_name, stack_id, resources, groups=groups,
            locations=locations, dry_run=bool(dry_run))

    @base.rpc_method
    def update_plan(self, ctxt, stack_id, resources, original_resources=None):
        return self.manager.update_plan(
            ctxt, stack_id, resources, original_resources=original_resources)

    @base.rpc_method
    def delete_plan(self, ctxt, stack_id):
        return self.manager.delete_plan(ctxt, stack_id)

    @base.rpc_method
    def migrate(self, ctxt, stack_id, orchestration_id, excluded_hosts=None):
        return self.manager.migrate(ctxt, stack_id, orchestration_id,
                                    excluded_hosts=excluded_hosts or [])
