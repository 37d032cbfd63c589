"""valet.heap: the model is frozen, a replaced one is collected."""
import gc
import weakref

from valet import heap


class _Node:
    pass


def _cycle():
    node = _Node()
    node.self = node          # only the cyclic collector can free it
    return node


def test_settle_freezes_live_objects_and_frees_replaced_ones():
    model = _cycle()
    heap.settle()
    try:
        assert gc.get_freeze_count() > 0
        ref = weakref.ref(model)
        del model             # the model is replaced
        gc.collect()
        assert ref() is not None, 'a frozen cycle is not collected'
        heap.settle()
        assert ref() is None, 'settle frees the replaced model'
    finally:
        gc.unfreeze()
