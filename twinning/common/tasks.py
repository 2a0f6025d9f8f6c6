"""Background jobs shared by every app."""

from huey.contrib.djhuey import db_task

from twinning.common.models import Notification
from twinning.common.notifications import email_notification


@db_task()
def email_notifications(ids: list[int]) -> None:
    for notification in Notification.objects.filter(pk__in=ids).select_related("recipient"):
        email_notification(notification)
