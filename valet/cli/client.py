"""The REST client of the ``valet`` command: JSON over a keystoneauth1
adapter (service type ``placement-optimizer``), errors as ApiError."""
from keystoneauth1 import exceptions as ks_exc

SERVICE_TYPE = 'placement-optimizer'


class ApiError(Exception):
    """valet-api answered an error (or could not be reached: status 0)."""

    def __init__(self, status, body):
        self.status = status
        self.body = body if isinstance(body, dict) else {}
        error = self.body.get('error') or {}
        self.reason = self.body.get('reason') or error.get('reason')
        super().__init__(error.get('message') or self.body.get(
            'explanation') or 'HTTP %s' % status)


class HttpValet:
    """Calls a valet-api endpoint through a keystoneauth1 Adapter."""

    def __init__(self, adapter, headers=None):
        self.adapter = adapter
        self.headers = dict(headers or {})

    def request(self, method, path, body=None):
        kwargs = {'headers': dict(self.headers), 'raise_exc': False}
        if body is not None:
            kwargs['json'] = body
        try:
            resp = self.adapter.request(path, method, **kwargs)
        except ks_exc.EndpointNotFound as exc:
            raise ApiError(0, {'explanation': 'No %s endpoint in the service '
                                              'catalog (%s); give one with '
                                              '--os-url.' % (SERVICE_TYPE,
                                                             exc)}) from None
        except (ks_exc.ConnectFailure, ks_exc.ConnectTimeout,
                ks_exc.SSLError) as exc:
            # valet-api's, or Keystone's: the message has the URL.
            raise ApiError(0, {'explanation': 'Cannot connect: %s'
                                              % exc}) from None
        except ks_exc.ClientException as exc:
            # Keystone refused the credentials, or they are incomplete.
            raise ApiError(0, {'explanation': 'Authentication failed: %s'
                                              % exc}) from None
        data = None
        if resp.content:
            try:
                data = resp.json()
            except ValueError:
                data = {'explanation': resp.text.strip()[:500]}
        if resp.status_code >= 400:
            raise ApiError(resp.status_code, data)
        return data
