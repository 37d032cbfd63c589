import logging

from oslo_config import cfg
import pytest

from valet.plugins import client
from valet.plugins import options


@pytest.fixture
def conf():
    conf = cfg.ConfigOpts()
    conf([], default_config_files=[])
    yield conf
    client.reset()


def test_options_register_on_the_host_conf_twice(conf):
    options.register_opts(conf)
    options.register_opts(conf)
    assert conf.valet.failure_mode == 'reject'
    assert conf.valet.timeout == 30
    assert conf.valet.topic == 'valet-engine'
    names = [o.dest for _g, opts in options.list_opts() for o in opts]
    assert {'transport_url', 'timeout', 'failure_mode', 'topic',
            'version_cap'} <= set(names)


def test_transport_url_falls_back_to_the_service_bus(conf):
    conf.register_opt(cfg.StrOpt('transport_url'))
    conf.set_override('transport_url', 'rabbit://nova@mq//')
    assert client.transport_url(conf) == 'rabbit://nova@mq//'
    conf.set_override('transport_url', 'rabbit://valet@mq2//', group='valet')
    assert client.transport_url(conf) == 'rabbit://valet@mq2//'


def test_nothing_is_built_at_import_and_the_client_is_reused(conf):
    client.reset()
    assert client._clients == {}
    options.register_opts(conf)
    conf.set_override('transport_url', 'kombu+memory:////', group='valet')
    conf.set_override('topic', 'valet-x', group='valet')
    first = client.get_engine(conf)
    assert client.get_engine(conf) is first
    assert first.client.target.topic == 'valet-x'
    assert first.client.timeout == 30
    conf.set_override('topic', 'valet-y', group='valet')
    assert client.get_engine(conf) is not first


def test_request_context_comes_from_the_service_context():
    class NovaContext:
        project_id, user_id = 'p1', 'u1'
        roles = ['member']
        request_id = 'req-nova'
        global_request_id = None
        is_admin = False

    ctx = client.request_context(NovaContext())
    assert (ctx.project_id, ctx.user_id, ctx.roles) == ('p1', 'u1',
                                                        ['member'])
    assert ctx.global_request_id == 'req-nova'
    # A fresh id per call: the engine must decide a reschedule anew.
    assert ctx.request_id.startswith('req-') and ctx.request_id != 'req-nova'
    assert client.request_context(NovaContext()).request_id != ctx.request_id
    assert client.request_context(None, project_id='p2').project_id == 'p2'
    assert client.request_context(NovaContext(),
                                  project_id=None).project_id == 'p1'


def test_failure_modes(conf, caplog):
    from valet import exception
    from valet.plugins import failure
    options.register_opts(conf)
    error = exception.PlacementFailed(detail='full', reason={'code': 'x'})
    with caplog.at_level(logging.WARNING):
        assert failure.on_failure(conf, 'instance i', ['a', 'b'], error) == []
    assert "reason: {'code': 'x'}" in caplog.text
    conf.set_override('failure_mode', 'yield', group='valet')
    assert failure.on_failure(conf, 'instance i', ['a', 'b'],
                              RuntimeError('bug')) == ['a', 'b']


def test_plugin_reaches_the_engine_from_a_service_with_its_own_exchange(
        tmp_path):
    """A service's transport defaults to its own exchange (Nova sets
    "nova"); the plugin must still address the engine's."""
    import oslo_messaging as messaging

    from valet import context as valet_context
    from valet.tests.plugins import engine

    nova_conf = cfg.ConfigOpts()
    nova_conf([], default_config_files=[])
    nova_conf.register_opts(messaging.transport._transport_opts)
    nova_conf.set_override('control_exchange', 'nova')
    with engine.running(tmp_path) as aio:
        engine.configure_plugin(nova_conf, aio)
        try:
            answer = client.get_engine(nova_conf).ping(
                valet_context.get_admin_context())
        finally:
            engine.clear_plugin(nova_conf)
    assert answer['hosts'] > 0
