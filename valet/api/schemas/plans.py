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

# PUT /v1/plans/{id}: the body's ``action`` chooses the schema.
ACTIONS = ('update', 'migrate')

ACTION = {
    '$schema': schemas.SCHEMA_DIALECT,
    'title': 'Change a plan',
    'type': 'object',
    'properties': {'action': {'type': 'string', 'enum': list(ACTIONS)}},
    'required': ['action'],
}

# Fields Valet 1.0 clients send along that the action does not need.
_COMPAT = {
    'plan_name': schemas.non_empty_string(),
    'stack_id': schemas.non_empty_string(),
    'timeout': {'type': ['string', 'integer', 'number']},
}

UPDATE = {
    '$schema': schemas.SCHEMA_DIALECT,
    'title': 'Update a plan',
    'type': 'object',
    'properties': dict(
        _COMPAT,
        action={'const': 'update'},
        resources=RESOURCES,
        # The stack before the update; the stored plan when absent.
        original_resources=dict(RESOURCES, minProperties=0),
    ),
    'required': ['action', 'resources'],
    'additionalProperties': False,
}

MIGRATE = {
    '$schema': schemas.SCHEMA_DIALECT,
    'title': 'Migrate a member of a plan',
    'type': 'object',
    'properties': dict(
        _COMPAT,
        action={'const': 'migrate'},
        # One orchestration id (or the Nova uuid of the server).
        resources=schemas.string_list(min_items=1, max_items=1),
        excluded_hosts=schemas.string_list(),
    ),
    'required': ['action', 'resources'],
    'additionalProperties': False,
}

BY_ACTION = {'update': UPDATE, 'migrate': MIGRATE}

# GET /v1/plans query (microversion 1.1).
LIST_QUERY = schemas.query(dict(
    schemas.PAGING,
    name=schemas.non_empty_string(),
    stack_id=schemas.non_empty_string(),
    project_id=schemas.non_empty_string(),
))
