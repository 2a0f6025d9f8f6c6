"""An import of schools and teachers from a spreadsheet, and the invitations it sends.

An `ImportFile` is a checked file waiting for its "Import" (the dry run's page reads its `plan`),
then the record of what it created. Each imported teacher gets an `Invitation`: an e-mail with a
link to set their password, valid `ONBOARDING_INVITATION_DAYS` days, sent again on request.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ImportFile(models.Model):
    class Status(models.TextChoices):
        CHECKED = "checked", _("Checked, not imported yet")
        QUEUED = "queued", _("Being imported")
        IMPORTED = "imported", _("Imported")

    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    # Exactly one: an NSO's import (schools of its countries) or a programme's (schools join it).
    nso = models.ForeignKey("schools.NSO", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    programme = models.ForeignKey(
        "schools.Programme", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    filename = models.CharField(_("file"), max_length=200)
    # The checked file, kept until it is imported (then removed: the rows it made are the record).
    file = models.FileField(max_length=300, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.CHECKED)
    # What the dry run found: counts, and the schools offered for merging (see services.check_file).
    plan = models.JSONField(default=dict)
    # What the import did: counts.
    result = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("checked"), default=timezone.now)
    imported_at = models.DateTimeField(_("imported"), null=True, blank=True)

    class Meta:
        verbose_name = _("import of schools and teachers")
        verbose_name_plural = _("imports of schools and teachers")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(nso__isnull=False, programme__isnull=True) | Q(nso__isnull=True, programme__isnull=False),
                name="import_for_an_nso_or_a_programme",
            )
        ]

    def __str__(self) -> str:
        return self.filename

    @property
    def scope(self):
        return self.nso or self.programme


class Invitation(models.Model):
    """An imported teacher's way in: a signed link to set their password, until `expires_at`.

    `sends` counts the e-mails: the link carries it, so an e-mail sent again replaces the one before.
    `sent_at` is empty while the e-mail waits in the queue."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="invitations")
    source = models.ForeignKey(ImportFile, null=True, on_delete=models.SET_NULL, related_name="invitations")
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    sends = models.PositiveSmallIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["pk"]
        indexes = [models.Index(fields=["source", "accepted_at", "expires_at"])]

    def __str__(self) -> str:
        return str(self.user)

    class State(models.TextChoices):
        WAITING = "waiting", _("Waiting in the queue")
        SENT = "sent", _("Sent")
        ACCEPTED = "accepted", _("Accepted")
        EXPIRED = "expired", _("Expired")

    @property
    def state(self) -> str:
        if self.accepted_at is not None:
            return self.State.ACCEPTED
        if self.expires_at <= timezone.now():
            return self.State.EXPIRED
        return self.State.SENT if self.sent_at is not None else self.State.WAITING

    @property
    def state_label(self) -> str:
        return str(self.State(self.state).label)
