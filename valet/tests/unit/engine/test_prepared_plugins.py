"""The search's fast paths give what the plain plugin calls give.

Rules and scorers are prepared once per scan (``prepare``) and a scan
scores hosts before checking them; every answer must stay the one the
plain ``check``/``score`` calls and a full comparison would give.
"""
import pytest

from benchmarks import quality
from valet.engine.optimizer import framework
from valet.engine.optimizer import scan as scanning
from valet.engine.optimizer import search
from valet.engine.optimizer import state

UNBOUNDED = 1e6


def _fits(s, host, bundle):
    room = s.overlay.free(host)
    return host.enabled and all(room[i] >= bundle.size[i] for i in range(3))


def _reference(s, bundle, hosts):
    """The cheapest feasible host by (cost, tiebreak), the plain way."""
    best = None
    for host in hosts:
        cost = s.cost(host, bundle)
        if cost is not None:
            key = (cost, s.tiebreak(host.name))
            if best is None or key < best[0]:
                best = (key, host)
    return best and best[1]


def _verify(s, bundle):
    filters, scorers = s.plugins(bundle)
    for rule in filters:
        check = rule.prepare(bundle, s)
        for host in s.all_hosts:
            assert (check(host) is None) == (
                rule.check(host, bundle, s) is None), (rule.name, host.name)
    for scorer, _ in scorers:
        score = scorer.prepare(bundle, s)
        for host in s.all_hosts:
            if _fits(s, host, bundle):
                free = s.overlay.free(host)
                assert score(host, free) == scorer.score(
                    host, bundle, s, free), (scorer.name, host.name)
    scan = scanning.Scan(s, bundle)
    scan.hosts(s.all_hosts, set(), remember=True)
    assert scan.host is _reference(s, bundle, s.all_hosts)


@pytest.mark.parametrize('seed,tiebreak', [(1, 0), (8, 0), (21, 7), (5, 3)])
def test_prepared_rules_scores_and_scan_agree(seed, tiebreak, monkeypatch):
    datacenter, request = quality.instance(seed)
    profile = framework.load(improve_budget_ms=UNBOUNDED)
    checked = []
    plain = search.Search.best_host

    def best_host(self, bundle, scope=None):
        _verify(self, bundle)
        checked.append(bundle.key)
        return plain(self, bundle, scope)

    monkeypatch.setattr(search.Search, 'best_host', best_host)
    search.place(datacenter, request, seed=tiebreak, profile=profile)
    assert checked


def test_overlay_versions_never_repeat():
    """Caches key on (overlay, version): a new overlay at a freed one's
    address must not look like it (answers depended on memory reuse)."""
    datacenter, _ = quality.instance(1)
    seen = set()
    for _ in range(50):
        overlay = state.Overlay(datacenter, {})
        assert overlay.version not in seen
        seen.add(overlay.version)
