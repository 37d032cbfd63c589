"""JSON Schemas (Draft 2020-12) of the request bodies, one module per resource.

Building blocks shared by the resource schemas live here.
"""

SCHEMA_DIALECT = 'https://json-schema.org/draft/2020-12/schema'

NAME_MAX = 255


def non_empty_string(max_length=NAME_MAX):
    return {'type': 'string', 'minLength': 1, 'maxLength': max_length}
