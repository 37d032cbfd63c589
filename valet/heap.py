"""Keep long-lived objects out of the garbage collector's way.

Valet's processes hold hundreds of thousands of objects that live as long
as they do: the engine's datacenter model (70-250 ms for a full
collection at 100,000 servers), an API worker's imported modules and
application (about 160,000 objects, 100 ms).  A full collection walks all
of them, pausing every thread -- decisions and requests included -- at
random moments.  Once they are built, they are moved to the permanent
generation (``gc.freeze``), so collections only walk what requests and
decisions allocate.
"""
import gc


def settle():
    """Call once the long-lived objects are built (the engine: after each
    model (re)build; an API worker: before it serves): the objects of a
    model replaced since the last call become collectable again, are
    collected, and what is alive now is frozen."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()
