"""The scheduler hints Heat adds to servers and volumes when
``[DEFAULT] stack_scheduler_hints = True``, and the keys Valet derives
from them.  Shared by the Heat plugin (which writes plans) and the Nova
and Cinder filters (which look the plans up), so both sides agree.
"""
ROOT_STACK_ID = 'heat_root_stack_id'
STACK_ID = 'heat_stack_id'
STACK_NAME = 'heat_stack_name'
PATH_IN_STACK = 'heat_path_in_stack'
RESOURCE_NAME = 'heat_resource_name'
RESOURCE_UUID = 'heat_resource_uuid'
ALL = (ROOT_STACK_ID, STACK_ID, STACK_NAME, PATH_IN_STACK, RESOURCE_NAME,
       RESOURCE_UUID)

# Valet's own hint / metadata key / flavor extra spec: {"groups": [...]}.
VALET = 'valet'


def first(value):
    """Nova keeps every hint as a list of strings; Cinder as given."""
    if isinstance(value, (list, tuple)):
        return value[0] if len(value) == 1 else None
    return value


def parent_names(path):
    """Names of the stack resources from the root down to a stack.

    ``path`` is Heat's ``Stack.path_in_stack()`` (``[(res, stack), ...]``)
    or its hint form (``["root", "res,child", ...]``).  Stack names of
    nested stacks carry random suffixes, so only resource names are kept.
    """
    if isinstance(path, str):
        path = [path]
    names = []
    for step in path or ():
        if isinstance(step, (list, tuple)):
            parent = step[0] if step else None
        else:
            parent = step.split(',', 1)[0] if ',' in step else None
        if parent:
            names.append(parent)
    return names


def path_key(root_stack_id, path, resource_name):
    """The orchestration id of a member Heat has no uuid for yet (a
    resource added by a stack update), and the filters' second look-up:
    ``heat:<root stack id>/<parent resource>/.../<resource name>``."""
    if not (root_stack_id and resource_name):
        return None
    return 'heat:%s' % '/'.join(
        [root_stack_id] + parent_names(path) + [resource_name])


def from_scheduler_hints(hints):
    """The Heat hints in a service's scheduler hints, as plain strings
    (the path stays a list)."""
    hints = hints or {}
    found = {}
    for name in ALL:
        value = hints.get(name)
        if value is None:
            continue
        if name == PATH_IN_STACK:
            found[name] = ([value] if isinstance(value, str)
                           else list(value))
        else:
            found[name] = first(value)
    return {k: v for k, v in found.items() if v not in (None, '', [])}


def lookup_keys(hints):
    """Orchestration ids to try, best first: the resource uuid, then the
    root stack id + path + resource name."""
    keys = []
    if hints.get(RESOURCE_UUID):
        keys.append(hints[RESOURCE_UUID])
    key = path_key(hints.get(ROOT_STACK_ID), hints.get(PATH_IN_STACK),
                   hints.get(RESOURCE_NAME))
    if key and key not in keys:
        keys.append(key)
    return keys
