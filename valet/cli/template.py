"""Read a Heat (HOT) template, or a plan JSON, into plan requests.

One plan per stack level, as Heat's lifecycle plugin sends them: the top
stack first, then each nested stack (``type: child.yaml`` or an
``OS::Heat::ResourceGroup``) in template order.  Intrinsic functions that can
be evaluated offline (get_param, get_resource, list_join, str_replace) are;
a placement-relevant property that cannot be is an error naming the field.
"""
import dataclasses
import json
import os
import uuid

import yaml

from valet import exception

# Properties the optimizer reads, per resource type.
PLACEMENT_PROPERTIES = {
    'OS::Nova::Server': ('flavor', 'availability_zone', 'metadata', 'name'),
    'OS::Cinder::Volume': ('size', 'volume_type', 'availability_zone'),
    'OS::Cinder::VolumeAttachment': ('instance_uuid', 'volume_id'),
    'OS::Valet::Group': ('name', 'type', 'level', 'members'),
    'OS::Valet::GroupAssignment': ('group', 'resources'),
    'ATT::Valet::GroupAssignment': ('group_name', 'group_type', 'level',
                                    'resources'),
    'OS::Valet::Pipe': ('source', 'target', 'bandwidth'),
}


@dataclasses.dataclass
class StackLevel:
    name: str            # e.g. "three-tier" or "three-tier/db_tier"
    stack_id: str
    resources: dict      # plan resources keyed by orchestration id
    path: str


class _Unresolved:
    def __init__(self, expr):
        self.expr = expr


def load_plans(path, parameters=None):
    """Every stack level of the template (or plan JSON) at ``path``."""
    data = _read(path)
    if isinstance(data, dict) and 'heat_template_version' not in data and \
            'resources' in data and path.endswith('.json'):
        name = data.get('plan_name') or _stem(path)
        return [StackLevel(name, data.get('stack_id') or _stack_id(path, name),
                           data['resources'], path)]
    levels = []
    _walk(path, data, _stem(path), dict(parameters or {}), levels)
    return levels


def _read(path):
    try:
        with open(path) as f:
            text = f.read()
    except OSError as e:
        raise exception.InvalidTemplate(path=path, detail=e.strerror) from e
    try:
        data = (json.loads(text) if path.endswith('.json')
                else yaml.safe_load(text))
    except (ValueError, yaml.YAMLError) as e:
        raise exception.InvalidTemplate(path=path, detail=_syntax(e)) from e
    if not isinstance(data, dict):
        raise exception.InvalidTemplate(
            path=path, detail='the top level must be a mapping')
    return data


def _syntax(error):
    mark = getattr(error, 'problem_mark', None)
    if mark is not None:
        return 'line %d, column %d: %s' % (mark.line + 1, mark.column + 1,
                                           getattr(error, 'problem', error))
    return str(error)


def _walk(path, template, stack_name, given, levels):
    if 'heat_template_version' not in template:
        raise exception.InvalidTemplate(
            path=path, detail='heat_template_version: missing (not a HOT '
                              'template)')
    resources = template.get('resources') or {}
    if not isinstance(resources, dict):
        raise exception.InvalidTemplate(path=path,
                                        detail='resources: must be a mapping')
    params = _parameters(path, template.get('parameters') or {}, given)
    plan, nested = {}, []
    for key, res in resources.items():
        where = 'resources.%s' % key
        if not isinstance(res, dict) or not isinstance(res.get('type'), str):
            raise exception.InvalidTemplate(
                path=path, detail='%s.type: missing or not a string' % where)
        rtype = res['type']
        props = _resolve(res.get('properties') or {}, params)
        if rtype.endswith(('.yaml', '.yml', '.template')):
            child = os.path.join(os.path.dirname(path), rtype)
            nested.append((child, '%s/%s' % (stack_name, key),
                           _resolved_only(props)))
        elif rtype == 'OS::Heat::ResourceGroup':
            nested.append((_resource_group(path, where, key, props,
                                           stack_name), None, None))
        else:
            _check_resolved(path, where, rtype, props)
            name = props.get('name') if isinstance(
                props.get('name'), str) else key
            plan[key] = {'name': name, 'type': rtype, 'properties': props}
    levels.append(StackLevel(stack_name, _stack_id(path, stack_name), plan,
                             path))
    for child, child_name, child_params in nested:
        if isinstance(child, StackLevel):
            levels.append(child)
        else:
            _walk(child, _read(child), child_name, child_params, levels)


def _resource_group(path, where, key, props, stack_name):
    count = props.get('count', 1)
    definition = props.get('resource_def')
    if not isinstance(count, int) or count < 0:
        raise exception.InvalidTemplate(
            path=path, detail='%s.properties.count: must be a non-negative '
                              'integer' % where)
    if not isinstance(definition, dict) or not isinstance(
            definition.get('type'), str):
        raise exception.InvalidTemplate(
            path=path, detail='%s.properties.resource_def.type: missing'
                              % where)
    members = {}
    for index in range(count):
        member_props = _index(definition.get('properties') or {}, index)
        _check_resolved(path, '%s.resource_def' % where, definition['type'],
                        member_props)
        name = member_props.get('name')
        members[str(index)] = {
            'name': name if isinstance(name, str) else '%s-%d' % (key, index),
            'type': definition['type'], 'properties': member_props}
    name = '%s/%s' % (stack_name, key)
    return StackLevel(name, _stack_id(path, name), members, path)


def _index(value, index):
    if isinstance(value, str):
        return value.replace('%index%', str(index))
    if isinstance(value, dict):
        return {k: _index(v, index) for k, v in value.items()}
    if isinstance(value, list):
        return [_index(v, index) for v in value]
    return value


def _parameters(path, declared, given):
    values = {}
    for name, spec in declared.items():
        if name in given:
            values[name] = given[name]
        elif isinstance(spec, dict) and 'default' in spec:
            values[name] = spec['default']
    unknown = set(given) - set(declared)
    if unknown:
        raise exception.InvalidTemplate(
            path=path, detail='parameters: %s not declared'
                              % ', '.join(sorted(unknown)))
    return values


def _resolve(value, params):
    if isinstance(value, dict):
        if len(value) == 1:
            (fn, arg), = value.items()
            if fn == 'get_param':
                return _get_param(arg, params, value)
            if fn == 'get_resource' and isinstance(arg, str):
                return arg
            if fn == 'list_join':
                return _list_join(_resolve(arg, params), value)
            if fn == 'str_replace':
                return _str_replace(_resolve(arg, params), value)
            if fn.startswith(('get_', 'list_', 'str_', 'map_', 'yaql',
                              'repeat', 'if', 'digest', 'equals', 'filter',
                              'make_url', 'contains', 'not', 'and', 'or')):
                return _Unresolved(value)
        return {k: _resolve(v, params) for k, v in value.items()}
    if isinstance(value, list):
        return [_resolve(v, params) for v in value]
    return value


def _get_param(arg, params, expr):
    path = arg if isinstance(arg, list) else [arg]
    if not path or path[0] not in params:
        return _Unresolved(expr)
    value = params[path[0]]
    for step in path[1:]:
        try:
            value = value[step]
        except (KeyError, IndexError, TypeError):
            return _Unresolved(expr)
    return value


def _list_join(arg, expr):
    if (isinstance(arg, list) and len(arg) == 2 and isinstance(arg[0], str)
            and isinstance(arg[1], list)
            and all(isinstance(x, str) for x in arg[1])):
        return arg[0].join(arg[1])
    return _Unresolved(expr)


def _str_replace(arg, expr):
    if not isinstance(arg, dict) or not isinstance(arg.get('template'), str):
        return _Unresolved(expr)
    text = arg['template']
    for key, val in (arg.get('params') or {}).items():
        if isinstance(val, _Unresolved):
            return _Unresolved(expr)
        text = text.replace(str(key), str(val))
    return text


def _check_resolved(path, where, rtype, props):
    for prop in PLACEMENT_PROPERTIES.get(rtype, ()):
        bad = _find_unresolved(props.get(prop))
        if bad is not None:
            raise exception.InvalidTemplate(
                path=path, detail='%s.properties.%s: %s cannot be evaluated '
                                  'before the stack exists'
                                  % (where, prop, json.dumps(bad.expr)))
    # Properties the optimizer ignores may stay unevaluated: drop them.
    for prop in list(props):
        if _find_unresolved(props[prop]) is not None:
            del props[prop]


def _find_unresolved(value):
    if isinstance(value, _Unresolved):
        return value
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list):
        for item in value:
            found = _find_unresolved(item)
            if found is not None:
                return found
    return None


def _resolved_only(props):
    return {k: v for k, v in props.items() if _find_unresolved(v) is None}


def _stem(path):
    return os.path.splitext(os.path.basename(path))[0]


def _stack_id(path, name):
    """Stable per template and stack level, so reruns are recognisable."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL,
                          'valet:%s#%s' % (os.path.abspath(path), name)))
