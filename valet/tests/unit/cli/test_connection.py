"""How the ``valet`` command finds valet-api: options, OS_* variables,
clouds.yaml; which keystoneauth1 plugin and headers it uses."""
import argparse

from keystoneauth1 import noauth
import pytest

from valet.cli import connection

ENV = ('OS_CLOUD', 'OS_AUTH_URL', 'OS_AUTH_TYPE', 'OS_URL', 'OS_TOKEN',
       'OS_PROJECT_ID', 'OS_ROLES', 'OS_USERNAME', 'OS_PASSWORD',
       'OS_PROJECT_NAME', 'OS_USER_DOMAIN_NAME', 'OS_PROJECT_DOMAIN_NAME',
       'VALET_API_VERSION', 'OS_CLIENT_CONFIG_FILE', 'OS_INSECURE',
       'OS_REGION_NAME', 'OS_INTERFACE')


@pytest.fixture(autouse=True)
def clean_env(monkeypatch, tmp_path):
    for name in ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv('HOME', str(tmp_path))


def parse(*argv):
    parser = argparse.ArgumentParser()
    connection.add_arguments(parser)
    return parser.parse_args(list(argv))


def test_nothing_configured():
    options = parse()
    assert not connection.configured(options)
    with pytest.raises(connection.ConfigError, match='No valet-api'):
        connection.make_client(options)


def test_noauth_url_and_headers():
    client = connection.make_client(parse(
        '--os-auth-type', 'none', '--os-url', 'http://127.0.0.1:8090',
        '--os-project-id', 'p1', '--os-roles', 'member,reader',
        '--os-api-version', '1.1'))
    assert isinstance(client.adapter.session.auth, noauth.NoAuth)
    assert client.adapter.endpoint_override == 'http://127.0.0.1:8090'
    assert client.headers == {'X-Project-Id': 'p1',
                              'X-Roles': 'member,reader'}
    assert client.adapter.default_microversion == '1.1'
    assert client.adapter.service_type == 'placement-optimizer'


def test_url_alone_is_noauth(monkeypatch):
    monkeypatch.setenv('OS_URL', 'http://valet:8090')
    options = parse()
    assert connection.configured(options)
    client = connection.make_client(options)
    assert isinstance(client.adapter.session.auth, noauth.NoAuth)
    assert client.headers == {}


def test_none_needs_a_url():
    with pytest.raises(connection.ConfigError, match='needs --os-url'):
        connection.make_client(parse('--os-auth-type', 'none'))


def test_password_from_environment(monkeypatch):
    for name, value in (('OS_AUTH_URL', 'http://keystone:5000/v3'),
                        ('OS_USERNAME', 'alice'), ('OS_PASSWORD', 's3cret'),
                        ('OS_PROJECT_NAME', 'demo'),
                        ('OS_USER_DOMAIN_NAME', 'Default'),
                        ('OS_PROJECT_DOMAIN_NAME', 'Default'),
                        ('OS_REGION_NAME', 'RegionTwo')):
        monkeypatch.setenv(name, value)
    client = connection.make_client(parse())
    auth = client.adapter.session.auth
    assert type(auth).__name__ == 'Password'
    assert auth.auth_url == 'http://keystone:5000/v3'
    assert client.adapter.region_name == 'RegionTwo'
    assert client.adapter.interface == 'public'
    assert client.adapter.endpoint_override is None     # from the catalog


def test_clouds_yaml(tmp_path):
    (tmp_path / 'clouds.yaml').write_text(
        'clouds:\n'
        '  lab:\n'
        '    auth_type: v3applicationcredential\n'
        '    auth:\n'
        '      auth_url: http://keystone:5000/v3\n'
        '      application_credential_id: abc\n'
        '      application_credential_secret: xyz\n'
        '    region_name: RegionOne\n'
        '    interface: internal\n'
        '    verify: false\n')
    client = connection.make_client(parse('--os-cloud', 'lab'))
    assert type(client.adapter.session.auth).__name__ == \
        'ApplicationCredential'
    assert client.adapter.interface == 'internal'
    assert client.adapter.session.verify is False
    with pytest.raises(connection.ConfigError, match='lab'):
        connection.make_client(parse('--os-cloud', 'nope'))


def test_incomplete_credentials_are_a_clear_error():
    with pytest.raises(connection.ConfigError, match='auth-type'):
        connection.make_client(parse('--os-auth-type', 'magic',
                                     '--os-auth-url', 'http://k/v3'))

