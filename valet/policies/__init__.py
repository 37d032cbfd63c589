"""oslo.policy defaults of the REST API, one module per resource.

``list_rules`` is the ``oslo.policy.policies`` entry point (``valet``) used
by oslopolicy-sample-generator; :mod:`valet.policies.enforcer` builds the
enforcer a valet-api process uses.
"""
import itertools

from valet.policies import base
from valet.policies import groups
from valet.policies import metrics
from valet.policies import placements
from valet.policies import plans
from valet.policies import status


def list_rules():
    return list(itertools.chain(
        base.list_rules(),
        groups.list_rules(),
        plans.list_rules(),
        placements.list_rules(),
        status.list_rules(),
        metrics.list_rules(),
    ))
