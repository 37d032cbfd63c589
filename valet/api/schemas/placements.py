"""Request bodies and queries of /v1/placements."""
from valet.api import schemas

ACTIONS = ['reserve', 'replan']

UPDATE = {
    '$schema': schemas.SCHEMA_DIALECT,
    'title': 'Reserve or replan a placement',
    'type': 'object',
    'properties': {
        # The Nova instance (or Cinder volume) uuid now being booted.
        'resource_id': schemas.non_empty_string(),
        # The hosts Nova's other filters left: the candidates.
        'locations': schemas.string_list(min_items=1),
        'action': {'type': 'string', 'enum': ACTIONS},
    },
    'required': ['locations'],
    'additionalProperties': False,
}

# GET /v1/placements: every key but the paging ones is a filter (own
# fields, else metadata), in 1.0 and 1.1 alike.
LIST_QUERY = schemas.query(schemas.PAGING,
                           additional={'type': 'string', 'maxLength': 1024})
