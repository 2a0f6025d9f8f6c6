"""Addresses of the site's pages, reversed once and kept: what a page draws many times over.

A workspace page links to its nine tabs, the forum's latest threads and the feed's plan and gallery:
some fifteen `reverse()` calls a page, each a walk of the URL patterns, for addresses that never
change while the site runs. `address(name, *args)` reverses an address once for its name and
arguments (ids), the address prefix and the URL configuration, and keeps it. An address is the same
for everyone (no person's data, only ids that the page's access rules have already let through);
the kept ones are bounded, and forgotten when a test changes the URLs.
"""

from functools import lru_cache

from django.core.signals import setting_changed
from django.urls import get_script_prefix, get_urlconf, reverse

# A few workspaces' worth per process, kept in the order last used.
MAX_KEPT = 4096


@lru_cache(maxsize=MAX_KEPT)
def _reversed(name: str, args: tuple, prefix: str, urlconf) -> str:
    # The prefix is in the key: reverse() reads the current one itself.
    return reverse(name, args=args, urlconf=urlconf)


def address(name: str, *args: int | str) -> str:
    """`reverse(name, args=args)`, reversed once and kept."""
    return _reversed(name, args, get_script_prefix(), get_urlconf())


def _forget(*, setting, **kwargs) -> None:
    if setting in {"ROOT_URLCONF", "INSTALLED_APPS", "FORCE_SCRIPT_NAME"}:
        _reversed.cache_clear()


setting_changed.connect(_forget)
