"""Background jobs for meetings: reminders, and video rooms a provider did not open at once."""

from django.utils import timezone

from twinning.common.jobs import every, job, periodic
from twinning.meetings.models import Meeting
from twinning.meetings.services import open_room, retry_rooms, send_reminders


class RoomNotReady(Exception):
    """The provider has still not opened the room: the worker tries again later, waiting longer each time."""


@periodic("meetings.reminders", every(minutes=5))
def meeting_reminders() -> int:
    return send_reminders()


@job("meetings.open_room", max_attempts=6)
def open_meeting_room(*, meeting_id: int) -> None:
    """Open a confirmed meeting's room (15 s, 30 s, 1 min... between tries); nothing to do once it is ready."""
    meeting = Meeting.objects.select_related("twinning__programme").filter(pk=meeting_id).first()
    if meeting is None or meeting.status != Meeting.Status.CONFIRMED or meeting.ends_at <= timezone.now():
        return
    room = open_room(meeting=meeting)
    if not room.ready:
        raise RoomNotReady(f"{room.problem}: {room.detail}")


@periodic("meetings.rooms_not_ready", every(minutes=15))
def rooms_not_ready() -> int:
    """A longer outage: every room still not ready is tried again until its meeting ends."""
    return retry_rooms()
