"""Group vocabulary shared by the request parser, the model and Ostro."""

AFFINITY = 'affinity'
DIVERSITY = 'diversity'
EXCLUSIVITY = 'exclusivity'
GROUP_TYPES = (AFFINITY, DIVERSITY, EXCLUSIVITY)

HOST = 'host'
RACK = 'rack'
ZONE = 'zone'
# Ordered from the smallest unit to the largest: a rule at one level implies
# the same relation at every level above it (same host -> same rack).
LEVELS = (HOST, RACK, ZONE)
LEVEL_RANK = {level: rank for rank, level in enumerate(LEVELS)}
