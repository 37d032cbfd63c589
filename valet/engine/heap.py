"""Keep the long-lived model out of the garbage collector's way.

The datacenter model is hundreds of thousands of objects that live as long
as the engine.  A full collection walks all of them (70-250 ms at 100,000
servers), pausing every thread -- decisions included -- at random moments.
After the model is (re)built, it is moved to the permanent generation
(``gc.freeze``), so collections only walk what decisions allocate.
"""
import gc


def settle():
    """Call after the model was (re)built: the objects of a model replaced
    since the last call become collectable again, are collected, and what
    is alive now (the new model) is frozen."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()
