"""``GET /metrics``: Prometheus text exposition of every engine and of
this API worker.

The engines publish their counters in their ``engines`` row (heartbeat);
:class:`EnginesCollector` turns the rows into metric families labelled
``engine_id``, so whichever API worker is scraped, every engine is there.
Behind the policy rule ``valet:metrics:show`` (admin), or public with
``[api] metrics_public`` (then :func:`public_app` answers it before
authentication, like /healthcheck).
"""
import calendar

import prometheus_client
from prometheus_client import core
import webob

from valet.api.handlers import status as status_handler
from valet.api import request_metrics
from valet.api import util
from valet import context as valet_context
from valet.db import engines as db_engines
from valet import exception
from valet.policies import enforcer as policy
from valet.policies import metrics as metrics_policies

PATH = '/metrics'
# The classic text format: every Prometheus version parses it.
CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8'


def _epoch(value):
    return float(calendar.timegm(value.timetuple())) + (
        value.microsecond / 1e6) if value else None


class EnginesCollector:
    """Metric families from the engines' rows (read once per scrape)."""

    def __init__(self, rows, plans, interval, now=None):
        self.rows = rows
        self.plans = plans
        self.interval = interval
        self.now = now

    def collect(self):
        views = {v['engine_id']: v for v in status_handler.engine_views(
            self.rows, self.interval, self.now)}
        label = ['engine_id']

        def gauge(name, doc):
            return core.GaugeMetricFamily(name, doc, labels=label)

        up = gauge('valet_engine_up',
                   '1 if the engine\'s heartbeat is recent, else 0.')
        beat = gauge('valet_engine_heartbeat_timestamp_seconds',
                     'Time of the engine\'s last heartbeat.')
        started = gauge('valet_engine_start_time_seconds',
                        'Time the engine started.')
        hosts = gauge('valet_engine_hosts', 'Hosts in the engine\'s model.')
        synced = gauge('valet_engine_last_sync_timestamp_seconds',
                       'Time of the engine\'s last inventory sync.')
        generation = core.CounterMetricFamily(
            'valet_engine_generation',
            'Decisions the engine committed since it started.', labels=label)
        decisions = core.CounterMetricFamily(
            'valet_decisions', 'Decisions by action and outcome (ok, '
            'replayed, failed, conflict, rejected, error).',
            labels=label + ['action', 'outcome'])
        latency = core.HistogramMetricFamily(
            'valet_decision_duration_seconds',
            'Time from the RPC call to the answer, lock wait included.',
            labels=label + ['action'])
        conflicts = core.CounterMetricFamily(
            'valet_generation_conflicts',
            'Commits lost to another engine (compare-and-swap on '
            'generations); each is retried.', labels=label)
        failures = core.CounterMetricFamily(
            'valet_placement_failures',
            'Placement failures by reason code (DESIGN 5.4).',
            labels=label + ['code'])
        notifications = core.CounterMetricFamily(
            'valet_notifications',
            'Nova notifications the engine absorbed, by event type.',
            labels=label + ['event'])
        for row in self.rows:
            eid = row['engine_id']
            up.add_metric([eid], 1.0 if views[eid]['alive'] else 0.0)
            beat.add_metric([eid], _epoch(row['heartbeat_at']))
            started.add_metric([eid], _epoch(row['started_at']))
            if row['hosts'] is not None:
                hosts.add_metric([eid], row['hosts'])
            if row['last_sync_at'] is not None:
                synced.add_metric([eid], _epoch(row['last_sync_at']))
            generation.add_metric([eid], row['generation'] or 0)
            snap = row['metrics'] or {}
            for item in snap.get('decisions', ()):
                decisions.add_metric([eid, item['action'], item['outcome']],
                                     item['count'])
            for item in snap.get('latency', ()):
                buckets = [(_le(b), c) for b, c in zip(
                    item['buckets'] + [float('inf')], item['counts'])]
                latency.add_metric([eid, item['action']], buckets,
                                   item['sum'])
            conflicts.add_metric([eid], snap.get('conflicts', 0))
            for item in snap.get('failures', ()):
                failures.add_metric([eid, item['code']], item['count'])
            for item in snap.get('notifications', ()):
                notifications.add_metric([eid, item['event']], item['count'])
        plans = core.GaugeMetricFamily('valet_plans', 'Plans stored.')
        plans.add_metric([], self.plans)
        return [up, beat, started, hosts, synced, generation, decisions,
                latency, conflicts, failures, notifications, plans]


def _le(bound):
    return '+Inf' if bound == float('inf') else repr(float(bound))


def render(db, conf, api_registry=None, now=None):
    """The exposition text (bytes) for the engines in ``db`` and, if
    given, this worker's request metrics."""
    ctx = valet_context.get_admin_context()
    registry = prometheus_client.CollectorRegistry(auto_describe=False)
    registry.register(EnginesCollector(
        db_engines.list_engines(db, ctx), db_engines.count_plans(db, ctx),
        conf.engine.heartbeat_interval, now=now))
    body = prometheus_client.generate_latest(registry)
    if api_registry is not None:
        body += prometheus_client.generate_latest(api_registry)
    return body


def _response(body):
    resp = webob.Response(status=200, charset=None)
    resp.content_type = CONTENT_TYPE
    resp.body = body
    return resp


@util.handler
def get_metrics(req):
    context = util.context(req)
    svc = util.services(req)
    policy.authorize(svc.enforcer, context, metrics_policies.SHOW,
                     {'project_id': context.project_id})
    return _response(render(svc.db, svc.conf,
                            req.environ.get(request_metrics.ENV_REGISTRY)))


def public_app(conf, db):
    """/metrics without authentication (``[api] metrics_public``)."""
    def app(environ, start_response):
        if environ.get('REQUEST_METHOD') != 'GET':
            resp = webob.Response(status=405, headers={'Allow': 'GET'})
            return resp(environ, start_response)
        try:
            body = render(db, conf,
                          environ.get(request_metrics.ENV_REGISTRY))
        except exception.DatabaseUnavailable as exc:
            resp = webob.Response(status=503, charset='utf-8',
                                  content_type='text/plain')
            resp.text = str(exc)
            return resp(environ, start_response)
        return _response(body)(environ, start_response)
    return app
