"""Sphinx directives that take their text from the code, so the pages
cannot drift from it.

``.. valet-help:: valet-manage db sync``
    The ``--help`` output of a console script (run at build time, 79
    columns), as a literal block.

``.. valet-plugin-options::``
    The ``[valet]`` options the Heat, Nova and Cinder plugins read from the
    host service's configuration (``valet.plugins.options.list_opts``).

``.. valet-docstring:: valet.engine.rpcapi``
    A module's docstring, as a literal block (docstrings are not always
    valid reStructuredText).

``.. valet-methods:: valet.engine.rpcapi.EngineAPI``
    The public methods of a class: signature and docstring.

``.. valet-openapi-operations:: ../api/openapi.yaml``
    A table of the operations of an OpenAPI document: method, path,
    summary.
"""
import importlib
import importlib.metadata
import os
import shlex
import subprocess
import sys

from docutils import nodes
from docutils.parsers.rst import Directive
from docutils.statemachine import StringList
from sphinx.util.nodes import nested_parse_with_titles

RUNNER = ('import sys; sys.argv[0] = {name!r}; '
          'from {module} import {func} as main; sys.exit(main())')


def _entry_point(name):
    for ep in importlib.metadata.entry_points(group='console_scripts'):
        if ep.name == name:
            return ep.value
    raise ValueError('no console script %r (is Valet installed?)' % name)


def command_help(words):
    """``--help`` of the console script ``words[0]`` with ``words[1:]``."""
    module, func = _entry_point(words[0]).split(':')
    env = dict(os.environ, COLUMNS='79', PYTHONWARNINGS='ignore')
    proc = subprocess.run(
        [sys.executable, '-c', RUNNER.format(name=words[0], module=module,
                                             func=func),
         *words[1:], '--help'],
        capture_output=True, text=True, env=env, timeout=120)
    if proc.returncode != 0:
        raise RuntimeError('%s --help failed: %s'
                           % (' '.join(words), proc.stderr))
    return proc.stdout.rstrip()


class HelpDirective(Directive):
    required_arguments = 1
    final_argument_whitespace = True
    has_content = False

    def run(self):
        words = shlex.split(self.arguments[0])
        text = '$ %s --help\n%s' % (' '.join(words), command_help(words))
        block = nodes.literal_block(text, text)
        block['language'] = 'none'
        return [block]


def _opt_type(opt):
    return getattr(opt.type, 'type_name', None) or type(opt).__name__


def _default(opt):
    value = opt.sample_default if opt.sample_default is not None else (
        opt.default)
    if value is None:
        return '<None>'
    if isinstance(value, (list, tuple)):
        return ','.join(str(v) for v in value)
    return str(value)


def option_lines(group, opts):
    lines = []
    for opt in opts:
        lines += ['``%s``' % opt.dest,
                  '   :Type: %s' % _opt_type(opt),
                  '   :Default: ``%s``' % _default(opt)]
        choices = getattr(opt.type, 'choices', None)
        if choices:
            lines.append('   :Choices: %s' % ', '.join(
                '``%s``' % c for c in choices))
        lines += ['', '   %s' % ' '.join(opt.help.split()), '']
    return lines


class PluginOptionsDirective(Directive):
    has_content = False

    def run(self):
        options = importlib.import_module('valet.plugins.options')
        result = StringList()
        for group, opts in options.list_opts():
            for line in option_lines(group, opts):
                result.append(line, '<valet-plugin-options>')
        node = nodes.section()
        node.document = self.state.document
        nested_parse_with_titles(self.state, result, node)
        return node.children


def _import(dotted):
    """A module, or an attribute of one, by dotted name."""
    try:
        return importlib.import_module(dotted)
    except ImportError:
        module, _, attr = dotted.rpartition('.')
        return getattr(importlib.import_module(module), attr)


def _literal(text):
    block = nodes.literal_block(text, text)
    block['language'] = 'none'
    return block


class DocstringDirective(Directive):
    required_arguments = 1
    has_content = False

    def run(self):
        import inspect
        return [_literal(inspect.getdoc(_import(self.arguments[0])) or '')]


class MethodsDirective(Directive):
    required_arguments = 1
    has_content = False

    def run(self):
        import inspect
        cls = _import(self.arguments[0])
        items = nodes.definition_list()
        for name, func in inspect.getmembers(cls, inspect.isfunction):
            if name.startswith('_'):
                continue
            signature = str(inspect.signature(func)).replace(
                '(self, ', '(').replace('(self)', '()')
            term = nodes.term()
            term += nodes.literal(name + signature, name + signature)
            definition = nodes.definition()
            doc = inspect.getdoc(func)
            if doc:
                definition += nodes.paragraph(doc, doc)
            item = nodes.definition_list_item()
            item += term
            item += definition
            items += item
        return [items]


METHODS = ('get', 'head', 'post', 'put', 'patch', 'delete', 'options')


def _cell(text):
    return ' '.join(str(text or '').split())


class OpenAPIOperationsDirective(Directive):
    required_arguments = 1
    has_content = False

    def run(self):
        import yaml
        env = self.state.document.settings.env
        rel, path = env.relfn2path(self.arguments[0])
        env.note_dependency(rel)
        with open(path) as f:
            document = yaml.safe_load(f)
        lines = ['.. list-table::', '   :header-rows: 1',
                 '   :widths: 10 40 50', '',
                 '   * - Method', '     - Path', '     - Summary']
        for url, item in document['paths'].items():
            for method in METHODS:
                operation = item.get(method)
                if operation is None:
                    continue
                lines += ['   * - ``%s``' % method.upper(),
                          '     - ``%s``' % url,
                          '     - %s' % _cell(operation.get('summary'))]
        result = StringList()
        for line in lines:
            result.append(line, '<valet-openapi-operations>')
        node = nodes.section()
        node.document = self.state.document
        nested_parse_with_titles(self.state, result, node)
        return node.children


def setup(app):
    app.add_directive('valet-help', HelpDirective)
    app.add_directive('valet-plugin-options', PluginOptionsDirective)
    app.add_directive('valet-openapi-operations', OpenAPIOperationsDirective)
    app.add_directive('valet-docstring', DocstringDirective)
    app.add_directive('valet-methods', MethodsDirective)
    return {'parallel_read_safe': True, 'parallel_write_safe': True}
