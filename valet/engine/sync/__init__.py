"""The inventory sync: one elected engine collects, every engine applies.

``refresh`` applies a stored inventory to an engine's model (only the
difference, under the decision lock); ``loop`` is the daemon thread that
runs the leader's periodic sync and the others' refresh checks, with the
leader elected through tooz (``valet.engine.coordination``).
"""
