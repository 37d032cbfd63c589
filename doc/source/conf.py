"""Sphinx configuration of Valet's documentation (``tox -e docs``).

Built with ``sphinx-build -W``: every warning is an error.  The option and
policy references are generated from the code (oslo.config's and
oslo.policy's Sphinx extensions), so they cannot drift from it.
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '_exts'))

project = 'Valet'
copyright = 'Valet developers'
author = 'Valet developers'

extensions = [
    'oslo_config.sphinxext',
    'oslo_policy.sphinxext',
    'valet_docs',
]

try:
    import openstackdocstheme  # noqa: F401
except ImportError:
    html_theme = 'alabaster'
else:
    extensions.append('openstackdocstheme')
    html_theme = 'openstackdocs'
    openstackdocs_repo_name = 'openstack/valet'
    openstackdocs_use_storyboard = False
    openstackdocs_auto_name = False
    openstackdocs_bug_project = 'valet'
    openstackdocs_bug_tag = 'doc'
    # No git history is needed to build (a tarball or a shallow clone).
    html_last_updated_fmt = None

source_suffix = {'.rst': 'restructuredtext'}
master_doc = 'index'
exclude_patterns = ['_build', '_exts']
pygments_style = 'sphinx'
