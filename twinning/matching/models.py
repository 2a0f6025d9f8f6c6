from datetime import time

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Greatest, Least
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from twinning.common.i18n import NamedInLanguages
from twinning.common.school_year import school_year_label
from twinning.common.time_zones import validate_time_zone
from twinning.schools.models import NSO, Country, Language, Programme, School, SchoolWeek, Subject


class Objective(NamedInLanguages):
    """A curated educational objective a twinning can pursue (identity, dialogue, environment…)."""

    code = models.SlugField(_("code"), max_length=40, primary_key=True)

    kept_in_memory = True  # every form lists them: see common.reference

    class Meta:
        verbose_name = _("objective")
        verbose_name_plural = _("objectives")
        ordering = ["code"]


class LanguageLevel(models.IntegerChoices):
    BASIC = 1, _("Basic")
    GOOD = 2, _("Good")
    FLUENT = 3, _("Fluent or native")


class Devices(models.TextChoices):
    NONE = "none", _("No pupil devices")
    SHARED = "shared", _("Shared devices (a computer room or a class set)")
    EACH = "each", _("A device for every pupil")


class TwinningProfile(models.Model):
    """What a school is looking for in a partner, for one school year."""

    school = models.ForeignKey(School, verbose_name=_("school"), on_delete=models.CASCADE, related_name="profiles")
    school_year = models.PositiveSmallIntegerField(_("school year"), help_text=_("The year it starts in."))
    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programme"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="profiles",
    )
    vision = models.TextField(
        _("vision and objectives"),
        max_length=4000,
        help_text=_("In your own words, in English, Hebrew or Arabic: what you hope your pupils gain."),
    )
    # The vision as a vector (float16), so partners writing in another language can be compared with it.
    vision_vector = models.BinaryField(null=True, blank=True, editable=False)
    objectives = models.ManyToManyField(Objective, verbose_name=_("objectives"), related_name="profiles")
    themes = models.ManyToManyField(Subject, verbose_name=_("themes and subjects"), related_name="profiles")
    age_from = models.PositiveSmallIntegerField(
        _("youngest pupils' age"), validators=[MinValueValidator(2), MaxValueValidator(25)]
    )
    age_to = models.PositiveSmallIntegerField(
        _("oldest pupils' age"), validators=[MinValueValidator(2), MaxValueValidator(25)]
    )
    class_size = models.PositiveSmallIntegerField(
        _("pupils in the class"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(200)]
    )
    capacity = models.PositiveSmallIntegerField(
        _("partners wanted"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text=_("How many partner schools you would like this year."),
    )
    wanted_countries = models.ManyToManyField(
        Country,
        verbose_name=_("partner countries wanted"),
        blank=True,
        related_name="+",
        help_text=_("Leave empty for any country."),
    )
    excluded_countries = models.ManyToManyField(
        Country, verbose_name=_("countries to leave out"), blank=True, related_name="+"
    )
    time_zone = models.CharField(_("time zone"), max_length=64, validators=[validate_time_zone])
    school_week = models.CharField(_("school week"), max_length=8, choices=SchoolWeek.choices)
    day_start = models.TimeField(_("school day starts"), default=time(8, 0))
    day_end = models.TimeField(_("school day ends"), default=time(14, 0))
    live_video = models.BooleanField(_("we can hold live video meetings"), default=True)
    devices = models.CharField(_("pupils' devices"), max_length=8, choices=Devices.choices, default=Devices.SHARED)
    looking = models.BooleanField(_("looking for partners now"), default=True)

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("twinning profile")
        verbose_name_plural = _("twinning profiles")
        constraints = [
            models.UniqueConstraint(fields=["school", "school_year"], name="one_profile_per_school_year"),
            models.CheckConstraint(condition=Q(age_from__lte=F("age_to")), name="profile_ages_in_order"),
            models.CheckConstraint(condition=Q(day_start__lt=F("day_end")), name="profile_day_in_order"),
        ]
        indexes = [models.Index(fields=["school_year", "looking"])]

    def __str__(self) -> str:
        return f"{self.school} {school_year_label(self.school_year)}"


class ProfileLanguage(models.Model):
    """A language the pupils and teachers of a profile can work in, and how well."""

    profile = models.ForeignKey(TwinningProfile, on_delete=models.CASCADE, related_name="languages")
    language = models.ForeignKey(Language, verbose_name=_("language"), on_delete=models.PROTECT, related_name="+")
    level = models.PositiveSmallIntegerField(_("level"), choices=LanguageLevel.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["profile", "language"], name="one_level_per_language")]

    def __str__(self) -> str:
        return f"{self.language_id}:{self.level}"


class Proposal(models.Model):
    """A proposed partnership between two schools' profiles: from a teacher's search or a cohort run.

    It is accepted when both schools have said yes (the school that asked has, implicitly), and
    a decline is remembered so the two schools are never proposed to each other again that year.
    """

    class Origin(models.TextChoices):
        SEARCH = "search", _("Partner search")
        COHORT = "cohort", _("Cohort matching")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for an answer")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    origin = models.CharField(max_length=8, choices=Origin.choices)
    left = models.ForeignKey(TwinningProfile, on_delete=models.CASCADE, related_name="proposals_made")
    right = models.ForeignKey(TwinningProfile, on_delete=models.CASCADE, related_name="proposals_received")
    left_accepted = models.BooleanField(default=False)
    right_accepted = models.BooleanField(default=False)
    # Who said yes for each school: they become the school's contact in the twinning.
    left_accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    right_accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    message = models.TextField(_("message"), blank=True, max_length=2000)
    score = models.FloatField(null=True)
    cohort_run = models.ForeignKey(
        "CohortRun", null=True, blank=True, on_delete=models.SET_NULL, related_name="proposals"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(_("reason"), blank=True, max_length=2000)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=~Q(left=F("right")), name="proposal_two_profiles"),
            models.UniqueConstraint(
                fields=["left", "right"], condition=Q(status="pending"), name="one_pending_proposal_per_pair"
            ),
            # A profile is one school's for one year: two schools have one open proposal a year, whichever asked.
            models.UniqueConstraint(
                Least("left", "right"),
                Greatest("left", "right"),
                condition=Q(status__in=["pending", "accepted"]),
                name="one_open_proposal_per_pair_and_year",
            ),
        ]
        indexes = [models.Index(fields=["right", "status"]), models.Index(fields=["left", "status"])]
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.left} ↔ {self.right} ({self.status})"


class CohortRun(models.Model):
    """One run of the cohort matching: who ran it over which schools, and where it stands."""

    class Shape(models.TextChoices):
        TWO_SIDES = "two_sides", _("Two sides")
        ONE_POOL = "one_pool", _("One pool (schools of different countries)")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        RUNNING = "running", _("Running")
        DONE = "done", _("Ready for review")
        FAILED = "failed", _("Failed")
        APPROVED = "approved", _("Approved")

    nso = models.ForeignKey(
        NSO, verbose_name=_("NSO"), null=True, blank=True, on_delete=models.CASCADE, related_name="cohort_runs"
    )
    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programme"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="cohort_runs",
    )
    school_year = models.PositiveSmallIntegerField(_("school year"))
    shape = models.CharField(_("shape"), max_length=10, choices=Shape.choices)
    left_countries = models.ManyToManyField(Country, verbose_name=_("first side: countries"), related_name="+")
    right_countries = models.ManyToManyField(
        Country, verbose_name=_("second side: countries"), blank=True, related_name="+"
    )
    min_score = models.FloatField(
        _("minimum fit"), default=0.35, validators=[MinValueValidator(0.0), MaxValueValidator(0.95)]
    )

    class Fairness(models.TextChoices):
        TOTAL = "total", _("The most total fit")
        MAXIMIN = "maximin", _("The worst-off school first, then the total")
        FLOOR = "floor", _("Every pair at least the minimum fit, as many schools as possible")

    fairness = models.CharField(_("fairness"), max_length=8, choices=Fairness.choices, default=Fairness.TOTAL)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    total_score = models.FloatField(null=True)
    upper_bound = models.FloatField(null=True)
    stats = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("cohort matching")
        verbose_name_plural = _("cohort matchings")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(nso__isnull=False) | Q(programme__isnull=False), name="cohort_run_has_scope"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_shape_display()} {self.school_year} #{self.pk}"


class CohortPair(models.Model):
    """A pair the run proposes, with its score and the parts an explanation is made of."""

    run = models.ForeignKey(CohortRun, on_delete=models.CASCADE, related_name="pairs")
    left = models.ForeignKey(TwinningProfile, on_delete=models.CASCADE, related_name="+")
    right = models.ForeignKey(TwinningProfile, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField()
    parts = models.JSONField(default=dict)
    facts = models.JSONField(default=dict)
    pinned = models.BooleanField(default=False)
    # Paired by the coordinator from the run's unmatched schools, not by the engine.
    by_hand = models.BooleanField(default=False)

    class Meta:
        ordering = ["-score", "pk"]
        constraints = [models.UniqueConstraint(fields=["run", "left", "right"], name="one_cohort_pair")]

    def __str__(self) -> str:
        return f"{self.left_id}–{self.right_id} {self.score:.3f}"


class CohortRule(models.Model):
    """A coordinator's decision on a pair for the next runs: keep it (pin) or never propose it (forbid)."""

    class Kind(models.TextChoices):
        PIN = "pin", _("Keep this pair")
        FORBID = "forbid", _("Never propose this pair")

    run = models.ForeignKey(CohortRun, on_delete=models.CASCADE, related_name="rules")
    left = models.ForeignKey(TwinningProfile, on_delete=models.CASCADE, related_name="+")
    right = models.ForeignKey(TwinningProfile, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["run", "left", "right"], name="one_rule_per_pair")]

    def __str__(self) -> str:
        return f"{self.kind} {self.left_id}–{self.right_id}"


class SearchChange(models.Model):
    """A school whose profile, room for partners, validation or programmes changed: partner search
    reads its profiles from the database, over the built index, until the next build folds it in
    (`queries.search_index`). Rows older than the index in use are removed by the build."""

    # A plain number, not a key: a school erased since must still have its old row left out.
    school_id = models.BigIntegerField()
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return f"{self.school_id} {self.created_at:%Y-%m-%d %H:%M:%S}"
