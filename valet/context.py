"""Request context shared by the API, the RPC bus and the database layer."""
from oslo_context import context
from oslo_db.sqlalchemy import enginefacade


@enginefacade.transaction_context_provider
class RequestContext(context.RequestContext):
    """An oslo.context RequestContext that can also carry a DB transaction."""

    def to_dict(self):
        values = super().to_dict()
        values['roles'] = list(self.roles)
        return values

    @classmethod
    def from_dict(cls, values, **kwargs):
        known = ('user_id', 'project_id', 'roles', 'request_id',
                 'global_request_id', 'is_admin', 'user_name', 'project_name',
                 'domain_id', 'user_domain_id', 'project_domain_id',
                 'read_only', 'show_deleted', 'system_scope')
        args = {k: values[k] for k in known if k in values}
        args.update(kwargs)
        return cls(**args)

    def elevated(self):
        ctx = self.__class__.from_dict(self.to_dict())
        ctx.is_admin = True
        if 'admin' not in ctx.roles:
            ctx.roles.append('admin')
        return ctx


def get_admin_context(**kwargs):
    """A context for the engine's own work (inventory sync, start-up)."""
    return RequestContext(is_admin=True, roles=['admin'],
                          project_id=kwargs.pop('project_id', None),
                          overwrite=False, **kwargs)
