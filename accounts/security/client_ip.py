"""The client's address, for the sign-in lockout, the public API throttles and the audit log.

Behind a reverse proxy every request comes from the proxy's address, so a lockout by REMOTE_ADDR would lock
a user out for everybody. The proxy's header (X-Forwarded-For by default) names the client, but anyone can
send that header: it is read only when the request's peer is one of TRUSTED_PROXIES, and then from the right,
skipping the trusted proxies' own entries (each proxy appends the address it saw; the leftmost entries are
whatever the client wrote).
"""

import ipaddress
from functools import lru_cache

from django.conf import settings


@lru_cache(maxsize=8)
def _networks(entries):
    return tuple(ipaddress.ip_network(entry) for entry in entries)  # settings hold them normalised


def _address(text):
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def is_trusted_proxy(address):
    networks = _networks(tuple(settings.TRUSTED_PROXIES))
    return address is not None and any(address in network for network in networks)


def client_ip(request):
    """REMOTE_ADDR, or the nearest untrusted address of TRUSTED_PROXY_HEADER when the peer is a trusted proxy."""
    remote = request.META.get("REMOTE_ADDR", "")
    if not is_trusted_proxy(_address(remote)):
        return remote
    meta_key = "HTTP_" + settings.TRUSTED_PROXY_HEADER.upper().replace("-", "_")
    hops = [hop for hop in request.META.get(meta_key, "").split(",") if hop.strip()]
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:
            return remote  # a malformed entry: the chain cannot be followed past it
        if not is_trusted_proxy(address):
            return str(address)
    return remote
