"""Reading offline: which pages the service worker may keep on a person's device, and for whom.

The service worker (`common/templates/common/sw.js`, served at `/sw.js`) keeps a copy of a page
only when the page says so: a view wrapped in `offline_readable` answers a signed-in person with
`Offline-Keep: <key>`, an opaque key of that person. The worker keeps the copy under that key, and
when a page names another key (someone else signed in on a shared phone) it drops every other
person's copies. Signing out clears them all (`clear_site_data`). Pages a view marks `no-store`
are never kept. See docs/architecture.md, "Offline reading and writing".
"""

from functools import wraps

from django.utils.crypto import salted_hmac

HEADER = "Offline-Keep"
# Sent by the service worker when it fetches a page ahead of time, not because someone opened it:
# such a visit does not count as reading it (the feed's "new" marks stay).
PREFETCH_HEADER = "Purpose"


def device_key(user) -> str:
    """The name of a person's offline copies on a device: stable for them, meaningless to anyone else."""
    return salted_hmac("twinning.offline.device_key", str(user.pk)).hexdigest()[:24]


def is_prefetch(request) -> bool:
    return request.headers.get(PREFETCH_HEADER, "").lower() == "prefetch"


def offline_readable(view):
    """A page the service worker may keep for the signed-in person who opened it, to read offline.

    Only a successful page read (GET, 200) is marked. It is `private` (no shared cache keeps it)
    and `no-cache` (the browser asks again each time it is online). A prefetch (`is_prefetch`)
    changes no cookie.
    """

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if is_prefetch(request):
            # A page fetched in the background never sets the form-token cookie: its answer could
            # otherwise arrive after the page the person is using and outdate that page's forms.
            request.META["CSRF_COOKIE_NEEDS_UPDATE"] = False
        kept = request.method == "GET" and response.status_code == 200 and request.user.is_authenticated
        if kept and "no-store" not in response.get("Cache-Control", ""):
            response["Cache-Control"] = "private, no-cache"
            response[HEADER] = device_key(request.user)
        return response

    return wrapped


def clear_site_data(view):
    """Signing out: the browser drops every page, draft and offline copy this site kept on the device."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if request.method == "POST":
            response["Clear-Site-Data"] = '"cache", "storage"'
        return response

    return wrapped
