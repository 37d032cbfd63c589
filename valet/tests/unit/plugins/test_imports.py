"""Plugins run inside Nova, Cinder and Heat: they may import only the RPC
client side of Valet (DESIGN §1), never the engine, the DB or the API."""
import ast
import os

import valet.plugins

ALLOWED = ('valet.engine.rpcapi', 'valet.rpc', 'valet.conf',
           'valet.exception', 'valet.context', 'valet.plugins')
ROOT = os.path.dirname(valet.plugins.__file__)


def _modules():
    for folder, _dirs, files in os.walk(ROOT):
        for name in files:
            if name.endswith('.py'):
                yield os.path.join(folder, name)


def _valet_imports(path):
    with open(path) as f:
        tree = ast.parse(f.read(), path)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                raise AssertionError('%s: relative import' % path)
            base = node.module or ''
            # "from valet.engine import manager" imports valet.engine.manager.
            names = ['%s.%s' % (base, a.name) for a in node.names]
        else:
            continue
        for name in names:
            if name == 'valet' or name.startswith('valet.'):
                yield node.lineno, name


def _allowed(name):
    return any(name == a or name.startswith(a + '.') for a in ALLOWED)


def test_plugins_import_only_the_client_side_of_valet():
    bad = []
    for path in _modules():
        for line, name in _valet_imports(path):
            if not _allowed(name):
                bad.append('%s:%d imports %s' % (
                    os.path.relpath(path, ROOT), line, name))
    assert not bad, '\n'.join(bad)


def test_the_check_sees_forbidden_imports(tmp_path):
    sample = tmp_path / 'x.py'
    sample.write_text('from valet.engine import manager\n'
                      'import valet.db.api\n'
                      'from valet import exception, allinone\n'
                      'from valet.engine import rpcapi\n')
    found = [n for _l, n in _valet_imports(str(sample)) if not _allowed(n)]
    assert found == ['valet.engine.manager', 'valet.db.api',
                     'valet.allinone']


def test_the_allowed_modules_do_not_pull_the_engine_in():
    # rpcapi is allowed because it imports nothing of the engine itself.
    for module in ('valet/engine/rpcapi.py', 'valet/rpc/__init__.py',
                   'valet/rpc/serializer.py', 'valet/conf/valet.py',
                   'valet/exception.py', 'valet/context.py'):
        path = os.path.join(os.path.dirname(ROOT), '..', module)
        for line, name in _valet_imports(os.path.normpath(path)):
            assert _allowed(name), '%s:%d imports %s' % (module, line, name)
