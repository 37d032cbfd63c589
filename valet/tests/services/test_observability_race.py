"""Two engines racing on MariaDB: the loser's CAS conflict shows in its
metrics, both engines show in GET /metrics and GET /v1/status of one
API app reading the same database."""
import uuid

from prometheus_client import parser
import pytest

from valet.api import deploy
from valet import context as valet_context
from valet.engine import heartbeat
from valet.tests.services import engines
from valet.tests.functional import fixtures


class PingOnly:
    """The API's engine client, for status: answers ping like e1 would."""

    def __init__(self, manager):
        self.manager = manager

    def ping(self, context):
        return self.manager.ping(context)


def _ctx():
    return valet_context.RequestContext(project_id='p1', roles=['member'],
                                        request_id='req-%s' % uuid.uuid4(),
                                        overwrite=False)


def _servers(*names):
    return {n: {'type': 'OS::Nova::Server',
                'properties': {'flavor': 'm1.small'}} for n in names}


@pytest.fixture
def two_engines():
    with engines.racing_engines('mysql') as running:
        yield running


def test_conflicts_are_counted_per_engine(two_engines):
    conf, dbs, (e1, e2) = two_engines
    # The race, made deterministic: e1 commits while e2 is deciding (after
    # e2 checked it is up to date), so e2 packs onto the host e1 just
    # took, loses the compare-and-swap, catches up, decides again, commits.
    place = e2._place
    raced = []

    def place_while_e1_commits(request, **kwargs):
        if not raced:
            raced.append(e1.create_plan(_ctx(), 'a', 'a', _servers('a1')))
        return place(request, **kwargs)
    e2._place = place_while_e1_commits
    plan = e2.create_plan(_ctx(), 'b', 'b', _servers('b1'))
    assert raced
    assert plan['placements']['b1']['location']
    for manager, db in ((e1, dbs[0]), (e2, dbs[1])):
        assert heartbeat.Heartbeat(manager, db, 10).beat()

    app = deploy.make_app(conf, PingOnly(e1), dbs[0])
    admin = fixtures.Client(app)
    text = admin('GET', '/metrics').text
    found = {}
    for family in parser.text_string_to_metric_families(text):
        for s in family.samples:
            found[s.name, tuple(sorted(s.labels.items()))] = s.value

    def value(name, **labels):
        return found.get((name, tuple(sorted(labels.items()))))

    assert value('valet_generation_conflicts_total', engine_id='e1') == 0
    assert value('valet_generation_conflicts_total', engine_id='e2') == 1
    for eid in ('e1', 'e2'):
        assert value('valet_decisions_total', engine_id=eid,
                     action='create_plan', outcome='ok') == 1
        assert value('valet_engine_up', engine_id=eid) == 1
    assert value('valet_plans') == 2

    status = admin('GET', '/v1/status').json['status']
    assert [e['engine_id'] for e in status['engines']] == ['e1', 'e2']
    assert status['model']['engines_alive'] == 2
    assert status['model']['generation'] == 2
    assert status['model']['plans'] == 2
