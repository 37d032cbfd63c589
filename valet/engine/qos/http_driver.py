"""A QoS driver for an external controller over HTTP (Tegu, IOArbiter or
anything that takes JSON).

``reserve``: ``PUT <url>/reservations/<plan id>`` with
``{"plan_id", "pipes": [...]}``; ``release``: ``DELETE`` of the same URL
(404 counts as released).  PUT and DELETE on one URL keep both
idempotent, so the engine may retry either.
"""
import json
import logging
import urllib.error
import urllib.parse
import urllib.request

from valet.engine.qos import base

LOG = logging.getLogger(__name__)


class HttpDriver(base.QosDriver):

    def __init__(self, url, timeout=10, token=None, **kwargs):
        if not url:
            raise base.QosError(detail='[qos] controller_url is not set')
        self.url = url.rstrip('/')
        self.timeout = timeout
        self.token = token

    def _url(self, plan_id):
        return '%s/reservations/%s' % (self.url,
                                       urllib.parse.quote(str(plan_id), ''))

    def _send(self, method, url, body=None):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(url, data=data, method=method)
        req.add_header('Accept', 'application/json')
        if data is not None:
            req.add_header('Content-Type', 'application/json')
        if self.token:
            req.add_header('X-Auth-Token', self.token)
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                return resp.status
        except urllib.error.HTTPError as e:
            return e.code
        except (urllib.error.URLError, OSError) as e:
            raise base.QosError(detail='%s %s: %s' % (method, url, e)) from e

    def reserve(self, plan_id, pipes):
        url = self._url(plan_id)
        status = self._send('PUT', url, {'plan_id': plan_id,
                                         'pipes': list(pipes)})
        if not 200 <= status < 300:
            raise base.QosError(detail='PUT %s answered %d' % (url, status))
        LOG.info('QoS: reserved %d pipes of plan %s', len(pipes), plan_id)

    def release(self, plan_id):
        url = self._url(plan_id)
        status = self._send('DELETE', url)
        if status != 404 and not 200 <= status < 300:
            raise base.QosError(detail='DELETE %s answered %d'
                                % (url, status))
