"""Background jobs for meetings: reminders, checked every five minutes by the worker."""

from twinning.common.jobs import every, periodic
from twinning.meetings.services import send_reminders


@periodic("meetings.reminders", every(minutes=5))
def meeting_reminders() -> int:
    return send_reminders()
