"""OpenStack-style microversions of the v1 API.

A client asks for a version with ``OpenStack-API-Version:
placement-optimizer 1.1`` (or ``latest``); without the header it gets 1.0,
which stays exactly as DESIGN §4 so Valet 1.0 clients work unchanged.
Every response says which version answered (``OpenStack-API-Version`` and
``Vary``), errors included.

Version history:

    1.0 - DESIGN §4, as Valet 1.0 served it.
    1.1 - List endpoints (groups, plans, placements) page with ``limit`` and
          ``marker`` (a ``<name>_links`` "next" link when a page is full)
          and filter on their own fields; unknown query parameters are a
          400 instead of being ignored (groups, plans) or taken as metadata
          filters (placements: ``limit`` and ``marker`` are reserved).
          ``GET /`` and ``GET /v1`` add ``min_version`` and ``max_version``.
"""
import re

from valet.api import fault

SERVICE_TYPE = 'placement-optimizer'
HEADER = 'OpenStack-API-Version'
ENV_KEY = 'valet.microversion'

VERSIONS = ('1.0', '1.1')

_VERSION_RE = re.compile(r'^(0|[1-9]\d*)\.(0|[1-9]\d*)$')


class Version(tuple):
    """(major, minor), comparable; ``str()`` is ``"1.1"``."""

    def __new__(cls, major, minor):
        return super().__new__(cls, (major, minor))

    @classmethod
    def parse(cls, text):
        match = _VERSION_RE.match(text)
        if match is None:
            raise ValueError(text)
        return cls(int(match.group(1)), int(match.group(2)))

    def __str__(self):
        return '%d.%d' % self

    def matches(self, minimum, maximum=None):
        """Whether minimum <= self <= maximum (strings or Versions)."""
        low = Version.parse(minimum) if isinstance(minimum, str) else minimum
        if self < low:
            return False
        if maximum is None:
            return True
        high = Version.parse(maximum) if isinstance(maximum, str) else maximum
        return self <= high


MIN_VERSION = Version.parse(VERSIONS[0])
MAX_VERSION = Version.parse(VERSIONS[-1])


class VersionError(ValueError):
    def __init__(self, code, message):
        super().__init__(message)
        self.code = code
        self.message = message


def _requested(header_values):
    """Our service's entry of the (comma-separated) header, or None."""
    for item in ','.join(header_values).split(','):
        parts = item.strip().split(None, 1)
        if len(parts) == 2 and parts[0].lower() == SERVICE_TYPE:
            return parts[1].strip()
    return None


def from_environ(environ):
    """The version a request asks for (MIN_VERSION if it does not ask)."""
    raw = environ.get('HTTP_OPENSTACK_API_VERSION')
    requested = _requested([raw]) if raw else None
    if requested is None:
        return MIN_VERSION
    if requested.lower() == 'latest':
        return MAX_VERSION
    try:
        version = Version.parse(requested)
    except ValueError:
        raise VersionError(400, 'Invalid %s header %r: expected "%s '
                                '<major>.<minor>" or "%s latest".'
                           % (HEADER, raw, SERVICE_TYPE, SERVICE_TYPE)
                           ) from None
    if not version.matches(MIN_VERSION, MAX_VERSION):
        raise VersionError(406, 'Version %s of %s is not supported: the '
                                'minimum is %s and the maximum is %s.'
                           % (version, SERVICE_TYPE, MIN_VERSION,
                              MAX_VERSION))
    return version


def of(req):
    """The Version of a webob request (set by MicroversionMiddleware)."""
    return req.environ.get(ENV_KEY, MIN_VERSION)


def _headers(version):
    return [(HEADER, '%s %s' % (SERVICE_TYPE, version)),
            ('Vary', HEADER)]


class MicroversionMiddleware:
    """Parse the requested version into the environ; stamp the answering
    version on every response (406 names the supported range)."""

    def __init__(self, application):
        self.application = application

    def __call__(self, environ, start_response):
        try:
            version = from_environ(environ)
        except VersionError as exc:
            body = fault.error_body(exc.code, fault.title(exc.code),
                                    exc.message, 'invalid_version')
            resp = fault.json_response(exc.code, body, _headers(MIN_VERSION))
            return resp(environ, start_response)
        environ[ENV_KEY] = version
        stamp = _headers(version)
        names = {name.lower() for name, _ in stamp}

        def stamping_start_response(status, headers, exc_info=None):
            # Replaces any value the application set for these headers.
            headers = [(name, value) for name, value in headers
                       if name.lower() not in names] + stamp
            return start_response(status, headers, exc_info)
        return self.application(environ, stamping_start_response)
