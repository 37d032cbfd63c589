"""JSON Schemas (Draft 2020-12) of the request bodies, one module per resource.

Building blocks shared by the resource schemas live here.
"""

SCHEMA_DIALECT = 'https://json-schema.org/draft/2020-12/schema'

NAME_MAX = 255


def non_empty_string(max_length=NAME_MAX):
    return {'type': 'string', 'minLength': 1, 'maxLength': max_length}


def string_list(min_items=0, max_items=None):
    schema = {'type': 'array', 'items': non_empty_string(),
              'minItems': min_items}
    if max_items is not None:
        schema['maxItems'] = max_items
    return schema


# Paging of list endpoints (microversion 1.1).  Query values are strings.
MAX_LIMIT = 1000
LIMIT = {'type': 'string', 'pattern': r'^[1-9][0-9]{0,3}$'}
MARKER = non_empty_string()
PAGING = {'limit': LIMIT, 'marker': MARKER}


def query(properties, additional=False):
    """A schema for a query string (a dict of strings, one value a key)."""
    return {
        '$schema': SCHEMA_DIALECT,
        'type': 'object',
        'properties': dict(properties),
        'additionalProperties': additional,
    }
