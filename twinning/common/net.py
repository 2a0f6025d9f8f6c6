"""Who is on the other end of a request: the client's own address, even behind reverse proxies.

``X-Forwarded-For`` is written by whoever sends the request, so it is believed only as far as it
was written by proxies this deployment runs (``TRUSTED_PROXIES``, from ``TWINNING_TRUSTED_PROXIES``).
Each proxy appends the address it received the request from; reading from the right, the first
address that is not one of our proxies is the client. Anything further left came from the client
itself and may be made up.
"""

import ipaddress
from functools import lru_cache

from django.conf import settings

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in entries if entry.strip())


def trusted_networks() -> tuple[Network, ...]:
    """The configured proxies as networks; a single address is a network of one."""
    return _networks(tuple(getattr(settings, "TRUSTED_PROXIES", ())))


def parse_address(text: str) -> Address | None:
    """An address as a proxy writes it (``1.2.3.4``, ``1.2.3.4:5678``, ``[2001:db8::1]:443``), or None."""
    text = text.strip()
    if text.startswith("["):  # [IPv6]:port
        text = text[1 : text.find("]")] if "]" in text else ""
    elif text.count(":") == 1:  # IPv4:port
        text = text.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    # An IPv4 client seen through an IPv6 socket is still that IPv4 client.
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _trusted(address: Address | None, networks: tuple[Network, ...]) -> bool:
    return address is not None and any(address in network for network in networks)


def client_address(request) -> str:
    """The address of the person making the request, as text ("" when nothing usable is known)."""
    remote = parse_address(request.META.get("REMOTE_ADDR", ""))
    networks = trusted_networks()
    if not _trusted(remote, networks):
        # Straight from the client (or from a proxy we do not run): the header proves nothing.
        return str(remote) if remote is not None else ""
    hops = [hop for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    nearest = remote
    for hop in reversed(hops):
        address = parse_address(hop)
        if address is None:
            # Our own proxies write well-formed addresses: this one is not theirs, so stop at the
            # last proxy that can be believed.
            break
        if not _trusted(address, networks):
            return str(address)
        nearest = address
    return str(nearest)
