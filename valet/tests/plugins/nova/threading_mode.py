"""pytest plugin: start the session as nova-scheduler starts.

nova/cmd/scheduler.py begins with ``monkey_patch.patch(backend='threading')``:
native threads, and every later ``import eventlet`` fails.  That must
happen before anything imports eventlet (futurist does, through
oslo.service, from the repository's root conftest), so tox loads this
module with ``-p`` (PYTEST_ADDOPTS), ahead of every conftest.
"""
import importlib.util
import os

if importlib.util.find_spec('nova') is not None:
    os.environ['OS_NOVA_DISABLE_EVENTLET_PATCHING'] = '1'
    from nova import monkey_patch
    monkey_patch.patch(backend='threading')
