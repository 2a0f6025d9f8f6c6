from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    """One recorded decision or change: who did what to which object, when and why.

    Rows are only ever added. The target is stored as a content type and primary key so the
    log can record decisions on any kind of object without a column per kind; it is empty only
    when there is no object to point at (a failed sign-in to an unknown account).
    """

    at = models.DateTimeField(_("when"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=64)
    target_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    target_id = models.PositiveBigIntegerField(null=True, blank=True)
    reason = models.TextField(_("why"), blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        indexes = [
            models.Index(fields=["target_type", "target_id", "at"]),
            # The administrator's log, newest first, paged by key, whole or of one action; and the actions listed for
            # its filter, one index step each (`audit.recorded_actions`).
            models.Index(fields=["at", "id"], name="audit_log_order"),
            models.Index(fields=["action", "at", "id"], name="audit_log_by_action"),
        ]
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        target = f" #{self.target_id}" if self.target_id is not None else ""
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}{target}"


class Notification(models.Model):
    """Something a person should know about, shown in their notification list.

    The text is not stored: `kind` and `params` are, and the sentence is written in the reader's
    language when it is shown (see `common.notifications`).
    """

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=64)
    params = models.JSONField(default=dict, blank=True)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Mail(models.TextChoices):
        # Waiting for the recipient's daily or weekly digest (see `common.digests`).
        PENDING = "pending", _("Waiting for the digest")
        SENT = "sent", _("E-mailed")
        # Not e-mailed: switched off, no address, or no longer the reader's to see when the digest went.
        SKIPPED = "skipped", _("Not e-mailed")

    mail = models.CharField(max_length=10, choices=Mail.choices, default=Mail.SENT)
    # The twinning it happened in, if any: the digest groups by it and checks, when it is sent, that
    # the reader still belongs to it. A plain number, since twinnings sit above this app.
    twinning_id = models.PositiveBigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "read_at", "created_at"]),
            # The person's list, newest first, paged by key (`NOTIFICATION_KEYS` in views).
            models.Index(fields=["recipient", "-created_at", "-id"], name="common_notification_list"),
            # Only the few rows waiting for a digest are indexed, so the digest job finds them at once.
            models.Index(
                fields=["recipient", "created_at"],
                name="common_notification_pending",
                condition=models.Q(mail="pending"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient_id}"


class Job(models.Model):
    """One piece of background work, recorded in the same transaction as the data that asks for it.

    The table is the queue (a transactional outbox): a worker claims a row for a short lease that
    it keeps renewing while the work runs. A worker that dies stops renewing, its lease runs out
    and another worker takes the job again, so committed work runs at least once; each job's work
    is written to be safe to repeat. See `common.jobs`.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    name = models.CharField(_("job"), max_length=100)
    args = models.JSONField(_("arguments"), default=dict, blank=True)
    # At most one job per key, e.g. one per periodic job and time slot, whatever the number of workers.
    key = models.CharField(max_length=200, null=True, blank=True, unique=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    run_at = models.DateTimeField(_("not before"), default=timezone.now)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    max_attempts = models.PositiveSmallIntegerField(_("attempts allowed"), default=5)
    locked_by = models.CharField(_("worker"), max_length=100, blank=True)
    locked_until = models.DateTimeField(_("lease until"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    started_at = models.DateTimeField(_("last started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    # The channel of the request that queued it (e.g. an API token's name), for the job's audit entries.
    via = models.CharField(_("queued through"), max_length=300, blank=True, default="")

    class Meta:
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "run_at"], name="common_job_due"),
            models.Index(fields=["status", "locked_until"], name="common_job_lease"),
        ]

    def __str__(self) -> str:
        return f"{self.name} #{self.pk} ({self.status})"


class WorkerBeat(models.Model):
    """A running worker process, as it last reported itself: who is draining the queue, and since when."""

    name = models.CharField(max_length=100, unique=True)
    hostname = models.CharField(max_length=200)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField(default=timezone.now)
    seen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("worker")
        verbose_name_plural = _("workers")
        ordering = ["-seen_at"]

    def __str__(self) -> str:
        return self.name


class Email(models.Model):
    """One outgoing e-mail, written when it is asked for and delivered by a background job.

    Its own row records whether it was sent, so a job that runs again never sends it twice; its
    Message-ID stays the same on every try, so a receiving server can also tell a repeat.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    # One e-mail per key, e.g. per notification, however often the job that writes it runs.
    key = models.CharField(max_length=200, null=True, blank=True, unique=True)
    message_id = models.CharField(_("Message-ID"), max_length=250)
    from_email = models.CharField(_("from"), max_length=250)
    to = models.JSONField(_("to"), default=list)
    cc = models.JSONField(default=list, blank=True)
    bcc = models.JSONField(default=list, blank=True)
    reply_to = models.JSONField(default=list, blank=True)
    subject = models.CharField(_("subject"), max_length=1000)
    body = models.TextField(_("text"))
    alternatives = models.JSONField(default=list, blank=True)
    headers = models.JSONField(default=dict, blank=True)
    attachments = models.JSONField(default=list, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("e-mail")
        verbose_name_plural = _("e-mails")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "created_at"], name="common_email_status")]

    def __str__(self) -> str:
        return f"{self.subject} → {', '.join(self.to)}"


class DataExport(models.Model):
    """A copy of one person's data that someone asked for: built by a background job into a ZIP,
    downloaded once by whoever asked (the person, or a teacher for a pupil's parent), then removed.

    An export asked for and not yet downloaded is "unsent": the person cannot be erased until it is
    downloaded or has expired, so a parent's request is never lost to an erasure."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Being prepared")
        READY = "ready", _("Ready to download")
        DOWNLOADED = "downloaded", _("Downloaded")
        FAILED = "failed", _("Could not be prepared")

    subject = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.QUEUED)
    file = models.FileField(max_length=300, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    created_at = models.DateTimeField(_("asked"), default=timezone.now)
    ready_at = models.DateTimeField(null=True, blank=True)
    downloaded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("data export")
        verbose_name_plural = _("data exports")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["subject", "status"]), models.Index(fields=["requested_by", "created_at"])]

    def __str__(self) -> str:
        return f"export #{self.pk} ({self.status})"

    @property
    def unsent(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.READY)


class SentOnce(models.Model):
    """A write sent with an idempotency key: the same person sending the same key again (a draft
    written offline and sent twice because the first answer was lost) gets this first answer back
    and writes nothing (see `common.idempotency`)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=64)
    # What the key was used for ("workspace.reply:12"): the same key sent to another form is refused.
    scope = models.CharField(max_length=100)
    # Where the first answer sent the writer: the page showing what was written.
    result_url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("key of a message sent")
        verbose_name_plural = _("keys of messages sent")
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="one_answer_per_key")]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.key}"


class MailSettings(models.Model):
    """How a person wants their notifications e-mailed, kind by kind, and when their digests last went.

    `choices` holds only what the person changed ({kind: "immediate" | "daily" | "weekly" | "off"});
    every other kind follows the defaults for their roles (`common.digests`). `salt` signs their
    unsubscribe links: changing it makes every link already sent stop working."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mail_settings")
    choices = models.JSONField(default=dict, blank=True)
    salt = models.CharField(max_length=32)
    daily_sent_at = models.DateTimeField(null=True, blank=True)
    weekly_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("e-mail settings")
        verbose_name_plural = _("e-mail settings")

    def __str__(self) -> str:
        return f"mail settings of {self.user_id}"
