"""BigBlueButton through its API: every call signed with a checksum of the call, its query and the secret.

The checksum (BigBlueButton API reference, "Usage"): the hex SHA-1 (or SHA-256, SHA-384, SHA-512 when
the server is configured for it) of the call's name, then its query string without the checksum,
then the shared secret, appended to the query as ``checksum``.

A room keeps pupils safe by its settings, not by the teacher's clicks:
- pupils join as guests (``guest=true``) of a room whose ``guestPolicy`` is ASK_MODERATOR: they wait
  in the lobby until a teacher lets them in;
- no private chat (``lockSettingsDisablePrivateChat``), and the pupils' cameras and microphones are
  locked (``lockSettingsDisableCam``/``lockSettingsDisableMic``, applied as they join): the teacher
  unlocks them in the room; everyone starts muted and a pupil's camera is seen by the teachers only
  (``webcamsOnlyForModerator``);
- ``record`` and ``allowStartStopRecording`` are true only when the room may be recorded.

``create`` on a room that exists answers SUCCESS (``duplicateWarning``) with the same room, so it is
called again before each way in is given: a server that forgot an empty room makes it again. A room's
settings cannot change once made, so whether it records is part of its BigBlueButton id: when a family
takes back its consent, the next person to enter is sent to a room that does not record, never to the
one made while everyone agreed.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from urllib.parse import urlencode
from xml.etree import ElementTree  # nosec B405  # answers of the configured server only, never of a user

from twinning.meetings.rooms import Participant, RoomError, RoomRequest, http, origin_of

ALGORITHMS = ("sha1", "sha256", "sha384", "sha512")


def checksum(call: str, query: str, secret: str, algorithm: str = "sha1") -> str:
    """The checksum of an API call as BigBlueButton computes it."""
    if algorithm not in ALGORITHMS:
        raise RoomError(RoomError.NOT_CONFIGURED, f"BigBlueButton checksum {algorithm!r} is not one of {ALGORITHMS}.")
    return hashlib.new(algorithm, f"{call}{query}{secret}".encode()).hexdigest()


def _flag(value: bool) -> str:
    return "true" if value else "false"


class BigBlueButton:
    kind = "bigbluebutton"
    separates_roles = True

    def __init__(self, *, url: str, secret: str, checksum: str = "sha1", timeout: float = 5.0) -> None:
        base = url.rstrip("/")
        self.api = base if base.endswith("/api") else f"{base}/api"
        self.secret = secret
        self.algorithm = checksum
        self.timeout = timeout

    def signed(self, call: str, params: dict[str, str]) -> str:
        """The full address of a call, its query signed."""
        query = urlencode(params)
        return f"{self.api}/{call}?{query}&checksum={checksum(call, query, self.secret, self.algorithm)}"

    @staticmethod
    def meeting_id(room: RoomRequest) -> str:
        return f"{room.room_id}-rec" if room.record else room.room_id

    def create_params(self, room: RoomRequest) -> dict[str, str]:
        return {
            "name": room.title,
            "meetingID": self.meeting_id(room),
            "record": _flag(room.record),
            "allowStartStopRecording": _flag(room.record),
            "autoStartRecording": "false",
            "guestPolicy": "ASK_MODERATOR",
            "lockSettingsDisablePrivateChat": "true",
            "lockSettingsDisableCam": "true",
            "lockSettingsDisableMic": "true",
            "lockSettingsLockOnJoin": "true",
            "lockSettingsLockOnJoinConfigurable": "false",
            "webcamsOnlyForModerator": "true",
            "muteOnStart": "true",
            "allowModsToUnmuteUsers": "true",
            "allowModsToEjectCameras": "true",
            "logoutURL": room.return_url,
        }

    def _call(self, call: str, params: dict[str, str]) -> ElementTree.Element:
        body = http.get(self.signed(call, params), timeout=self.timeout)
        try:
            answer = ElementTree.fromstring(body)  # noqa: S314  # nosec B314  # the configured server's answer
        except ElementTree.ParseError as error:
            raise RoomError(RoomError.REFUSED, f"BigBlueButton's answer to {call} is not XML.") from error
        code = (answer.findtext("returncode") or "").strip()
        if code != "SUCCESS":
            key = (answer.findtext("messageKey") or "").strip()
            message = (answer.findtext("message") or "").strip()
            raise RoomError(
                RoomError.REFUSED, f"BigBlueButton refused {call}: {code or 'no returncode'} {key} {message}".strip()
            )
        return answer

    def open(self, room: RoomRequest) -> None:
        self._call("create", self.create_params(room))

    def join_url(self, room: RoomRequest, person: Participant, *, now: datetime) -> str:
        params = {
            "fullName": person.name,
            "meetingID": self.meeting_id(room),
            "role": "MODERATOR" if person.moderator else "VIEWER",
            "userID": person.id,
            "redirect": "true",
        }
        if not person.moderator:
            params["guest"] = "true"  # waits in the lobby (guestPolicy ASK_MODERATOR) until a teacher lets them in
        return self.signed("join", params)

    def origin(self, room: RoomRequest) -> str:
        return origin_of(self.api)

    def running(self, room_id: str) -> bool:
        """Whether people are in the room now (``isMeetingRunning``)."""
        return (self._call("isMeetingRunning", {"meetingID": room_id}).findtext("running") or "") == "true"

    def info(self, room_id: str) -> dict[str, str]:
        """The room's settings as the server holds them (``getMeetingInfo``): top-level fields as text."""
        answer = self._call("getMeetingInfo", {"meetingID": room_id})
        return {child.tag: (child.text or "").strip() for child in answer if len(child) == 0}

    def end(self, room_id: str) -> None:
        """End the room, recorded or not (see `meeting_id`)."""
        for meeting_id in (room_id, f"{room_id}-rec"):
            try:
                self._call("end", {"meetingID": meeting_id})
            except RoomError as error:
                if "notFound" not in error.detail:  # a room nobody opened, or already ended
                    raise
