"""Background jobs for meetings: reminders, checked every five minutes by the worker."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from twinning.meetings.services import send_reminders


@db_periodic_task(crontab(minute="*/5"))
def meeting_reminders() -> int:
    return send_reminders()
