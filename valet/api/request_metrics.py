"""valet-api's own request counters, for ``GET /metrics``.

One CollectorRegistry per application (none at import time), so several
apps in one interpreter (tests, all-in-one) count apart.  Each API worker
process counts its own requests; the ``worker`` label (the process id)
keeps every worker's series monotonic when a balancer spreads scrapes over
them.
"""
import os
import time

import prometheus_client

ENV_REGISTRY = 'valet.metrics_registry'

# Request latency buckets, seconds.
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
# Any other method is counted as 'other' (bounded label values).
METHODS = frozenset(('GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE',
                     'OPTIONS'))


class RequestMetrics:
    """Count requests by method and status, time them, and hand the
    registry to the /metrics handler through the environ."""

    def __init__(self, application, clock=time.perf_counter):
        self.application = application
        self.clock = clock
        self.registry = prometheus_client.CollectorRegistry(auto_describe=True)
        self.requests = prometheus_client.Counter(
            'valet_api_requests', 'REST requests answered by this worker.',
            ['worker', 'method', 'status'], registry=self.registry)
        self.latency = prometheus_client.Histogram(
            'valet_api_request_duration_seconds',
            'Time to the start of the response, per request.',
            ['worker', 'method'], buckets=BUCKETS, registry=self.registry)

    def __call__(self, environ, start_response):
        environ[ENV_REGISTRY] = self.registry
        started = self.clock()
        method = environ.get('REQUEST_METHOD', '')
        method = method if method in METHODS else 'other'
        worker = str(os.getpid())

        def counting_start_response(status, headers, exc_info=None):
            self.requests.labels(worker, method, status.split(' ', 1)[0]).inc()
            self.latency.labels(worker, method).observe(
                self.clock() - started)
            return start_response(status, headers, exc_info)
        return self.application(environ, counting_start_response)
