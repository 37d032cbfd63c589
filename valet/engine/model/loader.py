"""Load a datacenter YAML file (DESIGN §5.1) into an :class:`Inventory`.

The file collector, the all-in-one mode, tests and benchmarks all read this
format.  Every error is an :class:`~valet.exception.InvalidDatacenter` that
names the file and the field path (``zones[0].racks[1].hosts[2].vcpus``), so
an operator can fix the file without reading code.
"""
import pathlib
import sys

import jsonschema
import yaml

from valet import exception
from valet.conf import optimizer as optimizer_conf
from valet.engine.model import inventory
from valet.engine.model import naming
from valet.engine.model import schema

RATIO_KINDS = ('cpu', 'ram', 'disk')
HOST_SIZE_FIELDS = ('vcpus', 'memory_mb', 'disk_gb', 'nic_mbps')
# Aggregate metadata keys that override the allocation ratio of their hosts.
RATIO_METADATA = {kind: '%s_allocation_ratio' % kind for kind in RATIO_KINDS}
RACK_METADATA = 'valet:rack'


def examples_dir():
    """The ``examples/`` directory shipped with Valet.

    Valet is installed in develop (editable) mode with pbr, so the examples
    stay at the repository root next to the package rather than being
    copied into it.  A regular install puts them under
    ``<prefix>/share/valet/examples`` (setup.cfg ``data_files``).
    """
    candidates = (
        pathlib.Path(__file__).resolve().parents[3] / 'examples',
        pathlib.Path(sys.prefix) / 'share' / 'valet' / 'examples',
    )
    for candidate in candidates:
        if (candidate / 'datacenters').is_dir():
            return candidate
    return candidates[0]


def default_datacenter_path():
    """The all-in-one default datacenter: ``examples/datacenters/small.yaml``."""
    return str(examples_dir() / 'datacenters' / 'small.yaml')


def load_datacenter(path, defaults=None):
    """Read, validate and convert the datacenter file at ``path``.

    ``defaults``: allocation-ratio defaults from configuration
    (``{'cpu': 4.0, 'ram': 1.0, 'disk': 1.0}``), used when neither the file
    nor an aggregate sets a ratio; missing keys fall back to the option
    defaults of ``[optimizer]``.
    """
    path = str(path)
    document = _read_yaml(path)
    return _Builder(path, document, defaults).build()


def _read_yaml(path):
    try:
        with open(path, encoding='utf-8') as stream:
            document = yaml.safe_load(stream)
    except OSError as err:
        raise exception.InvalidDatacenter(
            path=path, detail='cannot read the file: %s' % err.strerror) from err
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        where = ('line %d, column %d' % (mark.line + 1, mark.column + 1)
                 if mark else 'unknown position')
        raise exception.InvalidDatacenter(
            path=path, detail='YAML syntax error at %s: %s'
            % (where, err.problem or err.context)) from err
    except yaml.YAMLError as err:
        raise exception.InvalidDatacenter(
            path=path, detail='YAML error: %s' % err) from err
    if not isinstance(document, dict):
        raise exception.InvalidDatacenter(
            path=path, detail='(top level): the file must hold a mapping')
    return document


def field_path(parts):
    """``['zones', 0, 'name']`` -> ``'zones[0].name'``."""
    text = ''
    for part in parts:
        if isinstance(part, int):
            text += '[%d]' % part
        else:
            text += ('.' if text else '') + str(part)
    return text


def _join(path, name):
    return '%s.%s' % (path, name) if path else name


def _schema_error_detail(error):
    path = field_path(error.absolute_path)
    where = path or '(top level)'
    if error.schema in (schema.POSITIVE, schema.NON_NEGATIVE) and (
            error.validator in ('type', 'minimum')):
        kind = ('a positive' if error.schema == schema.POSITIVE
                else 'a non-negative')
        return '%s: %r is not %s integer' % (where, error.instance, kind)
    if error.validator == 'additionalProperties':
        known = error.schema.get('properties', {})
        extra = sorted(k for k in error.instance if k not in known)
        return '%s: unknown field (allowed: %s)' % (
            _join(path, extra[0]), ', '.join(sorted(known)))
    if error.validator == 'required':
        missing = [k for k in error.validator_value if k not in error.instance]
        return '%s: required field missing' % _join(path, missing[0])
    if error.validator == 'type':
        return '%s: %r is not of type %s' % (
            where, error.instance, error.validator_value)
    if error.validator == 'exclusiveMinimum':
        return '%s: %r is not a positive number' % (where, error.instance)
    if error.validator == 'minItems':
        return '%s: must not be empty' % where
    return '%s: %s' % (where, error.message)


def _sort_key(error):
    # Deterministic: report the error that comes first in the file's order.
    return tuple((0, p, '') if isinstance(p, int) else (1, 0, p)
                 for p in error.absolute_path), error.validator


def validate_document(path, document):
    validator = jsonschema.Draft202012Validator(schema.DATACENTER)
    errors = sorted(validator.iter_errors(document), key=_sort_key)
    if errors:
        raise exception.InvalidDatacenter(
            path=path, detail=_schema_error_detail(errors[0]))


def _config_ratio_defaults(defaults):
    """Ratio defaults: the caller's, else the ``[optimizer]`` option defaults."""
    option_defaults = {opt.name: opt.default for opt in optimizer_conf.OPTS}
    result = {}
    for kind in RATIO_KINDS:
        value = None
        if defaults:
            value = defaults.get(kind, defaults.get(RATIO_METADATA[kind]))
        if value is None:
            value = option_defaults[RATIO_METADATA[kind]]
        result[kind] = float(value)
    return result


def _metadata_text(value):
    if isinstance(value, bool):
        return 'true' if value else 'false'
    return str(value)


class _Builder:
    """Turns one validated document into an Inventory; one use only."""

    def __init__(self, path, document, defaults):
        self.path = path
        self.doc = document
        self.config_ratios = _config_ratio_defaults(defaults)
        self.inv = inventory.Inventory(name=document.get('name'))
        self.host_paths = {}      # host name -> field path (for messages)
        self.host_specs = {}      # host name -> (spec, generate-spec, path)
        self.unracked = []        # (host name, zone, path): rack decided later

    def fail(self, detail):
        raise exception.InvalidDatacenter(path=self.path, detail=detail)

    def build(self):
        validate_document(self.path, self.doc)
        self._flavors()
        self._zones()
        host_meta, host_aggs, host_ratios = self._aggregates()
        self._assign_unracked(host_meta)
        self._hosts(host_meta, host_aggs, host_ratios)
        self._servers()
        self._pools()
        return self.inv

    # -- sections ---------------------------------------------------------
    def _flavors(self):
        for flavor in inventory.BUILTIN_FLAVORS:
            self.inv.flavors[flavor.name] = inventory.Flavor(
                flavor.name, flavor.vcpus, flavor.ram, flavor.disk,
                dict(flavor.extra_specs))
        seen = set()
        for i, spec in enumerate(self.doc.get('flavors', ())):
            if spec['name'] in seen:
                self.fail('flavors[%d].name: duplicate flavor %r'
                          % (i, spec['name']))
            seen.add(spec['name'])
            # A file flavor may redefine a built-in one on purpose.
            self.inv.flavors[spec['name']] = inventory.Flavor(
                spec['name'], spec['vcpus'], spec['ram'], spec['disk'],
                dict(spec.get('extra_specs', {})))

    def _zones(self):
        for z, zone in enumerate(self.doc['zones']):
            zpath = 'zones[%d]' % z
            if zone['name'] in self.inv.zones:
                self.fail('%s.name: duplicate zone %r' % (zpath, zone['name']))
            self.inv.zones[zone['name']] = inventory.Zone(zone['name'])
            if not zone.get('racks') and not zone.get('hosts'):
                self.fail('%s: a zone needs racks or hosts' % zpath)
            for r, rack in enumerate(zone.get('racks', ())):
                self._rack(zone['name'], rack, '%s.racks[%d]' % (zpath, r))
            for h, host in enumerate(zone.get('hosts', ())):
                hpath = '%s.hosts[%d]' % (zpath, h)
                self._add_host_spec(host['name'], host, None, hpath)
                self.unracked.append((host['name'], zone['name'], hpath))

    def _rack(self, zone, rack, rpath):
        name = rack['name']
        if name in self.inv.racks:
            self.fail('%s.name: duplicate rack %r' % (rpath, name))
        self.inv.racks[name] = inventory.Rack(
            name, zone, rack.get('uplink_mbps', 0))
        if not rack.get('hosts') and not rack.get('generate'):
            self.fail('%s: a rack needs hosts or generate' % rpath)
        for h, host in enumerate(rack.get('hosts', ())):
            hpath = '%s.hosts[%d]' % (rpath, h)
            self._add_host_spec(host['name'], host, None, hpath, rack=name)
        generate = rack.get('generate')
        if generate:
            count = generate['hosts']
            width = max(2, len(str(count)))
            for i in range(1, count + 1):
                host_name = '%s%0*d' % (generate['prefix'], width, i)
                self._add_host_spec(host_name, {}, generate,
                                    '%s.generate' % rpath, rack=name)

    def _add_host_spec(self, name, spec, generate, hpath, rack=None):
        if name in self.host_paths:
            self.fail('%s: duplicate host %r (also at %s)'
                      % (hpath if generate else hpath + '.name', name,
                         self.host_paths[name]))
        self.host_paths[name] = hpath
        self.host_specs[name] = (spec, generate or {}, hpath, rack)

    def _aggregates(self):
        host_meta = {}            # host -> {key: value or sorted values}
        host_aggs = {}            # host -> [aggregate names]
        host_ratios = {}          # host -> {kind: ratio}
        seen = set()
        for a, agg in enumerate(self.doc.get('aggregates', ())):
            apath = 'aggregates[%d]' % a
            if agg['name'] in seen:
                self.fail('%s.name: duplicate aggregate %r'
                          % (apath, agg['name']))
            seen.add(agg['name'])
            metadata = {k: _metadata_text(v)
                        for k, v in agg.get('metadata', {}).items()}
            ratios = {}
            for kind, key in RATIO_METADATA.items():
                if key in metadata:
                    ratios[kind] = self._ratio(metadata[key],
                                               '%s.metadata.%s' % (apath, key))
            members = []
            for h, host in enumerate(agg['hosts']):
                if host not in self.host_paths:
                    self.fail('%s.hosts[%d]: unknown host %r' % (apath, h, host))
                if host in members:
                    continue
                members.append(host)
                host_aggs.setdefault(host, []).append(agg['name'])
                merged = host_meta.setdefault(host, {})
                for key, value in metadata.items():
                    merged[key] = _merge_value(merged.get(key), value)
                # Like Nova's aggregate filters, the smallest ratio wins.
                for kind, ratio in ratios.items():
                    current = host_ratios.setdefault(host, {}).get(kind)
                    host_ratios[host][kind] = (
                        ratio if current is None else min(current, ratio))
            self.inv.aggregates[agg['name']] = inventory.Aggregate(
                agg['name'], members, metadata)
        return host_meta, host_aggs, host_ratios

    def _ratio(self, text, where):
        try:
            value = float(text)
        except ValueError:
            value = 0.0
        if not value > 0:
            self.fail('%s: %r is not a positive number' % (where, text))
        return value

    def _assign_unracked(self, host_meta):
        """Racks for hosts listed directly under a zone (DESIGN §5.1 order)."""
        for name, zone, hpath in self.unracked:
            rack = host_meta.get(name, {}).get(RACK_METADATA)
            origin = 'aggregate metadata %s' % RACK_METADATA
            if isinstance(rack, list):
                self.fail('%s: aggregates give host %r several racks: %s'
                          % (hpath, name, ', '.join(rack)))
            if not rack:
                rack = naming.rack_from_host_name(name)
                origin = 'its name'
            if not rack:
                # Never one shared pseudo-rack: the host is its own rack.
                rack = name
                origin = 'the host itself'
            known = self.inv.racks.get(rack)
            if known is None:
                self.inv.racks[rack] = inventory.Rack(rack, zone)
            elif known.zone != zone:
                self.fail('%s: rack %r (from %s) is in zone %r, not %r'
                          % (hpath, rack, origin, known.zone, zone))
            spec, generate, path, _ = self.host_specs[name]
            self.host_specs[name] = (spec, generate, path, rack)

    def _hosts(self, host_meta, host_aggs, host_ratios):
        defaults = self.doc.get('defaults', {})
        file_ratios = self.doc.get('allocation_ratios', {})
        for name, (spec, generate, hpath, rack) in self.host_specs.items():
            sizes = {}
            for field in HOST_SIZE_FIELDS:
                for source in (spec, generate, defaults):
                    if field in source:
                        sizes[field] = source[field]
                        break
                else:
                    if field == 'nic_mbps':
                        sizes[field] = 0
                    else:
                        self.fail('%s.%s: required (no value in defaults)'
                                  % (hpath, field))
            ratios, defaulted = {}, []
            for kind in RATIO_KINDS:
                override = host_ratios.get(name, {}).get(kind)
                if override is None:
                    override = file_ratios.get(kind)
                if override is None:
                    override = self.config_ratios[kind]
                    defaulted.append(kind)
                ratios[kind] = float(override)
            self.inv.hosts[name] = inventory.Host(
                name=name, zone=self.inv.racks[rack].zone, rack=rack,
                vcpus=sizes['vcpus'], memory_mb=sizes['memory_mb'],
                disk_gb=sizes['disk_gb'], nic_mbps=sizes['nic_mbps'],
                cpu_allocation_ratio=ratios['cpu'],
                ram_allocation_ratio=ratios['ram'],
                disk_allocation_ratio=ratios['disk'],
                enabled=spec.get('enabled', True),
                aggregates=list(host_aggs.get(name, ())),
                metadata=dict(host_meta.get(name, {})),
                default_ratios=defaulted)

    def _servers(self):
        seen = set()
        for s, spec in enumerate(self.doc.get('servers', ())):
            spath = 'servers[%d]' % s
            if spec['id'] in seen:
                self.fail('%s.id: duplicate server %r' % (spath, spec['id']))
            seen.add(spec['id'])
            if spec['host'] not in self.inv.hosts:
                self.fail('%s.host: unknown host %r' % (spath, spec['host']))
            flavor = self.inv.flavors.get(spec['flavor'])
            if flavor is None:
                self.fail('%s.flavor: unknown flavor %r'
                          % (spath, spec['flavor']))
            self.inv.servers.append(inventory.Server(
                id=spec['id'], host=spec['host'], flavor=flavor.name,
                vcpus=flavor.vcpus, memory_mb=flavor.ram, disk_gb=flavor.disk,
                project=spec.get('project')))

    def _pools(self):
        for p, spec in enumerate(self.doc.get('pools', ())):
            ppath = 'pools[%d]' % p
            if spec['name'] in self.inv.pools:
                self.fail('%s.name: duplicate pool %r' % (ppath, spec['name']))
            if spec['zone'] not in self.inv.zones:
                self.fail('%s.zone: unknown zone %r' % (ppath, spec['zone']))
            rack = spec.get('rack')
            if rack is not None:
                if rack not in self.inv.racks:
                    self.fail('%s.rack: unknown rack %r' % (ppath, rack))
                if self.inv.racks[rack].zone != spec['zone']:
                    self.fail('%s.rack: rack %r is in zone %r, not %r'
                              % (ppath, rack, self.inv.racks[rack].zone,
                                 spec['zone']))
            self.inv.pools[spec['name']] = inventory.Pool(
                name=spec['name'], zone=spec['zone'],
                capacity_gb=spec['capacity_gb'], rack=rack,
                volume_types=list(spec.get('volume_types', ())))


def _merge_value(current, value):
    """Aggregates that disagree on a key leave all values (sorted)."""
    if current is None or current == value:
        return value
    values = set(current if isinstance(current, list) else [current])
    values.add(value)
    return sorted(values)
