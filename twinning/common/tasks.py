"""Background jobs shared by every app: e-mail delivery, and keeping the job and e-mail tables tidy."""

from datetime import timedelta

from django.utils import timezone

from twinning.common import mail
from twinning.common.files import sweep
from twinning.common.idempotency import forget_old_keys
from twinning.common.jobs import daily, every, job, periodic
from twinning.common.models import Email, Job, Notification, WorkerBeat

# About nine hours of tries (back-off doubling from 15 s up to an hour) before an e-mail is failed.
EMAIL_ATTEMPTS = 12


@job("common.send_email", max_attempts=EMAIL_ATTEMPTS, on_failure=mail.mark_failed)
def send_email(*, email_id: int) -> None:
    mail.deliver(email_id)


@job("common.email_notifications")
def email_notifications(*, ids: list[int]) -> None:
    """Write the e-mail copy of many notifications (e.g. a cohort's proposals); each is keyed by
    its notification, so running this again writes none twice."""
    from twinning.common.notifications import email_notification  # here: notifications imports this module

    for notification in Notification.objects.filter(pk__in=ids).select_related("recipient"):
        email_notification(notification)


@periodic("common.prune_queue", daily(hour=3, minute=10))
def prune_queue() -> dict:
    """Finished jobs after two weeks, sent e-mails after 30 days (they hold addresses and texts),
    failed jobs and e-mails after 90, and workers not seen for a day."""
    now = timezone.now()
    jobs, _ = Job.objects.filter(status=Job.Status.DONE, finished_at__lt=now - timedelta(days=14)).delete()
    sent, _ = Email.objects.filter(status=Email.Status.SENT, sent_at__lt=now - timedelta(days=30)).delete()
    failed, _ = Email.objects.filter(status=Email.Status.FAILED, created_at__lt=now - timedelta(days=90)).delete()
    Job.objects.filter(status=Job.Status.FAILED, created_at__lt=now - timedelta(days=90)).delete()
    WorkerBeat.objects.filter(seen_at__lt=now - timedelta(days=1)).delete()
    return {"jobs": jobs, "sent": sent, "failed": failed}


@periodic("common.sweep_files", daily(hour=3, minute=40))
def sweep_files() -> dict:
    """Stored files that no row names, a day after they were written, are removed (see common.files)."""
    return sweep().as_dict()


def _export_failed(*, export_id: int, error: Exception | None = None, **kwargs) -> None:
    from twinning.common import exports  # here: exports imports this module to queue the job

    exports.mark_failed(export_id=export_id, error=error)


@job("common.build_export", max_attempts=3, on_failure=_export_failed)
def build_export(*, export_id: int) -> None:
    """Write the ZIP of a person's data that someone asked for (see common.exports)."""
    from twinning.common import exports  # here: exports imports this module to queue the job

    exports.build(export_id)


@periodic("common.forget_exports", daily(hour=3, minute=20))
def forget_exports() -> int:
    """Exports older than a week, downloaded or not, are removed with their files."""
    from twinning.common import exports  # here: exports imports this module to queue the job

    return exports.forget_expired()


@periodic("common.forget_sent_keys", daily(hour=3, minute=50))
def forget_sent_keys() -> dict:
    """Idempotency keys of messages sent more than a month ago (see common.idempotency)."""
    return {"keys": forget_old_keys()}


@periodic("common.send_digests", every(minutes=60))
def send_digests() -> dict:
    """Each person's daily and weekly digest, at the hour set in their own time zone (see common.digests)."""
    from twinning.common.digests import (
        send_due_digests,
    )  # here: digests imports notifications, which imports this module

    return send_due_digests()
