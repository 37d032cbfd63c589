"""The hard rules of DESIGN §5.2 as filter plugins.

Each filter looks at one host for one host bundle in the search's current
tentative state (``search.overlay``) and answers None (pass) or a Status.
"""
from valet.engine.model import bandwidth
from valet.engine.model import groups as rules
from valet.engine.optimizer import extra_specs
from valet.engine.optimizer import filters as vocabulary
from valet.engine.optimizer import framework


class _Rule(framework.Filter):
    def __init__(self):
        self.code = vocabulary.CODES[self.name]
        super().__init__()


class Disabled(_Rule):
    name = 'disabled'
    inline = True           # mirrored by the search's pre-check

    def check(self, host, bundle, search):
        return None if host.enabled else self._reject


class Zone(_Rule):
    """The availability zone the servers ask for."""
    name = 'zone'

    def applies(self, bundle, search):
        return bundle.zone is not None

    def check(self, host, bundle, search):
        return None if host.zone == bundle.zone else self._reject


class ForcedHost(_Rule):
    """Nova's forced host (``zone:host``)."""
    name = 'host'

    def applies(self, bundle, search):
        return bundle.host is not None

    def check(self, host, bundle, search):
        return None if host.name == bundle.host else self._reject


class Candidates(_Rule):
    """The hosts Nova's other filters left (or the plan's locations)."""
    name = 'candidates'

    def applies(self, bundle, search):
        return bundle.candidates is not None

    def check(self, host, bundle, search):
        return None if host.name in bundle.candidates else self._reject


class Excluded(_Rule):
    """Hosts a migration moves away from."""
    name = 'excluded'

    def applies(self, bundle, search):
        return bool(bundle.excluded)

    def check(self, host, bundle, search):
        return self._reject if host.name in bundle.excluded else None


class ExtraSpecs(_Rule):
    """Flavor extra specs against aggregate metadata (Nova's operators)."""
    name = 'extra_specs'

    def applies(self, bundle, search):
        return bool(bundle.requirements)

    def check(self, host, bundle, search):
        for requirement in bundle.requirements:
            if not extra_specs.host_matches(host.metadata, requirement):
                return self._reject
        return None


class Storage(_Rule):
    """A zone with a pool for every volume attached to the bundle."""
    name = 'storage'

    def applies(self, bundle, search):
        return bool(bundle.volumes)

    def check(self, host, bundle, search):
        zones = search.storage_zones(bundle)
        return None if host.zone in zones else self._reject


class Capacity(_Rule):
    """vCPU, RAM and disk after allocation ratios and standby reserve."""
    name = 'capacity'
    inline = True           # mirrored by the search's pre-check

    def check(self, host, bundle, search):
        free = search.overlay.free(host)
        if (free[0] < bundle.vcpus or free[1] < bundle.memory_mb
                or free[2] < bundle.disk_gb):
            return self._reject
        search.last_free = free
        return None


class Bandwidth(_Rule):
    """Pipes to placed members against host NICs and rack uplinks."""
    name = 'bandwidth'

    def applies(self, bundle, search):
        return bool(bundle.pipes)

    def check(self, host, bundle, search):
        overlay = search.overlay
        # Fast path: the demand if every pipe left host and rack bounds
        # the real one term by term, so when that fits, the host fits.
        # Its peer side does not depend on ``host`` (computed once per
        # overlay state); the host side is two comparisons.
        worst = self._worst_case(bundle, search)
        if worst is not None and overlay.nic_free(host) >= worst and (
                overlay.uplink_free(search.dc.racks[host.rack]) >= worst):
            return None
        hosts, racks = search.pipe_demand(bundle, host)
        for name, mbps in hosts.items():
            if overlay.nic_free(search.dc.hosts[name]) < mbps:
                return self.reject(reason='NIC of %s' % name)
        for name, mbps in racks.items():
            if overlay.uplink_free(search.dc.racks[name]) < mbps:
                return self.reject(reason='uplink of rack %s' % name)
        return None

    def prepare(self, bundle, search):
        overlay = search.overlay
        worst = self._worst_case(bundle, search)
        if worst is None:
            return super().prepare(bundle, search)
        nic, racks, uplink_ok = overlay.nic, search.dc.racks, {}
        check = self.check

        def fits(host):
            # The fast path of check(), its rack half once per rack.
            if not host.nic_mbps or (host.nic_mbps - host.nic_used_mbps
                                     - nic.get(host.name, 0)) >= worst:
                ok = uplink_ok.get(host.rack)
                if ok is None:
                    ok = uplink_ok[host.rack] = overlay.uplink_free(
                        racks[host.rack]) >= worst
                if ok:
                    return None
            return check(host, bundle, search)
        return fits

    @staticmethod
    def _worst_case(bundle, search):
        """Total Mbit/s of the bundle's placed pipes if the peers' NICs
        and racks have room for all of them (else None), per overlay."""
        return search.per_overlay(
            'bandwidth_worst_case', bundle,
            lambda: Bandwidth._worst_case_now(bundle, search))

    @staticmethod
    def _worst_case_now(bundle, search):
        overlay = search.overlay
        placed, to_volumes, _ = search.peers(bundle)
        total = to_volumes
        peer_hosts, peer_racks = {}, {}
        for spot, mbps in placed:
            total += mbps
            if spot[0] == bandwidth.SERVER:
                peer_hosts[spot[1]] = peer_hosts.get(spot[1], 0) + mbps
            if spot[2] is not None:
                peer_racks[spot[2]] = peer_racks.get(spot[2], 0) + mbps
        value = total
        for name, mbps in peer_hosts.items():
            if overlay.nic_free(search.dc.hosts[name]) < mbps:
                value = None
                break
        else:
            for name, mbps in peer_racks.items():
                if overlay.uplink_free(search.dc.racks[name]) < mbps:
                    value = None
                    break
        return value


class Affinity(_Rule):
    """Members of a group already placed pin the host/rack/zone."""
    name = 'affinity'

    def applies(self, bundle, search):
        return bool(search.bundle_groups(bundle)[0])

    def check(self, host, bundle, search):
        overlay = search.overlay
        for name, level in search.bundle_groups(bundle)[0]:
            units = overlay.group_units(name, level)
            if units and host.unit(level) not in units:
                return self.reject(name)
        return None

    def prepare(self, bundle, search):
        overlay = search.overlay
        pinned = []
        for name, level in search.bundle_groups(bundle)[0]:
            units = overlay.group_units(name, level)
            if units:
                pinned.append((level, units, self.reject(name)))

        def check(host):
            for level, units, status in pinned:
                if host.unit(level) not in units:
                    return status
            return None
        return check


class Exclusivity(_Rule):
    """Exclusive members only where nobody else is; nobody else where an
    exclusivity group is (servers Valet did not place included)."""
    name = 'exclusivity'

    def check(self, host, bundle, search):
        overlay = search.overlay
        for name, level in search.bundle_groups(bundle)[1]:
            unit = host.unit(level)
            if overlay.unit_total(level, unit) != overlay.group_count(
                    name, level, unit):
                return self.reject(name)
        groups = bundle.groups
        for level in rules.LEVELS:
            owners = overlay.owners(level, host.unit(level))
            if owners:
                for owner in sorted(owners):
                    if owner not in groups:
                        return self.reject(owner)
        return None

    def prepare(self, bundle, search):
        own = search.bundle_groups(bundle)[1]
        if own:
            return super().prepare(bundle, search)
        # A bundle outside every exclusivity group: only the owners of the
        # host's units matter, and few units have any (looked up once per
        # scan); a rack's or zone's answer holds for all its hosts.
        overlay, groups = search.overlay, bundle.groups
        model_hosts, delta_hosts = overlay.owned_units(rules.HOST)
        shared = [(level,) + overlay.owned_units(level)
                  for level in (rules.RACK, rules.ZONE)]
        shared = [item for item in shared if item[1] or item[2]]
        answers = {}
        reject = self.reject

        def outsider(level, unit):
            for owner in sorted(overlay.owners(level, unit)):
                if owner not in groups:
                    return reject(owner)
            return None

        def check(host):
            name = host.name
            if name in model_hosts or delta_hosts.get(name):
                status = outsider(rules.HOST, name)
                if status is not None:
                    return status
            for level, model_units, delta_units in shared:
                unit = host.unit(level)
                if unit in model_units or delta_units.get(unit):
                    key = (level, unit)
                    if key not in answers:
                        answers[key] = outsider(level, unit)
                    if answers[key] is not None:
                        return answers[key]
            return None
        return check


class Diversity(_Rule):
    """No two members of a group in one host/rack/zone."""
    name = 'diversity'

    def applies(self, bundle, search):
        return bool(search.bundle_groups(bundle)[2])

    def check(self, host, bundle, search):
        overlay = search.overlay
        for name, level in search.bundle_groups(bundle)[2]:
            if overlay.group_count(name, level, host.unit(level)) > 0:
                return self.reject(name)
        return None

    def prepare(self, bundle, search):
        overlay = search.overlay
        taken = [(level, overlay.group_units(name, level), self.reject(name))
                 for name, level in search.bundle_groups(bundle)[2]]

        def check(host):
            for level, units, status in taken:
                if units.get(host.unit(level), 0) > 0:
                    return status
            return None
        return check
