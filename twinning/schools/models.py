from datetime import UTC, datetime

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from twinning.common.i18n import NamedInLanguages
from twinning.common.search import Searchable
from twinning.common.time_zones import validate_time_zone


class Language(NamedInLanguages):
    """A language people teach or work in (ISO 639-1 code), e.g. Hebrew, Arabic, French."""

    code = models.CharField(_("code"), max_length=8, primary_key=True)

    kept_in_memory = True  # every form lists them: see common.reference

    class Meta:
        verbose_name = _("language")
        verbose_name_plural = _("languages")
        ordering = ["code"]


class Subject(NamedInLanguages):
    """A subject a teacher teaches: history, English as a foreign language, Jewish studies…"""

    code = models.SlugField(_("code"), max_length=40, primary_key=True)

    kept_in_memory = True  # every form lists them: see common.reference

    class Meta:
        verbose_name = _("subject")
        verbose_name_plural = _("subjects")
        ordering = ["code"]


class NSO(NamedInLanguages):
    """A national support organisation: validates the teachers and schools of its countries."""

    slug = models.SlugField(unique=True)
    email = models.EmailField(_("contact e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)
    # Where teachers of this NSO's schools may sign up from: one domain a line, "*.edu.ps" for every
    # domain under edu.ps; empty for any address. See ``schools.rules.email_domain_allowed``.
    signup_domains = models.TextField(
        _("e-mail domains allowed to sign up"),
        blank=True,
        help_text=_(
            "One domain a line, such as education.gov.il, or *.edu.ps for every domain under edu.ps. "
            "Leave empty to let any address sign up."
        ),
    )

    class Meta:
        verbose_name = _("national support organisation")
        verbose_name_plural = _("national support organisations")
        ordering = ["slug"]


class SchoolWeek(models.TextChoices):
    MON_FRI = "mon_fri", _("Monday to Friday")
    SUN_THU = "sun_thu", _("Sunday to Thursday")
    SUN_FRI = "sun_fri", _("Sunday to Friday")
    MON_SAT = "mon_sat", _("Monday to Saturday")
    SAT_THU = "sat_thu", _("Saturday to Thursday")


# ISO weekday numbers (Monday = 1 … Sunday = 7) on which each school week has lessons.
SCHOOL_WEEK_DAYS: dict[str, tuple[int, ...]] = {
    SchoolWeek.MON_FRI: (1, 2, 3, 4, 5),
    SchoolWeek.SUN_THU: (7, 1, 2, 3, 4),
    SchoolWeek.SUN_FRI: (7, 1, 2, 3, 4, 5),
    SchoolWeek.MON_SAT: (1, 2, 3, 4, 5, 6),
    SchoolWeek.SAT_THU: (6, 7, 1, 2, 3, 4),
}


class Country(NamedInLanguages):
    """A country, served by exactly one NSO (an NSO may serve several countries)."""

    code = models.CharField(_("ISO code"), max_length=2, primary_key=True)
    nso = models.ForeignKey(
        NSO, verbose_name=_("NSO"), null=True, blank=True, on_delete=models.SET_NULL, related_name="countries"
    )
    default_time_zone = models.CharField(
        _("usual time zone"), max_length=64, default="UTC", validators=[validate_time_zone]
    )
    default_school_week = models.CharField(
        _("usual school week"), max_length=8, choices=SchoolWeek.choices, default=SchoolWeek.MON_FRI
    )

    kept_in_memory = True  # every form lists them: see common.reference

    class Meta:
        verbose_name = _("country")
        verbose_name_plural = _("countries")
        ordering = ["code"]


class Programme(NamedInLanguages):
    """A twinning programme grouping schools across countries, e.g. Israel–diaspora twinning."""

    slug = models.SlugField(unique=True)
    descriptions = models.JSONField(_("descriptions"), default=dict, blank=True)
    countries = models.ManyToManyField(Country, verbose_name=_("countries"), related_name="programmes", blank=True)
    # The programme's hard rules for pairing its schools: partner search, cohort runs, re-matching and
    # proposals made by hand all keep to them (see matching.constraints).
    max_age_gap = models.PositiveSmallIntegerField(
        _("largest age gap between partner classes (years)"),
        default=1,
        validators=[MaxValueValidator(10)],
        help_text=_("0: the two classes' age ranges must overlap; 1: they may be a year apart, and so on."),
    )
    partners_from_other_countries = models.BooleanField(
        _("partners come from another country"),
        default=False,
        help_text=_("A school is never paired with a school of its own country."),
    )
    # An NSO's own programme (e.g. its eTwinning programme): that NSO's staff and coordinators decide
    # who takes part, beside the programme's own coordinators and administrators. Empty for a
    # programme that runs across NSOs.
    nso = models.ForeignKey(
        NSO,
        verbose_name=_("run by the NSO"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="own_programmes",
    )
    # The programme's public page (showcase app), set by its administrators. The description is
    # `descriptions`, one text per language.
    public = models.BooleanField(_("public page published"), default=False)
    # A photo cleaned by common.uploads (no metadata), below MEDIA_ROOT, served by the public page's view.
    logo = models.FileField(_("logo"), max_length=300, blank=True)
    logo_type = models.CharField(max_length=120, blank=True)
    # "#rrggbb", checked for contrast against the page and under white text (showcase.colours).
    accent_colour = models.CharField(_("accent colour"), max_length=7, blank=True)

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["slug"]


# "Never", in an order by a moment that may be empty (a teacher nobody vouched for sorts as vouched for long ago).
NEVER = datetime(1970, 1, 1, tzinfo=UTC)


class ValidationStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for validation")
    VALIDATED = "validated", _("Validated")
    REJECTED = "rejected", _("Not validated")


class School(Searchable):
    # Searched by its names and its town (common/search.py: with or without niqqud, tashkeel or accents).
    SEARCHED = ("name", "native_name", "city")

    class Type(models.TextChoices):
        PUBLIC = "public", _("Public school")
        PRIVATE = "private", _("Private school")
        DAY = "day", _("Jewish day school")
        SUPPLEMENTARY = "supplementary", _("Supplementary school")
        RELIGIOUS = "religious", _("Religious school")
        REFUGEE = "refugee", _("Refugee school (UNRWA)")
        INTERNATIONAL = "international", _("International school")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=200, help_text=_("The name in Latin letters or in English."))
    native_name = models.CharField(
        _("name in the school's own language"),
        max_length=200,
        blank=True,
        help_text=_("As the school writes it, in its own script."),
    )
    country = models.ForeignKey(Country, verbose_name=_("country"), on_delete=models.PROTECT, related_name="schools")
    city = models.CharField(_("city or town"), max_length=120)
    school_type = models.CharField(_("type of school"), max_length=20, choices=Type.choices)
    age_from = models.PositiveSmallIntegerField(_("youngest pupils' age"))
    age_to = models.PositiveSmallIntegerField(_("oldest pupils' age"))
    languages = models.ManyToManyField(Language, verbose_name=_("languages of instruction"), related_name="schools")
    time_zone = models.CharField(_("time zone"), max_length=64, validators=[validate_time_zone])
    school_week = models.CharField(_("school week"), max_length=8, choices=SchoolWeek.choices)
    website = models.URLField(_("website"), blank=True)
    programmes = models.ManyToManyField(Programme, verbose_name=_("programmes"), related_name="schools", blank=True)

    status = models.CharField(
        _("status"), max_length=12, choices=ValidationStatus.choices, default=ValidationStatus.PENDING
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    rejection_reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("school")
        verbose_name_plural = _("schools")
        ordering = ["name", "pk"]
        indexes = [
            models.Index(fields=["country", "status", "name"]),
            models.Index(fields=["status", "created_at"]),
            # The directory's order, paged by key (`queries.DIRECTORY_KEYS`).
            models.Index(fields=["name", "id"], name="school_directory_order"),
            # The few schools waiting for their NSO, counted and listed per country without reading the others.
            # An NSO's schools as ids, from the index alone: the scope the waiting teachers are counted in.
            models.Index(fields=["country", "id"], name="school_ids_by_country"),
            models.Index(
                fields=["country", "created_at"],
                condition=Q(status=ValidationStatus.PENDING),
                name="school_waiting_by_country",
            ),
            # A trigram index on search_text too, on PostgreSQL (migration 0008, common.search.TrigramIndex).
        ]
        constraints = [
            models.CheckConstraint(condition=Q(age_from__lte=F("age_to")), name="school_ages_in_order"),
            models.CheckConstraint(condition=Q(age_from__gte=2, age_to__lte=25), name="school_ages_plausible"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def weekdays(self) -> tuple[int, ...]:
        return SCHOOL_WEEK_DAYS[self.school_week]

    @property
    def is_validated(self) -> bool:
        return self.status == ValidationStatus.VALIDATED


class TeacherProfile(models.Model):
    """A person teaching at a school, and where their validation by the NSO stands."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="teacher")
    school = models.ForeignKey(School, verbose_name=_("school"), on_delete=models.PROTECT, related_name="teachers")
    subjects = models.ManyToManyField(
        Subject, verbose_name=_("subjects you teach"), related_name="teachers", blank=True
    )
    languages = models.ManyToManyField(
        Language, verbose_name=_("languages you can work in"), related_name="teachers", blank=True
    )
    bio = models.TextField(
        _("about you"),
        blank=True,
        max_length=2000,
        help_text=_("A few lines for partner teachers: your classes and what you hope to do."),
    )

    status = models.CharField(
        _("status"), max_length=12, choices=ValidationStatus.choices, default=ValidationStatus.PENDING
    )
    submitted_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    rejection_reason = models.TextField(_("reason"), blank=True)
    vouched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    vouched_at = models.DateTimeField(null=True, blank=True)
    # Set when the principal records that the teacher has left the school: their twinnings hand over.
    left_at = models.DateTimeField(_("left the school"), null=True, blank=True)

    class Meta:
        verbose_name = _("teacher")
        verbose_name_plural = _("teachers")
        indexes = [
            models.Index(fields=["status", "submitted_at"]),
            models.Index(fields=["school", "status"]),
            # The few teachers waiting for validation, counted per scope from this index alone (with the person, for
            # their e-mail's confirmation), without reading the others.
            models.Index(
                fields=["school"],
                include=["user"],
                condition=Q(status=ValidationStatus.PENDING),
                name="teacher_waiting_by_school",
            ),
            # The validation queue's order (`queries.QUEUE_KEYS`: vouched for first, then oldest first), read in
            # order from the waiting rows alone for a page.
            models.Index(
                Coalesce("vouched_at", Value(NEVER)).desc(),
                F("submitted_at"),
                F("id"),
                condition=Q(status=ValidationStatus.PENDING),
                name="teacher_queue_order",
            ),
            # The teachers validated last, newest first (a coordinator's "newly validated teachers to welcome").
            models.Index(
                F("decided_at").desc(),
                F("id").desc(),
                condition=Q(status=ValidationStatus.VALIDATED),
                name="teacher_validated_newest",
            ),
        ]

    def __str__(self) -> str:
        return str(self.user)

    @property
    def is_validated(self) -> bool:
        return self.status == ValidationStatus.VALIDATED


class ProgrammeMembership(models.Model):
    """A school's request to take part in a programme, and the programme's decision.

    One row per school and programme, reopened by a new request after a refusal or a removal (the
    audit log keeps every step). ``School.programmes`` holds the approved members only: the services
    keep the two together, so every query that reads ``School.programmes`` means "approved member".
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for the programme")
        APPROVED = "approved", _("Member")
        REFUSED = "refused", _("Refused")
        REMOVED = "removed", _("Removed by the programme")

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="memberships"
    )
    school = models.ForeignKey(
        School, verbose_name=_("school"), on_delete=models.CASCADE, related_name="programme_memberships"
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    requested_at = models.DateTimeField(default=timezone.now)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("programme membership")
        verbose_name_plural = _("programme memberships")
        constraints = [
            models.UniqueConstraint(fields=["programme", "school"], name="programme_membership_once_per_school"),
        ]
        indexes = [models.Index(fields=["programme", "status", "requested_at"])]

    def __str__(self) -> str:
        return f"{self.school} · {self.programme}"


# Figures kept by the job queue -----------------------------------------------------------------------


class KeptCounts(models.Model):
    """One counting of the network's schools and teachers by the job queue (`services.count_school_groups`, every
    `services.COUNT_EVERY_MINUTES`): its groups hold the figures, the pages say when they were counted. The newest
    is read; a counting replaces the older ones in its transaction."""

    counted_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.counted_at:%Y-%m-%d %H:%M}"


class KeptGroup(models.Model):
    """The schools alike for every reader's scope (one country, one set of programmes they are members of, one
    status), and their teachers, as counted. A scope (an NSO's countries, a coordinator's countries and programmes,
    the whole network) is a union of whole groups, and a school or teacher is in exactly one group, so a scope's
    figure is the sum of its groups' figures: exact as of the counting, read from a few rows whatever the size of
    the network."""

    counting = models.ForeignKey(KeptCounts, on_delete=models.CASCADE, related_name="groups")
    country = models.CharField(max_length=2)
    # The ids of the programmes the schools are approved members of, sorted, each between commas (",1,3,"), so
    # that "a member of programme 3" is `programmes__contains=",3,"`; "" for none.
    programmes = models.CharField(max_length=500, blank=True)
    status = models.CharField(max_length=12, choices=ValidationStatus.choices)
    schools = models.PositiveIntegerField(default=0)
    # Their teachers: validated (whatever the school's status); decided (validated or not) within the 30 days
    # before the counting; validated within those 30 days.
    teachers_validated = models.PositiveIntegerField(default=0)
    teachers_decided_recently = models.PositiveIntegerField(default=0)
    teachers_validated_recently = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["counting", "country", "programmes", "status"], name="one_kept_group")
        ]

    def __str__(self) -> str:
        return f"{self.country} {self.programmes or '-'} {self.status}"
