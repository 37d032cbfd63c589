"""Where the ``valet`` command sends its requests, from its ``--os-*``
options, ``OS_*`` variables or a clouds.yaml cloud.

* ``--os-auth-type none`` with ``--os-url``: the all-in-one server (no
  Keystone); ``--os-project-id``/``--os-roles`` become the ``X-Project-Id``
  and ``X-Roles`` headers it trusts.
* Keystone credentials (``--os-auth-url`` ... or ``--os-cloud``): a
  keystoneauth1 session; the endpoint is ``--os-url`` or the catalog's
  ``placement-optimizer`` service.
* Nothing configured: :func:`configured` is False (``valet place`` then
  runs an embedded Valet).
"""
import os

from keystoneauth1 import adapter as ks_adapter
from keystoneauth1 import loading
from keystoneauth1 import noauth
from keystoneauth1 import session as ks_session
import yaml

from valet.cli import client

# (option, environment variable, help); the dest is the option minus --os-.
AUTH_OPTIONS = (
    ('--os-cloud', 'OS_CLOUD', 'Cloud of clouds.yaml to use'),
    ('--os-auth-type', 'OS_AUTH_TYPE',
     'keystoneauth1 plugin (password, token, v3applicationcredential, ...) '
     'or "none" for the all-in-one server'),
    ('--os-auth-url', 'OS_AUTH_URL', 'Keystone URL'),
    ('--os-username', 'OS_USERNAME', 'User name'),
    ('--os-user-id', 'OS_USER_ID', 'User id'),
    ('--os-password', 'OS_PASSWORD', 'Password'),
    ('--os-token', 'OS_TOKEN', 'Token (auth type token)'),
    ('--os-application-credential-id', 'OS_APPLICATION_CREDENTIAL_ID',
     'Application credential id'),
    ('--os-application-credential-secret',
     'OS_APPLICATION_CREDENTIAL_SECRET', 'Application credential secret'),
    ('--os-project-name', 'OS_PROJECT_NAME', 'Project name'),
    ('--os-project-id', 'OS_PROJECT_ID',
     'Project id (with --os-auth-type none: the X-Project-Id header)'),
    ('--os-user-domain-name', 'OS_USER_DOMAIN_NAME', 'User domain name'),
    ('--os-user-domain-id', 'OS_USER_DOMAIN_ID', 'User domain id'),
    ('--os-project-domain-name', 'OS_PROJECT_DOMAIN_NAME',
     'Project domain name'),
    ('--os-project-domain-id', 'OS_PROJECT_DOMAIN_ID', 'Project domain id'),
    ('--os-roles', 'OS_ROLES',
     'Comma-separated roles (--os-auth-type none only: the X-Roles header)'),
    ('--os-region-name', 'OS_REGION_NAME', 'Region of the endpoint'),
    ('--os-interface', 'OS_INTERFACE', 'Endpoint interface (public, '
                                       'internal, admin)'),
    ('--os-url', 'OS_URL', 'valet-api URL (instead of the catalog)'),
    ('--os-cacert', 'OS_CACERT', 'CA bundle to verify TLS'),
    ('--os-api-version', 'VALET_API_VERSION',
     'Microversion of the API to ask for (e.g. 1.1)'),
)

CLOUDS_FILES = ('clouds.yaml', '~/.config/openstack/clouds.yaml',
                '/etc/openstack/clouds.yaml')

# What makes a configuration: without any of these, nothing is.
_TRIGGERS = ('cloud', 'auth_url', 'url', 'auth_type', 'token')


class ConfigError(Exception):
    """The options do not say how to reach valet-api."""


def _dest(option):
    return option[len('--os-'):].replace('-', '_')


def add_arguments(parser):
    group = parser.add_argument_group('API connection (OpenStack style)')
    for option, env, help_text in AUTH_OPTIONS:
        group.add_argument(option, dest='os_' + _dest(option),
                           metavar='<%s>' % _dest(option).replace('_', '-'),
                           default=os.environ.get(env),
                           help='%s (env %s)' % (help_text, env))
    group.add_argument('--insecure', action='store_true',
                       default=os.environ.get('OS_INSECURE', '').lower()
                       in ('1', 'true', 'yes'),
                       help='Do not verify TLS certificates (env OS_INSECURE)')
    group.add_argument('--timeout', type=float, default=120,
                       help='Seconds to wait for each answer (default 120)')


def _values(options):
    return {_dest(option): getattr(options, 'os_' + _dest(option), None)
            for option, _, _ in AUTH_OPTIONS}


def configured(options):
    """Whether the options or environment name a valet-api to talk to."""
    values = _values(options)
    return any(values.get(k) for k in _TRIGGERS)


def _clouds_file():
    explicit = os.environ.get('OS_CLIENT_CONFIG_FILE')
    for path in ([explicit] if explicit else []) + list(CLOUDS_FILES):
        path = os.path.expanduser(path)
        if os.path.exists(path):
            return path
    return None


def load_cloud(name):
    """``{auth_type, auth: {...}, region_name, interface, cacert, verify}``
    of cloud ``name`` in clouds.yaml."""
    path = _clouds_file()
    if path is None:
        raise ConfigError('--os-cloud %s: no clouds.yaml found (looked for '
                          '%s)' % (name, ', '.join(CLOUDS_FILES)))
    with open(path) as f:
        clouds = (yaml.safe_load(f) or {}).get('clouds') or {}
    if name not in clouds:
        raise ConfigError('--os-cloud %s: not in %s (clouds: %s)' % (
            name, path, ', '.join(sorted(clouds)) or 'none'))
    return clouds[name]


def _auth_plugin(auth_type, auth):
    try:
        loader = loading.get_plugin_loader(auth_type)
    except Exception as exc:  # noqa: BLE001 - keystoneauth's NoMatchingPlugin
        raise ConfigError('Unknown --os-auth-type %r: %s'
                          % (auth_type, exc)) from None
    names = {o.dest for o in loader.get_options()}
    given = {k: v for k, v in auth.items() if k in names and v is not None}
    try:
        return loader.load_from_options(**given)
    except Exception as exc:  # noqa: BLE001 - MissingRequiredOptions & co
        raise ConfigError('Incomplete %s credentials: %s'
                          % (auth_type, exc)) from None


def _keystone_settings(values):
    """(auth_type, auth dict, region, interface, verify) from clouds.yaml
    overridden by explicit options."""
    cloud = load_cloud(values['cloud']) if values.get('cloud') else {}
    auth = dict(cloud.get('auth') or {})
    for key in ('auth_url', 'username', 'user_id', 'password', 'token',
                'application_credential_id',
                'application_credential_secret', 'project_name',
                'project_id', 'user_domain_name', 'user_domain_id',
                'project_domain_name', 'project_domain_id'):
        if values.get(key):
            auth[key] = values[key]
    if values.get('url'):
        # Plugins that talk to one endpoint (admin_token, none) need it.
        auth.setdefault('endpoint', values['url'])
    auth_type = values.get('auth_type') or cloud.get('auth_type')
    if not auth_type:
        if auth.get('application_credential_id'):
            auth_type = 'v3applicationcredential'
        elif auth.get('token') and not auth.get('password'):
            auth_type = 'token'
        else:
            auth_type = 'password'
    verify = cloud.get('verify', True)
    cacert = values.get('cacert') or cloud.get('cacert')
    if cacert and verify:
        verify = cacert
    return (auth_type, auth, values.get('region_name')
            or cloud.get('region_name'),
            values.get('interface') or cloud.get('interface') or 'public',
            verify)


def make_client(options):
    """A client.HttpValet for the options (ConfigError if they do not say
    where valet-api is)."""
    values = _values(options)
    if not configured(options):
        raise ConfigError(
            'No valet-api to talk to: give --os-url (with --os-auth-type '
            'none for valet-aio) or Keystone credentials (--os-cloud, or '
            'OS_AUTH_URL, OS_USERNAME, OS_PASSWORD, OS_PROJECT_NAME, ...).')
    headers = {}
    if (values.get('auth_type') or '') == 'none' or (
            values.get('url') and not values.get('cloud')
            and not values.get('auth_url') and not values.get('auth_type')):
        if not values.get('url'):
            raise ConfigError('--os-auth-type none needs --os-url (e.g. '
                              'http://127.0.0.1:8090).')
        auth = noauth.NoAuth(endpoint=values['url'])
        if values.get('project_id'):
            headers['X-Project-Id'] = values['project_id']
        if values.get('roles'):
            headers['X-Roles'] = values['roles']
        region, interface, verify = None, None, True
    else:
        auth_type, creds, region, interface, verify = _keystone_settings(
            values)
        auth = _auth_plugin(auth_type, creds)
    if options.insecure:
        verify = False
    session = ks_session.Session(auth=auth, verify=verify,
                                 timeout=options.timeout)
    adapter = ks_adapter.Adapter(
        session, service_type=client.SERVICE_TYPE, interface=interface,
        region_name=region, endpoint_override=values.get('url'),
        default_microversion=values.get('api_version'))
    return client.HttpValet(adapter, headers)
