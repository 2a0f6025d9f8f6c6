"""Quality labels: a teacher's application for a twinning, the NSO's evaluations, the labels awarded;
the school label; and the awards of the national conference."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from twinning.common.i18n import pick


class Application(models.Model):
    """A teacher asks their NSO for the national quality label for one twinning they took part in."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Waiting for evaluation")
        AWARDED = "awarded", _("Label awarded")
        NOT_AWARDED = "not_awarded", _("Not awarded this time")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    COUNTED = (Status.SUBMITTED, Status.AWARDED, Status.NOT_AWARDED)

    twinning = models.ForeignKey("twinnings.Twinning", on_delete=models.CASCADE, related_name="label_applications")
    teacher = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="label_applications")
    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="label_applications")
    school_year = models.PositiveSmallIntegerField(_("school year"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    eligibility = models.JSONField(default=dict)  # code → True, for each of rubric.ELIGIBILITY
    texts = models.JSONField(default=dict)  # criterion code → what the teacher wrote about it
    evidence_pages = models.ManyToManyField("workspace.Page", blank=True, related_name="+")
    evidence_threads = models.ManyToManyField("workspace.Thread", blank=True, related_name="+")
    evidence_media = models.ManyToManyField("workspace.MediaItem", blank=True, related_name="+")
    evidence_meetings = models.ManyToManyField("meetings.Meeting", blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    score = models.FloatField(null=True, blank=True)  # the mean total when decided
    feedback = models.TextField(_("feedback to the teacher"), blank=True, max_length=4000)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["teacher", "twinning"], condition=~Q(status="withdrawn"), name="one_application_per_twinning"
            )
        ]
        indexes = [
            models.Index(fields=["status", "school_year"]),
            models.Index(fields=["teacher", "school_year"]),
            # The evaluators' queue pages by key in this order, oldest first.
            models.Index(fields=["status", "submitted_at", "id"], name="application_queue_order"),
        ]

    def __str__(self) -> str:
        return f"label application {self.pk}"


class Evaluation(models.Model):
    """One NSO evaluator's points for an application, per sub-criterion (see `rubric.SUBS`)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="evaluations")
    evaluator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    scores = models.JSONField(default=dict)
    comment = models.TextField(_("comment"), blank=True, max_length=4000)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["application", "evaluator"], name="one_evaluation_per_evaluator")
        ]

    def __str__(self) -> str:
        return f"evaluation of {self.application_id}"


class Label(models.Model):
    class Kind(models.TextChoices):
        NATIONAL = "national", _("National Quality Label")
        INTERNATIONAL = "international", _("International Quality Label")
        SCHOOL = "school", _("Twinning School Label")

    kind = models.CharField(_("label"), max_length=14, choices=Kind.choices)
    school_year = models.PositiveSmallIntegerField(_("school year"))
    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="labels")
    teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="labels"
    )
    twinning = models.ForeignKey(
        "twinnings.Twinning", null=True, blank=True, on_delete=models.SET_NULL, related_name="labels"
    )
    application = models.ForeignKey(Application, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    score = models.FloatField(null=True, blank=True)
    awarded_at = models.DateTimeField(default=timezone.now)
    awarded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-school_year", "kind", "pk"]
        constraints = [
            # A label is awarded once: per application (national), per holder and twinning (international),
            # per school and year (school label).
            models.UniqueConstraint(
                fields=["kind", "teacher", "twinning"], condition=Q(kind="international"), name="international_once"
            ),
            models.UniqueConstraint(
                fields=["kind", "school", "school_year"], condition=Q(kind="school"), name="school_label_once"
            ),
            models.UniqueConstraint(fields=["application"], condition=Q(kind="national"), name="national_once"),
        ]
        indexes = [
            models.Index(fields=["kind", "school_year"]),
            models.Index(fields=["school", "kind"]),
            # The international labels page by key in this order, latest year first.
            models.Index(fields=["kind", "-school_year", "id"], name="label_list_order"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.school_year}"


class SchoolLabelRequest(models.Model):
    """A principal asks for the school label, declaring the school's commitment; the NSO decides."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Waiting for the NSO")
        AWARDED = "awarded", _("Awarded")
        REFUSED = "refused", _("Not awarded")

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="label_requests")
    school_year = models.PositiveSmallIntegerField(_("school year"))
    principal = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    declaration = models.TextField(_("the principal's declaration"), max_length=4000)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.SUBMITTED)
    submitted_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(_("reason"), blank=True, max_length=2000)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["school", "school_year"], name="one_school_label_request_a_year")
        ]

    def __str__(self) -> str:
        return f"school label request {self.pk}"


class AwardCategory(models.Model):
    """A category of the NSO's national conference awards, e.g. "Best project in the sciences"."""

    nso = models.ForeignKey("schools.NSO", on_delete=models.CASCADE, related_name="award_categories")
    school_year = models.PositiveSmallIntegerField(_("school year"))
    names = models.JSONField(_("name"), default=dict, help_text=_("In one or more of the site's languages."))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-school_year", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return pick(self.names)


class Nomination(models.Model):
    """A labelled project nominated in a category; the NSO names the winners at the conference."""

    category = models.ForeignKey(AwardCategory, on_delete=models.CASCADE, related_name="nominations")
    label = models.ForeignKey(Label, on_delete=models.CASCADE, related_name="nominations")
    reason = models.TextField(_("why it is nominated"), max_length=2000)
    winner = models.BooleanField(_("winner"), default=False)
    nominated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    nominated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["category", "label"], name="nominated_once_per_category")]

    def __str__(self) -> str:
        return f"nomination {self.pk}"
