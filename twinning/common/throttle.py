"""Failures counted per client in the cache, to slow a guessing script down without locking people out.

The counts live in the default cache: each process's memory in the embedded set-up, and shared by
every process and machine once a shared cache is configured (``TWINNING_CACHE_URL``), so the limit
then holds however many web workers there are. Only failures are counted: whoever succeeds is never
slowed down, so a whole school behind one address is not punished for one pupil's typing.
"""

import ipaddress
from dataclasses import dataclass

from django.core.cache import cache

from twinning.common import net


def client_address(request) -> str:
    """Who is asking, as the sign-in throttle sees them (the real client behind the proxies this
    deployment trusts, see `common.net`). An IPv6 client is its /64 network: one household or
    office gets a whole /64 and could otherwise pick a new address for every try."""
    address = net.client_address(request)
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(parsed, ipaddress.IPv6Address):
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return str(parsed)


@dataclass(frozen=True)
class FailureLimit:
    """At most `limit` failures per client in `window` seconds, counted from the first failure; once
    they are used up the client waits for the window to end (the cool-off)."""

    name: str
    limit: int
    window: int

    def _key(self, request) -> str:
        return f"failures:{self.name}:{client_address(request)}"

    def exceeded(self, request) -> bool:
        return (cache.get(self._key(request)) or 0) >= self.limit

    def record_failure(self, request) -> None:
        key = self._key(request)
        # `add` starts the window only if none is running; `incr` keeps the window's end as it is.
        cache.add(key, 0, timeout=self.window)
        try:
            cache.incr(key)
        except ValueError:  # the window ended between the two calls
            cache.set(key, 1, timeout=self.window)

    @property
    def minutes(self) -> int:
        return max(1, self.window // 60)
