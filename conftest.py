"""Tests run Valet's processes in-process: pick the threading backend first."""
from oslo_service import backend

if backend.get_backend_type() is None:
    backend.init_backend(backend.BackendType.THREADING)
