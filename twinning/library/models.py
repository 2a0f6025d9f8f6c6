"""The activity library: activities written by coordinators and teachers, reviewed, versioned, reused.

An `Activity` is the lasting identity (its use count, who started it, whether it is in the
library). Its words live in `Version`s: a new version is written as a draft, sent for review and,
once a reviewer publishes it, becomes the one everybody sees, while the earlier ones stay readable
in its history. The published version keeps showing while a newer one waits for review.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from twinning.common.i18n import NamedInLanguages
from twinning.common.search import Searchable


class Occasion(NamedInLanguages):
    """A day or season an activity suits: Hanukkah, Ramadan, Earth Day, a national day…"""

    code = models.SlugField(_("code"), max_length=40, primary_key=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("occasion")
        verbose_name_plural = _("occasions")
        ordering = ["position", "code"]


class Activity(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Not published yet")
        PUBLISHED = "published", _("Published")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="library_activities"
    )
    # The version everybody sees; empty until the first review publishes one.
    published = models.OneToOneField(
        "Version", null=True, blank=True, on_delete=models.SET_NULL, related_name="published_in"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    # In how many twinnings' plans it has been put (each twinning counted once).
    use_count = models.PositiveIntegerField(_("used in twinnings"), default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("library activity")
        verbose_name_plural = _("library activities")
        indexes = [
            models.Index(fields=["status", "-use_count"]),
            models.Index(fields=["status", "-published_at"]),
        ]

    def __str__(self) -> str:
        return str(self.published or f"#{self.pk}")


class Version(Searchable):
    """One text of an activity, from draft through review to published (and later superseded)."""

    # The library is searched in the published version's title, summary and goals (common/search.py).
    SEARCHED = ("title", "summary", "goals")

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Waiting for review")
        RETURNED = "returned", _("Returned for changes")
        PUBLISHED = "published", _("Published")
        SUPERSEDED = "superseded", _("Replaced by a newer version")

    OPEN = (State.DRAFT, State.SUBMITTED, State.RETURNED)

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField()
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.DRAFT)
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(
        _("summary"), max_length=1000, help_text=_("Two or three sentences: what the classes do.")
    )
    goals = models.TextField(_("goals"), max_length=2000, help_text=_("What the pupils learn, one goal per line."))
    materials = models.TextField(_("materials"), max_length=2000, blank=True, help_text=_("One per line."))
    steps = models.TextField(_("steps"), max_length=8000, help_text=_("One step per line, in order."))
    age_from = models.PositiveSmallIntegerField(_("from age"))
    age_to = models.PositiveSmallIntegerField(_("to age"))
    duration_minutes = models.PositiveSmallIntegerField(_("class time in minutes"))
    text_language = models.ForeignKey(
        "schools.Language", verbose_name=_("written in"), on_delete=models.PROTECT, related_name="+"
    )
    themes = models.ManyToManyField("schools.Subject", verbose_name=_("themes and subjects"), related_name="+")
    languages = models.ManyToManyField(
        "schools.Language",
        verbose_name=_("languages the pupils use"),
        related_name="+",
        help_text=_("The languages the classes talk and write in during the activity."),
    )
    occasions = models.ManyToManyField(Occasion, verbose_name=_("occasions"), blank=True, related_name="+")
    change_note = models.CharField(
        _("what changed"), max_length=300, blank=True, help_text=_("For the reviewer and the history.")
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(_("reviewer's note"), max_length=2000, blank=True)

    class Meta:
        ordering = ["activity", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "number"], name="library_version_number_once"),
            # One version at a time is being written or reviewed.
            models.UniqueConstraint(
                fields=["activity"], condition=Q(state__in=["draft", "submitted", "returned"]), name="library_one_open"
            ),
            models.CheckConstraint(condition=Q(age_to__gte=models.F("age_from")), name="library_ages_in_order"),
        ]
        indexes = [
            models.Index(fields=["state", "submitted_at"]),
            models.Index(fields=["age_from", "age_to"]),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.state in self.OPEN

    def lines(self, field: str) -> list[str]:
        return [line.strip() for line in getattr(self, field).splitlines() if line.strip()]


class Attachment(models.Model):
    """A worksheet, slide deck or picture that goes with a version (carried over into the next)."""

    version = models.ForeignKey(Version, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(max_length=300)
    content_type = models.CharField(max_length=120)
    size = models.PositiveBigIntegerField()
    original_name = models.CharField(max_length=200)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.original_name


class Use(models.Model):
    """An activity put into a twinning's plan, with the version it was taken from."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="uses")
    version = models.ForeignKey(Version, on_delete=models.RESTRICT, related_name="+")
    twinning = models.ForeignKey("twinnings.Twinning", on_delete=models.CASCADE, related_name="+")
    step = models.OneToOneField("workspace.Activity", on_delete=models.CASCADE, related_name="library_use")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["activity", "twinning"])]

    def __str__(self) -> str:
        return f"{self.activity_id} in {self.twinning_id}"
