"""Request bodies of /v1/plans (resources: DESIGN §4 "Plan resources")."""
from valet.api import schemas
from valet.api.schemas import groups

RESOURCE = {
    'type': 'object',
    'properties': {
        'name': {'type': 'string', 'maxLength': schemas.NAME_MAX},
        'type': schemas.non_empty_string(),
        'properties': {'type': 'object'},
    },
    'required': ['type', 'properties'],
}

# Keyed by orchestration id (the Heat resource uuid).
RESOURCES = {
    'type': 'object',
    'minProperties': 1,
    'propertyNames': {'minLength': 1, 'maxLength': schemas.NAME_MAX},
    'additionalProperties': RESOURCE,
}

# Groups the plan defines, by name (created if absent, else they must match).
GROUP = {
    'type': 'object',
    'properties': {
        'type': {'type': 'string', 'enum': groups.GROUP_TYPES},
        'level': {'type': 'string', 'enum': groups.GROUP_LEVELS},
        'description': groups.DESCRIPTION,
        'members': {'type': 'array', 'items': schemas.non_empty_string()},
    },
    'required': ['type', 'level'],
    'additionalProperties': False,
}

GROUPS = {
    'type': 'object',
    'propertyNames': groups.NAME,
    'additionalProperties': GROUP,
}

CREATE = {
    '$schema': schemas.SCHEMA_DIALECT,
    'title': 'Create a plan',
    'type': 'object',
    'properties': {
        'plan_name': schemas.non_empty_string(),
        'stack_id': schemas.non_empty_string(),
        'resources': RESOURCES,
        # Hosts the plan may use (all hosts when absent or empty).
        'locations': {'type': 'array',
                      'items': schemas.non_empty_string()},
        'groups': GROUPS,
        'dry_run': {'type': 'boolean'},
        # Sent by Valet 1.0 clients; the API's own [api] engine_timeout wins.
        'timeout': {'type': ['string', 'integer', 'number']},
    },
    'required': ['plan_name', 'stack_id', 'resources'],
    'additionalProperties': False,
}
