"""RPC endpoint: read-only queries and the inventory sync cast."""
import oslo_messaging as messaging

from valet.engine.endpoints import base


class QueryEndpoint(base.Endpoint):
    target = messaging.Target(version='1.4')

    @base.rpc_method
    def group_members(self, ctxt, group):
        return self.manager.group_members(ctxt, group)

    @base.rpc_method
    def invalid_placements(self, ctxt):
        return self.manager.invalid_placements(ctxt)

    @base.rpc_method
    def explain(self, ctxt, stack_id):
        return self.manager.explain(ctxt, stack_id)


class InventoryEndpoint(base.Endpoint):
    target = messaging.Target(version='1.4')

    @base.rpc_method
    def sync_inventory(self, ctxt):
        return self.manager.sync_inventory(ctxt)
