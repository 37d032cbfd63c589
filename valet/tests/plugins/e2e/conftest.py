"""End to end: Heat → valet-engine → Nova and Cinder (``tox -e e2e``,
which installs all three services).

Heat, Nova and Cinder cannot share one Python process (each registers
its own ``host`` and other options on the global configuration), and
each runs its own way: heat-engine with threads, nova-scheduler with
eventlet poisoned, cinder-scheduler eventlet-patched.  So every service
step runs in a process of its own (``phases.py``), as in production.
"""
import importlib.util

if not all(importlib.util.find_spec(name) for name in ('heat', 'nova',
                                                       'cinder')):
    # Needs all three services: collect nothing elsewhere.
    collect_ignore_glob = ['*']
