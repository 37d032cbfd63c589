"""Valet's plugins for Heat, Nova and Cinder.

They run *inside* those services' processes (heat-engine, nova-scheduler,
cinder-scheduler) and talk to valet-engine over oslo.messaging only.  They
import nothing from Valet but ``valet.engine.rpcapi``, ``valet.rpc``,
``valet.conf``, ``valet.exception``, ``valet.context`` and
``valet.plugins.*`` (a unit test checks it), and nothing at import time
opens a connection or touches the host service's configuration.
"""
