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
