"""Requests for replans, built from what the DB stored.

Update, migrate and reserve decide again for members that are already
placed.  Their stored placement rows (and the plan's pipes) are turned into
a :class:`~valet.engine.model.request.PlanRequest` whose servers are the
members to move and whose ``fixed`` members stay where they are.
"""
import collections.abc

from valet.db import groups as db_groups
from valet.engine.model import bandwidth
from valet.engine.model import request as plan_request
from valet import exception


class GroupLookup(collections.abc.Mapping):
    """The DB's groups, fetched by name on first use.

    A plan names a handful of groups; reading all of them per decision
    would grow with the cloud.  Iteration sees only the groups looked up so
    far (the model itself knows every group with placed members).
    """

    def __init__(self, db, context):
        self._db = db
        self._context = context
        self._cache = {}

    def _fetch(self, name):
        self.prefetch([name])
        return self._cache[name]

    def prefetch(self, names):
        """Look all of ``names`` up in one read: the groups a plan defines
        are known before it is parsed (one round trip, not one each)."""
        wanted = sorted({name for name in names if isinstance(name, str)
                         and name not in self._cache})
        if wanted:
            found = db_groups.get_groups_by_name(self._db, self._context,
                                                 wanted)
            for name in wanted:
                self._cache[name] = found.get(name)

    def __getitem__(self, name):
        group = self._fetch(name) if isinstance(name, str) else None
        if group is None:
            raise KeyError(name)
        return group

    def __contains__(self, name):
        return isinstance(name, str) and self._fetch(name) is not None

    def __iter__(self):
        return iter(sorted(k for k, v in self._cache.items() if v))

    def __len__(self):
        return sum(1 for v in self._cache.values() if v)


def group_requests(lookup, names):
    """GroupRequests of the named DB groups."""
    groups = {}
    for name in sorted(names):
        known = lookup.get(name)
        if known is None:
            raise exception.GroupNotFound(group=name)
        groups[name] = plan_request.GroupRequest(
            name=name, type=known['type'], level=known['level'],
            description=known.get('description') or '',
            members=list(known.get('members') or []))
    return groups


def server_from_row(row, flavors, **extra):
    """A ServerRequest that places a stored server again (same size,
    groups and zone: Nova keeps an instance in its availability zone)."""
    flavor = flavors.get(row.get('flavor')) if row.get('flavor') else None
    specs = dict(getattr(flavor, 'extra_specs', None) or {})
    specs.pop('valet', None)
    key = row['orchestration_id']
    return plan_request.ServerRequest(
        key=key, name=row.get('name') or key, vcpus=row['vcpus'],
        memory_mb=row['memory_mb'], disk_gb=row['disk_gb'],
        flavor=row.get('flavor'), zone=row.get('zone'),
        groups=sorted(row.get('groups') or ()),
        metadata=dict(row.get('metadata') or {}), extra_specs=specs,
        **extra)


def volume_from_row(row, **extra):
    key = row['orchestration_id']
    extra.setdefault('zone', row.get('zone'))
    return plan_request.VolumeRequest(
        key=key, name=row.get('name') or key, size_gb=row['disk_gb'],
        volume_type=(row.get('metadata') or {}).get('volume_type'), **extra)


def pipe_requests(pipes, keys=None):
    """PipeRequests of stored pipes (those touching ``keys`` if given)."""
    return [plan_request.PipeRequest(
        key=p.get('id') or p['name'], name=p.get('name') or '',
        source=p['source'], target=p['target'],
        bandwidth_mbps=p['bandwidth_mbps'])
        for p in pipes
        if keys is None or p['source'] in keys or p['target'] in keys]


def pipes_bandwidth(pipes, rows):
    """{'hosts', 'racks'} Mbit/s that stored ``pipes`` use between rows."""
    spots = {r['orchestration_id']: bandwidth.spot(r) for r in rows}
    hosts, racks = bandwidth.usage(pipes, spots)
    return {'hosts': hosts, 'racks': racks}


def replan_request(rows, move, pipes, lookup, flavors, stack_id=None,
                   project_id=None, candidates=None, excluded=None,
                   keep_previous=True):
    """A request that moves the server rows named in ``move`` (with
    ``candidates``/``excluded`` hosts per key) and keeps the others.

    Only pipes touching a moved member are part of it: the others do not
    change.
    """
    servers, fixed, names = {}, {}, set()
    for key, row in rows.items():
        if key in move and row['kind'] == 'server':
            servers[key] = server_from_row(
                row, flavors,
                candidates=(candidates or {}).get(key),
                excluded=frozenset((excluded or {}).get(key, ())),
                previous=row['location'] if keep_previous else None)
            names.update(row.get('groups') or ())
        else:
            fixed[key] = row
    request = plan_request.PlanRequest(
        servers=servers, volumes={}, groups=group_requests(lookup, names),
        stack_id=stack_id, project_id=project_id,
        pipes=pipe_requests(pipes, set(servers)), fixed=fixed)
    return request
