"""The compatibility host-name convention that encodes a host's rack."""
import re

# <3 letters><digits>r<digits><node char><digits>, e.g. pdk15r05c001: the
# rack is everything before the node part (pdk15r05).
_RACK_CONVENTION = re.compile(r'^([A-Za-z]{3}\d+r\d+)[A-Za-z]\d+$')


def rack_from_host_name(name):
    """The rack a host name encodes, or None if it follows no convention."""
    match = _RACK_CONVENTION.match(name)
    return match.group(1) if match else None
