"""Nova versioned notifications: keep the model current and reconcile
Valet's decisions with where Nova really put each server.

``events`` turns payloads into small records, ``endpoints`` are the
oslo.messaging notification endpoints (one per event family) that only
queue them, ``applier`` drains the queue in batches and ``reconcile``
applies a batch to the DB and the model under the decision lock;
``listener`` wires it all to the bus for EngineService.
"""
