"""What coordinators keep about the twinnings in their care: daily health, nudges sent, the guidance log."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from twinning.schools.models import Programme, School
from twinning.twinnings.models import Twinning


class State(models.TextChoices):
    THRIVING = "thriving", _("Thriving")
    ATTENTION = "attention", _("Needs attention")
    SILENT = "silent", _("Silent")
    CLOSED = "closed", _("Closed")


class NudgePolicy(models.Model):
    """How long a programme lets a school stay silent before reminding it, and before alerting its coordinator."""

    programme = models.OneToOneField(Programme, on_delete=models.CASCADE, related_name="nudge_policy")
    remind_after_days = models.PositiveSmallIntegerField(_("remind a silent school after (days)"), default=14)
    alert_after_days = models.PositiveSmallIntegerField(_("alert the coordinator after (days)"), default=28)

    def __str__(self) -> str:
        return f"policy of {self.programme_id}"


class TwinningHealth(models.Model):
    """The daily health of one twinning, read by the caseload dashboard (computed by `compute_health`)."""

    twinning = models.OneToOneField(Twinning, on_delete=models.CASCADE, related_name="health")
    state = models.CharField(_("state"), max_length=10, choices=State.choices)
    reasons = models.JSONField(default=list)
    silent_days = models.PositiveIntegerField(_("days since the quietest school's last activity"), default=0)
    quietest_school = models.ForeignKey(School, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    last_activity = models.JSONField(default=dict)  # school id → ISO time of its last activity (or null)
    median_reply_hours = models.FloatField(null=True, blank=True)
    # School id → the median hours that school took to answer the other in the forum (schools that did).
    answer_hours = models.JSONField(default=dict, blank=True)
    overdue = models.PositiveIntegerField(default=0)
    pending = models.PositiveIntegerField(default=0)
    next_meeting = models.DateTimeField(null=True, blank=True)
    last_meeting = models.DateTimeField(null=True, blank=True)
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["state", "silent_days"])]

    def __str__(self) -> str:
        return f"{self.twinning_id}: {self.state}"


class Nudge(models.Model):
    """A reminder or alert sent by the daily job. `key` names the event, so the same one is never sent twice."""

    class Kind(models.TextChoices):
        REMINDER = "reminder", _("Reminder to a silent school")
        ALERT = "alert", _("Alert to the coordinator")
        CONTACT = "contact", _("Principal asked to name a contact")

    key = models.CharField(max_length=120, unique=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    twinning = models.ForeignKey(Twinning, on_delete=models.CASCADE, related_name="nudges")
    school = models.ForeignKey(School, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-sent_at", "-pk"]
        indexes = [models.Index(fields=["twinning", "-sent_at"])]

    def __str__(self) -> str:
        return self.key


class GuidanceEntry(models.Model):
    """A coordinator's note on a twinning: a call, a visit, a note or a next step.

    Only coordinators and NSO staff read it, never the twinning's teachers.
    """

    class Kind(models.TextChoices):
        CALL = "call", _("Call")
        VISIT = "visit", _("Visit")
        NOTE = "note", _("Note")
        NEXT_STEP = "next_step", _("Next step")

    twinning = models.ForeignKey(Twinning, on_delete=models.CASCADE, related_name="guidance")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.NOTE)
    text = models.TextField(_("what happened or what is next"), max_length=4000)
    happened_on = models.DateField(_("date"), default=timezone.localdate)
    due_on = models.DateField(_("due by"), null=True, blank=True)
    done = models.BooleanField(_("done"), default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-happened_on", "-pk"]
        indexes = [models.Index(fields=["twinning", "-happened_on"])]

    def __str__(self) -> str:
        return f"{self.kind} on {self.twinning_id}"
