"""Request bodies of /v1/groups."""
from valet.api import schemas

GROUP_TYPES = ['affinity', 'diversity', 'exclusivity']
GROUP_LEVELS = ['host', 'rack', 'zone']

# Letters, digits, '-', '_' and '.'; starting with a letter or digit.
NAME_PATTERN = r'^[A-Za-z0-9][A-Za-z0-9_.-]*$'

NAME = {'type': 'string', 'minLength': 1, 'maxLength': schemas.NAME_MAX,
        'pattern': NAME_PATTERN}
DESCRIPTION = {'type': 'string', 'maxLength': 255}

CREATE = {
    '$schema': schemas.SCHEMA_DIALECT,
    'title': 'Create a group',
    'type': 'object',
    'properties': {
        'name': NAME,
        'type': {'type': 'string', 'enum': GROUP_TYPES},
        'level': {'type': 'string', 'enum': GROUP_LEVELS},
        'description': DESCRIPTION,
    },
    'required': ['name', 'type', 'level'],
    'additionalProperties': False,
}

UPDATE = {
    '$schema': schemas.SCHEMA_DIALECT,
    'title': 'Update a group',
    'type': 'object',
    'properties': {'description': DESCRIPTION},
    'required': ['description'],
    'additionalProperties': False,
}

# Project ids: Keystone's are 32 hex digits, but any id a deployment uses.
PROJECT_ID = schemas.non_empty_string()

MEMBERS = {
    '$schema': schemas.SCHEMA_DIALECT,
    'title': 'Add members to a group',
    'type': 'object',
    'properties': {
        'members': {'type': 'array', 'items': PROJECT_ID, 'minItems': 1},
    },
    'required': ['members'],
    'additionalProperties': False,
}

# GET /v1/groups query (microversion 1.1).
LIST_QUERY = schemas.query(dict(
    schemas.PAGING,
    name=NAME,
    type={'type': 'string', 'enum': GROUP_TYPES},
    level={'type': 'string', 'enum': GROUP_LEVELS},
    member=PROJECT_ID,
))
