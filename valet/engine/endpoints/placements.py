"""RPC endpoint: the plugins' calls (reserve, ad-hoc servers and volumes)."""
import oslo_messaging as messaging

from valet.engine.endpoints import base


class PlacementEndpoint(base.Endpoint):
    target = messaging.Target(version='1.4')

    @base.rpc_method
    def reserve(self, ctxt, candidate_hosts, orchestration_id=None,
                resource_id=None, instance_uuid=None, action='reserve'):
        return self.manager.reserve(
            ctxt, candidate_hosts, orchestration_id=orchestration_id,
            resource_id=resource_id, instance_uuid=instance_uuid,
            action=action)

    @base.rpc_method
    def schedule_instance(self, ctxt, instance_uuid, flavor, groups=None,
                          az=None, candidate_hosts=None):
        return self.manager.schedule_instance(
            ctxt, instance_uuid, flavor, groups=groups or [], az=az,
            candidate_hosts=candidate_hosts)

    @base.rpc_method
    def schedule_volume(self, ctxt, volume_id, size_gb, volume_type=None,
                        az=None, orchestration_id=None, candidate_pools=None,
                        server=None):
        return self.manager.schedule_volume(
            ctxt, volume_id, size_gb, volume_type=volume_type, az=az,
            orchestration_id=orchestration_id,
            candidate_pools=candidate_pools, server=server)

    @base.rpc_method
    def delete_placement(self, ctxt, placement_id):
        return self.manager.delete_placement(ctxt, placement_id)
