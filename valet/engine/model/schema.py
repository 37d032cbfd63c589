"""JSON schema of the datacenter file (DESIGN §5.1).

The schema checks shapes and types; ``loader.py`` adds the checks a schema
cannot express (unique names, references between sections).  Sizes use the
``POSITIVE``/``NON_NEGATIVE`` definitions so the loader can word their errors
("-4 is not a positive integer").
"""

POSITIVE = {'type': 'integer', 'minimum': 1}
NON_NEGATIVE = {'type': 'integer', 'minimum': 0}
RATIO = {'type': 'number', 'exclusiveMinimum': 0}
NAME = {'type': 'string', 'minLength': 1}

HOST_SIZES = {
    'vcpus': POSITIVE,
    'memory_mb': POSITIVE,
    'disk_gb': POSITIVE,
    'nic_mbps': NON_NEGATIVE,
}

HOST = {
    'type': 'object',
    'required': ['name'],
    'additionalProperties': False,
    'properties': dict(HOST_SIZES, name=NAME, enabled={'type': 'boolean'}),
}

GENERATE = {
    'type': 'object',
    'required': ['hosts', 'prefix'],
    'additionalProperties': False,
    # Generated hosts may share sizes that differ from the file defaults.
    'properties': dict(HOST_SIZES, hosts=POSITIVE, prefix=NAME),
}

RACK = {
    'type': 'object',
    'required': ['name'],
    'additionalProperties': False,
    'properties': {
        'name': NAME,
        'uplink_mbps': NON_NEGATIVE,
        'hosts': {'type': 'array', 'items': HOST},
        'generate': GENERATE,
    },
}

ZONE = {
    'type': 'object',
    'required': ['name'],
    'additionalProperties': False,
    'properties': {
        'name': NAME,
        'racks': {'type': 'array', 'items': RACK},
        # Hosts without a rack: the rack comes from aggregate metadata
        # ``valet:rack`` or the host-name convention, else the host alone.
        'hosts': {'type': 'array', 'items': HOST},
    },
}

FLAVOR = {
    'type': 'object',
    'required': ['name', 'vcpus', 'ram', 'disk'],
    'additionalProperties': False,
    'properties': {
        'name': NAME,
        'vcpus': POSITIVE,
        'ram': POSITIVE,
        'disk': NON_NEGATIVE,
        'extra_specs': {'type': 'object',
                        'additionalProperties': {'type': 'string'}},
    },
}

AGGREGATE = {
    'type': 'object',
    'required': ['name', 'hosts'],
    'additionalProperties': False,
    'properties': {
        'name': NAME,
        'hosts': {'type': 'array', 'items': NAME},
        'metadata': {'type': 'object', 'additionalProperties': {
            'type': ['string', 'number', 'boolean']}},
    },
}

SERVER = {
    'type': 'object',
    'required': ['id', 'host', 'flavor'],
    'additionalProperties': False,
    'properties': {
        'id': NAME,
        'name': {'type': 'string'},
        'host': NAME,
        'flavor': NAME,
        'project': {'type': ['string', 'null']},
    },
}

POOL = {
    'type': 'object',
    'required': ['name', 'zone', 'capacity_gb'],
    'additionalProperties': False,
    'properties': {
        'name': NAME,
        'zone': NAME,
        'rack': {'type': ['string', 'null']},
        'capacity_gb': POSITIVE,
        'volume_types': {'type': 'array', 'items': NAME},
    },
}

DATACENTER = {
    '$schema': 'https://json-schema.org/draft/2020-12/schema',
    'type': 'object',
    'required': ['name', 'zones'],
    'additionalProperties': False,
    'properties': {
        'name': NAME,
        'description': {'type': 'string'},
        'defaults': {
            'type': 'object',
            'additionalProperties': False,
            'properties': HOST_SIZES,
        },
        'allocation_ratios': {
            'type': 'object',
            'additionalProperties': False,
            'properties': {'cpu': RATIO, 'ram': RATIO, 'disk': RATIO},
        },
        'zones': {'type': 'array', 'minItems': 1, 'items': ZONE},
        'flavors': {'type': 'array', 'items': FLAVOR},
        'aggregates': {'type': 'array', 'items': AGGREGATE},
        'servers': {'type': 'array', 'items': SERVER},
        'pools': {'type': 'array', 'items': POOL},
    },
}
