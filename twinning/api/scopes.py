"""What a token may do: read or write, per area of the platform.

A scope is ``"<area>:<read|write>"``; write implies read. Pupils hold no token at all.
"""

from django.utils.translation import gettext_lazy as _

AREAS = {
    "schools": _("Schools and their validation"),
    "twinnings": _("Twinnings and their members"),
    "meetings": _("Meetings"),
    "library": _("The activity library"),
    "reports": _("Reports and questionnaires' results"),
}
# Areas where the API writes today; the others are read-only.
WRITABLE = frozenset({"schools", "twinnings"})

READ, WRITE = "read", "write"


def all_scopes() -> list[str]:
    return [f"{area}:{READ}" for area in AREAS] + [f"{area}:{WRITE}" for area in AREAS if area in WRITABLE]


def allows(scopes: list[str], area: str, access: str) -> bool:
    """Whether a token's scopes allow ``access`` (read or write) to ``area``; write implies read."""
    if f"{area}:{WRITE}" in scopes:
        return True
    return access == READ and f"{area}:{READ}" in scopes


def label(scope: str) -> str:
    area, access = scope.split(":")
    if access == WRITE:
        return _("%(area)s: read and change") % {"area": AREAS[area]}
    return _("%(area)s: read") % {"area": AREAS[area]}
