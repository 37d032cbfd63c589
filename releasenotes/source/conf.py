"""Sphinx configuration of Valet's release notes (``tox -e releasenotes``).

reno's Sphinx extension reads the notes of ``releasenotes/notes`` from the
git history: a note appears once it is committed.
"""
extensions = ['reno.sphinxext']

project = 'Valet Release Notes'
copyright = 'Valet developers'
author = 'Valet developers'

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
    openstackdocs_bug_tag = 'releasenotes'
    html_last_updated_fmt = None

source_suffix = {'.rst': 'restructuredtext'}
master_doc = 'index'
exclude_patterns = ['_build']
pygments_style = 'sphinx'
