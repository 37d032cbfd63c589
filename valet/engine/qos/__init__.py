"""QoS drivers: where the engine hands the bandwidth reservations of a
decided plan (DESIGN §2 flow 8).

Drivers are stevedore plugins in the ``valet.qos.drivers`` namespace
(``noop``, the default, and ``http``).  Interface (:class:`base.QosDriver`):
``reserve(plan_id, pipes)`` after a plan with pipes is committed,
``release(plan_id)`` when it is deleted or its pipes change.
"""
