"""Checks doc/plugins/<service>.conf against the service's own options.

The snippet is loaded into a fresh ConfigOpts that holds every option the
service publishes for oslo-config-generator (its ``oslo.config.opts``
entry points) plus Valet's ``[valet]`` plugin options: an option name the
service does not know, or a value its type rejects, fails the test.
"""
import configparser
import os

from oslo_config import cfg
from stevedore import named

from valet.plugins import options

DOC = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..',
                                   '..', 'doc', 'plugins'))


def path(service):
    return os.path.join(DOC, '%s.conf' % service)


def from_namespaces(namespaces):
    """(group, opts) pairs of ``namespaces`` (oslo.config.opts entry
    points, what oslo-config-generator documents)."""
    manager = named.NamedExtensionManager(
        'oslo.config.opts', names=namespaces, invoke_on_load=False,
        name_order=True)
    assert sorted(manager.names()) == sorted(namespaces), manager.names()
    pairs = []
    for ext in manager:
        pairs.extend(ext.plugin())
    return pairs


def service_conf(opt_lists, sections):
    """A ConfigOpts with the service's options of the groups in
    ``sections`` (others may need values the snippet does not give,
    such as keystoneauth's auth_url) and the [valet] plugin options."""
    conf = cfg.ConfigOpts()
    for group, opts in opt_lists:
        name = getattr(group, 'name', group) or 'DEFAULT'
        if name not in sections or name == 'valet':
            continue
        for opt in opts:
            if name == 'DEFAULT':
                if opt.dest not in conf:
                    conf.register_opt(opt)
            elif name not in conf or opt.dest not in conf[name]:
                conf.register_opt(opt, group=name)
    options.register_opts(conf)
    return conf


def load(service, opt_lists):
    """Every (group, option) of the snippet, resolved through the
    service's option types; returns {(group, name): value}."""
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.read(path(service))
    conf = service_conf(opt_lists, ['DEFAULT'] + parser.sections())
    conf(['--config-file', path(service)], project=service,
         default_config_files=[])
    values = {}
    sections = [('DEFAULT', parser.defaults())] + [
        (s, {k: v for k, v in parser.items(s) if k not in parser.defaults()})
        for s in parser.sections()]
    for section, items in sections:
        group = None if section == 'DEFAULT' else section
        for name in items:
            holder = conf if group is None else conf[group]
            assert name in holder, '%s: [%s] %s is not a %s option' % (
                path(service), section, name, service)
            values[(section, name)] = getattr(holder, name)
    return values


def valet_section(service):
    """The snippet's [valet] section through Valet's own option types
    (needs no service installed)."""
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.read(path(service))
    conf = cfg.ConfigOpts()
    options.register_opts(conf)
    conf(['--config-file', path(service)], default_config_files=[])
    values = {}
    for name, _value in parser.items('valet'):
        if name in parser.defaults():
            continue
        assert name in conf.valet, '%s: [valet] %s is unknown' % (
            path(service), name)
        values[name] = getattr(conf.valet, name)
    return values
