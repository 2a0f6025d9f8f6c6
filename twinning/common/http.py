from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme


def redirect_back(request, candidate: str, default: str):
    """Redirect to ``candidate`` if it is a page of this site, else to ``default`` (a URL name or path)."""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(candidate)
    return redirect(default)


def posted_ids(request, name: str) -> list[int]:
    """The whole numbers posted under `name`; anything else (a tampered form) is ignored."""
    return [int(value) for value in request.POST.getlist(name) if value.isdigit()]


def posted_id(request, name: str) -> int:
    """The one id posted under `name`, or 0 (which matches nothing) when it is missing or not a number."""
    ids = posted_ids(request, name)
    return ids[0] if ids else 0
