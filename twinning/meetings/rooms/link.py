"""The link a teacher typed, as a provider: the room is the teacher's own video tool.

Everyone with the address enters the same way, so only teachers are sent there; the teacher
brings the class in (``separates_roles`` is False).
"""

from __future__ import annotations

from datetime import datetime

from twinning.meetings.rooms import Participant, RoomError, RoomRequest, origin_of


class TypedLink:
    kind = "link"
    separates_roles = False

    def open(self, room: RoomRequest) -> None:
        """Nothing to make: the teacher's own tool holds the room."""

    def join_url(self, room: RoomRequest, person: Participant, *, now: datetime) -> str:
        if not person.moderator or not room.link:
            raise RoomError(RoomError.REFUSED, "A typed link is for the teachers who run the call.")
        return room.link

    def origin(self, room: RoomRequest) -> str:
        return origin_of(room.link)

    def end(self, room_id: str) -> None:
        """Nothing to close."""
