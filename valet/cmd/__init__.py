"""Valet's own processes run on native threads.

oslo.messaging imports oslo.service, whose default backend is eventlet; the
backend is chosen here, before any entry point imports oslo.messaging, as
Nova chooses its own in ``nova/cmd/__init__.py``.
"""
import warnings

# oslo.service and futurist still import eventlet when it is installed (it
# is, as an oslo.service dependency); Valet never uses it, so its import-time
# deprecation notice is noise for our users.
warnings.filterwarnings('ignore', message=r'\s*Eventlet is deprecated')

from oslo_service import backend  # noqa: E402

backend.init_backend(backend.BackendType.THREADING)
