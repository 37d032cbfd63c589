"""Heat, offline: its configuration, database, global environment and
stacks, as heat-engine sets them up, without any OpenStack endpoint."""
import os
import shutil
import uuid

from oslo_config import cfg
from oslo_db import options as db_options

from heat.common import config as heat_config  # noqa: F401 (registers opts)
from heat.common import context as heat_context
from heat.common import lifecycle_plugin_utils
from heat.common import template_format
from heat.db import api as db_api
from heat.db import models
from heat.engine import environment
from heat.engine import resources
from heat.engine import scheduler  # noqa: F401 (tests run Heat tasks)
from heat.engine import stack as heat_stack
from heat.engine import template

import valet.plugins.heat.resources as valet_resources

HERE = os.path.dirname(os.path.abspath(__file__))
TEMPLATES = os.path.join(HERE, 'templates')
REPO = os.path.abspath(os.path.join(HERE, '..', '..', '..', '..'))
COMPAT_ENV = os.path.join(REPO, 'etc', 'valet', 'heat', 'valet-1.0.yaml')


def setup_heat(workdir):
    """heat.conf as doc/plugins/heat.conf says, a sqlite database, and
    Heat's global environment (which loads the Valet plugin through its
    entry point and the resources through ``plugin_dirs``)."""
    conf = cfg.CONF
    conf([], project='heat', default_config_files=[])
    env_dir = os.path.join(str(workdir), 'environment.d')
    os.makedirs(env_dir, exist_ok=True)
    # Operators install the Valet 1.0 mapping as a global environment.
    shutil.copy(COMPAT_ENV, env_dir)
    conf.set_override('plugin_dirs', [os.path.dirname(
        valet_resources.__file__)])
    conf.set_override('environment_dir', env_dir)
    conf.set_override('stack_scheduler_hints', True)
    conf.set_override('convergence_engine', False)
    # Offline: no Keystone to create trusts in.
    conf.set_override('deferred_auth_method', 'password')
    db_options.set_defaults(conf, connection='sqlite:///%s' % os.path.join(
        str(workdir), 'heat.sqlite'))
    models.BASE.metadata.create_all(db_api.get_engine())
    resources.initialise()
    return conf


def context(project_id='p1'):
    return heat_context.RequestContext.from_dict({
        'tenant_id': project_id, 'tenant': 'tenant-%s' % project_id,
        'username': 'alice', 'user_id': 'u1', 'password': '',
        'roles': ['member'], 'is_admin': False,
        'auth_url': 'http://keystone.invalid:5000/v3',
        'auth_token': 'token', 'request_id': 'req-%s' % uuid.uuid4()})


def read(name):
    with open(os.path.join(TEMPLATES, name)) as f:
        return f.read()


def files_for(*names):
    return {name: read(name) for name in names}


def new_stack(ctx, template_name, files=(), name=None, params=None):
    """A stored stack, its resources stored as Stack.create stores them
    before the lifecycle pre-ops run."""
    tmpl = template.Template(template_format.parse(read(template_name)),
                             files=files_for(*files),
                             env=environment.Environment(params or {}))
    stack = heat_stack.Stack(ctx, name or 'app-%s' % uuid.uuid4().hex[:6],
                             tmpl)
    stack.store()
    stack._store_resources()
    return stack


def nested_stack(parent, resource_name):
    """The child stack of a ``type: child.yaml`` resource, parsed and
    stored the way Heat's StackResource builds it."""
    res = parent[resource_name]
    # Heat builds it from the resource's handle_create, once CREATE began.
    res.state_set(res.CREATE, res.IN_PROGRESS)
    child = res._parse_nested_stack(res.physical_resource_name(),
                                    res.child_template(), res.child_params())
    child.store()
    child._store_resources()
    res.resource_id_set(child.id)
    return child


def updated_stack(current, template_name, files=()):
    """The new stack of an update, as Heat's update_stack builds it."""
    tmpl = template.Template(template_format.parse(read(template_name)),
                             files=files_for(*files),
                             env=current.env)
    return heat_stack.Stack(current.context, current.name, tmpl,
                            **current.get_kwargs_for_cloning(
                                keep_status=True))


def pre_create(stack):
    """Heat's own plug point, as Stack.stack_task calls it on CREATE."""
    lifecycle_plugin_utils.do_pre_ops(stack.context, stack, None, 'CREATE')


def plugins():
    return lifecycle_plugin_utils.get_plug_point_class_instances()


def hints(resource):
    """The scheduler hints Heat's server/volume resource sends Nova/Cinder."""
    return resource._scheduler_hints({})
