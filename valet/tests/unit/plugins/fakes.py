"""Stand-ins for the engine client and for the services' objects, so the
plugins' logic runs in the main suite without Nova, Cinder or Heat."""
import types

from valet import exception


class FakeEngine:
    """Records calls; answers from ``answers[method]`` (a callable taking
    the call's kwargs, an exception to raise, or a value)."""

    def __init__(self, **answers):
        self.answers = answers
        self.calls = []

    def _answer(self, method, **kwargs):
        self.calls.append((method, kwargs))
        answer = self.answers.get(method)
        if isinstance(answer, Exception):
            raise answer
        if callable(answer):
            return answer(**kwargs)
        return answer

    def __getattr__(self, method):
        if method.startswith('_'):
            raise AttributeError(method)
        return lambda ctx, *args, **kwargs: self._answer(
            method, **dict(kwargs, args=args) if args else kwargs)


def not_found(**kwargs):
    raise exception.PlacementNotFound(placement='x')


class NovaObject(types.SimpleNamespace):
    """Enough of a NovaObject: unset fields are absent."""

    def obj_attr_is_set(self, name):
        return name in self.__dict__


def flavor(name='m1.small', vcpus=1, ram=2048, root=20, ephemeral=0,
           extra_specs=None):
    return NovaObject(name=name, vcpus=vcpus, memory_mb=ram, root_gb=root,
                      ephemeral_gb=ephemeral, extra_specs=extra_specs or {})


def request_spec(uuid='i-1', hints=None, **fields):
    fields.setdefault('flavor', flavor())
    fields.setdefault('project_id', 'p1')
    return NovaObject(instance_uuid=uuid, scheduler_hints=hints or {},
                      **fields)


def host(name, node=None):
    return types.SimpleNamespace(host=name, nodename=node or name)
