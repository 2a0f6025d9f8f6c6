"""Jitsi Meet rooms entered with a JSON Web Token (RFC 7519) signed HS256 with the application secret.

The server (Prosody's token authentication, ``app_id`` and ``app_secret``) checks the signature,
``iss`` (the application id), ``aud``, ``sub`` (the domain), ``room``, ``nbf`` and ``exp``, and reads
``context.user``: its ``name``, ``id`` and ``moderator`` (and ``affiliation``, for the server's
``token_affiliation`` module, with Jicofo's auto-owner off: see docs/deployment.md). Teachers get
``moderator: true`` and ``owner``; a pupil's token says false and ``member``, never another role.
The room is host-first (the server's ``muc_wait_for_host``: nobody is in before a teacher) and its
lobby is on (``context.room.lobby_autostart``, read by the lobby module, and ``lobby_bypass`` for
teachers only), so pupils wait to be let in.

A Jitsi room exists when its first person enters: opening one is making its name, with no call.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import datetime
from typing import Any
from urllib.parse import quote

from twinning.meetings.rooms import Participant, RoomRequest, origin_of


def b64url(data: bytes) -> str:
    """Base64url without padding (RFC 7515, section 2)."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def sign_hs256(header: bytes, payload: bytes, secret: bytes) -> str:
    """A compact JWS of these exact header and payload octets, signed with HMAC SHA-256."""
    signing_input = f"{b64url(header)}.{b64url(payload)}"
    signature = hmac.new(secret, signing_input.encode("ascii"), hashlib.sha256).digest()
    return f"{signing_input}.{b64url(signature)}"


def encode(claims: dict[str, Any], secret: str) -> str:
    header = json.dumps({"alg": "HS256", "typ": "JWT"}, separators=(",", ":")).encode()
    payload = json.dumps(claims, separators=(",", ":"), ensure_ascii=False).encode()
    return sign_hs256(header, payload, secret.encode())


class Jitsi:
    kind = "jitsi"
    separates_roles = True

    def __init__(self, *, domain: str, app_id: str, secret: str, audience: str = "jitsi") -> None:
        self.domain = domain.strip().removeprefix("https://").strip("/")
        self.app_id = app_id
        self.secret = secret
        self.audience = audience

    def room_name(self, room: RoomRequest) -> str:
        return room.room_id.lower()  # Jitsi lowercases room names

    def claims(self, room: RoomRequest, person: Participant) -> dict[str, Any]:
        moderator = bool(person.moderator)
        return {
            "aud": self.audience,
            "iss": self.app_id,
            "sub": self.domain,
            "room": self.room_name(room),
            "nbf": int(room.opens_at.timestamp()),
            "exp": int(room.ends_at.timestamp()),
            "context": {
                "user": {
                    "id": person.id,
                    "name": person.name,
                    "moderator": moderator,
                    "affiliation": "owner" if moderator else "member",
                    "lobby_bypass": moderator,
                },
                "room": {"lobby_autostart": True},
                "features": {"recording": moderator and room.record, "livestreaming": False, "transcription": False},
            },
        }

    def token(self, room: RoomRequest, person: Participant) -> str:
        return encode(self.claims(room, person), self.secret)

    def open(self, room: RoomRequest) -> None:
        """Nothing to call: the room is made by the first teacher who enters (host first)."""

    def join_url(self, room: RoomRequest, person: Participant, *, now: datetime) -> str:
        address = f"https://{self.domain}/{quote(self.room_name(room))}?jwt={self.token(room, person)}"
        if person.moderator:
            return address
        # Pupils start with camera and microphone off; the teacher asks them to switch on.
        return f"{address}#config.startWithAudioMuted=true&config.startWithVideoMuted=true"

    def origin(self, room: RoomRequest) -> str:
        return origin_of(f"https://{self.domain}/")

    def end(self, room_id: str) -> None:
        """A Jitsi room ends when its last person leaves and its tokens expire at the meeting's end."""
