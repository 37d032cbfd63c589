"""Option groups for talking to another OpenStack service, the keystoneauth way.

Each group (``[nova]``, ``[placement]``, ``[cinder]``) carries keystoneauth1's
auth, session and adapter options, exactly like the groups of the same name
in nova.conf: ``auth_type = password`` + ``auth_url``... in production,
``auth_type = none`` + ``endpoint_override`` for a service without Keystone.
openstacksdk reads the adapter options from the group named after the
service's project (``[nova]`` for compute), so the names are not free.
"""
from keystoneauth1 import loading as ks_loading
from oslo_config import cfg

# Plugins whose options the sample file lists (any other still loads).
SAMPLE_AUTH_PLUGINS = ('password', 'v3password', 'none')


class ServiceGroup:
    """Registers one service's keystoneauth options on a ConfigOpts."""

    def __init__(self, name, title, service_type):
        self.name = name
        self.title = title
        self.service_type = service_type

    def _group(self):
        return cfg.OptGroup(self.name, title=self.title)

    def register_opts(self, conf):
        group = self._group()
        conf.register_group(group)
        ks_loading.register_session_conf_options(conf, self.name)
        ks_loading.register_auth_conf_options(conf, self.name)
        ks_loading.register_adapter_conf_options(
            conf, self.name, include_deprecated=False)
        conf.set_default('service_type', self.service_type, group=self.name)
        # Valet runs inside the cloud: the internal endpoint first.
        conf.set_default('valid_interfaces', ['internal', 'public'],
                         group=self.name)

    def list_opts(self):
        opts = (ks_loading.get_session_conf_options()
                + ks_loading.get_auth_common_conf_options())
        seen = {opt.dest for opt in opts}
        for plugin in SAMPLE_AUTH_PLUGINS:
            for opt in ks_loading.get_auth_plugin_conf_options(plugin):
                if opt.dest not in seen:
                    seen.add(opt.dest)
                    opts.append(opt)
        for opt in ks_loading.get_adapter_conf_options(include_deprecated=False):
            # Fresh Opt objects on every call: safe to change their defaults.
            if opt.dest == 'service_type':
                opt.default = self.service_type
            elif opt.dest == 'valid_interfaces':
                opt.default = ['internal', 'public']
            opts.append(opt)
        return {self._group(): opts}
