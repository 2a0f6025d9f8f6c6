"""Video rooms for live meetings: one interface, one small module per provider.

The platform opens a room for each confirmed meeting through the provider its programme uses
(``settings.VIDEO_PROVIDERS``, read from the environment, see docs/deployment.md):

- ``bigbluebutton``: rooms made through BigBlueButton's checksum-signed API (`bigbluebutton.py`);
- ``jitsi``: Jitsi Meet rooms entered with a JWT signed by the platform (`jitsi.py`);
- ``link``: the link a teacher typed, as before (`link.py`), when nothing else is configured.

Plain Python over plain data: no ORM, no request. The meetings services turn a meeting into a
`RoomRequest` and a person into a `Participant`; a provider that cannot do what is asked raises
`RoomError`, which the services record and show as "room not ready, try again".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol
from urllib.parse import urlsplit


class RoomError(Exception):
    """The provider did not open the room or the way in: unreachable, refused, or not configured.

    `reason` is one of UNREACHABLE, REFUSED, NOT_CONFIGURED (what the page says, translated);
    the text is the technical detail for the log and the room's record.
    """

    UNREACHABLE = "unreachable"
    REFUSED = "refused"
    NOT_CONFIGURED = "not_configured"

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True)
class RoomRequest:
    """What a provider needs to open a room: our unguessable id, the meeting's title and times."""

    room_id: str
    title: str
    starts_at: datetime
    ends_at: datetime
    opens_at: datetime  # from when people may come in
    record: bool  # recording allowed: the meeting is to be recorded and every pupil's family agreed
    return_url: str  # where people land when they leave the room
    link: str = ""  # the link a teacher typed (the ``link`` provider's only room)


@dataclass(frozen=True)
class Participant:
    """A person coming in: a pseudonymous id, the name shown in the room, and their role."""

    id: str
    name: str
    moderator: bool


class Provider(Protocol):
    kind: str
    # True when the provider gives each person their own way in with their own role, so pupils
    # may be sent in as attendees; a shared link (``link``) gives everyone the same address.
    separates_roles: bool

    def open(self, room: RoomRequest) -> None:
        """Make sure the room exists with its settings (doing it twice has the effect of once)."""
        ...

    def join_url(self, room: RoomRequest, person: Participant, *, now: datetime) -> str:
        """The address that takes this person into the room, with their role (no network call)."""
        ...

    def end(self, room_id: str) -> None:
        """Close the room, sending everyone out (a room that is not running is no error)."""
        ...

    def origin(self, room: RoomRequest) -> str:
        """Where the join addresses lead (scheme and host), for the page's form-action policy."""
        ...


def origin_of(address: str) -> str:
    """``https://host[:port]`` of an address, or "" when it is not a plain http(s) address."""
    parts = urlsplit(address)
    if parts.scheme not in ("https", "http") or not parts.netloc or any(c in parts.netloc for c in " ;,'\"@"):
        return ""
    return f"{parts.scheme}://{parts.netloc}"


KINDS = ("link", "bigbluebutton", "jitsi")


def kind_for(programme_slug: str | None, config: Mapping[str, Any]) -> str:
    """The provider kind of a programme: its own override, else the network's default, else ``link``."""
    overrides = config.get("programmes") or {}
    kind = (overrides.get(programme_slug) if programme_slug else None) or config.get("default") or "link"
    return str(kind)


def provider_named(kind: str, config: Mapping[str, Any]) -> Provider:
    """The provider of that kind, built from its settings; RoomError when they are missing."""
    timeout = float(config.get("timeout", 5))
    if kind == "bigbluebutton":
        from twinning.meetings.rooms.bigbluebutton import BigBlueButton  # here: each provider loads only when chosen

        options = config.get("bigbluebutton") or {}
        if not options.get("url") or not options.get("secret"):
            raise RoomError(RoomError.NOT_CONFIGURED, "BigBlueButton has no URL or shared secret configured.")
        return BigBlueButton(
            url=options["url"], secret=options["secret"], checksum=options.get("checksum", "sha1"), timeout=timeout
        )
    if kind == "jitsi":
        from twinning.meetings.rooms.jitsi import Jitsi  # here: each provider loads only when chosen

        options = config.get("jitsi") or {}
        if not options.get("domain") or not options.get("app_id") or not options.get("secret"):
            raise RoomError(RoomError.NOT_CONFIGURED, "Jitsi has no domain, application id or secret configured.")
        return Jitsi(
            domain=options["domain"],
            app_id=options["app_id"],
            secret=options["secret"],
            audience=options.get("audience") or "jitsi",
        )
    if kind == "link":
        from twinning.meetings.rooms.link import TypedLink  # here: each provider loads only when chosen

        return TypedLink()
    raise RoomError(RoomError.NOT_CONFIGURED, f"Unknown video provider {kind!r}.")
