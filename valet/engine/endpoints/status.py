"""RPC endpoint: liveness and model summary."""
import oslo_messaging as messaging

from valet.engine.endpoints import base


class StatusEndpoint(base.Endpoint):
    target = messaging.Target(version='1.4')

    @base.rpc_method
    def ping(self, ctxt):
        return self.manager.ping(ctxt)
