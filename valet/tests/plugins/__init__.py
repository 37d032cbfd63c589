"""Plugin tests on the real services' classes.

Each service has its own folder and tox environment (``tox -e nova``,
``-e cinder``, ``-e heat``); a folder's conftest makes the main suite
skip it when its service is not installed.  ``engine.py`` starts a real
valet-engine in process for them.
"""
