"""Professional development: courses, online seminars, workshops and events, and their certificates.

An `Offering` is what an NSO (or a programme's coordinators) puts on: its words in one or more
languages, its `Session`s (stored in UTC, shown in each reader's time zone), its seats and who may
take them. A teacher's `Registration` is confirmed while seats last and waits in line after that;
the organiser ticks `Attendance` per session, and a `Certificate` is issued once the offering's rule
is met. A certificate keeps a copy of what it certifies (name, title, issuer, dates, hours), so
its PDF and its public verification page read the same years later, whatever is edited since.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from twinning.common.i18n import pick


class Offering(models.Model):
    class Kind(models.TextChoices):
        COURSE = "course", _("Course")
        SEMINAR = "seminar", _("Online seminar")
        WORKSHOP = "workshop", _("Face-to-face workshop")
        EVENT = "event", _("Event or conference")

    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("course or event", "Not published yet")
        PUBLISHED = "published", pgettext_lazy("course or event", "Published")
        CANCELLED = "cancelled", pgettext_lazy("course or event", "Cancelled")

    class Audience(models.TextChoices):
        OWN = "own", _("Teachers of the organiser's countries or programme")
        NETWORK = "network", _("Everyone in the network")

    class Basis(models.TextChoices):
        ATTENDANCE = "attendance", _("Attending a number of the sessions")
        COMPLETION = "completion", _("Marked as completed by the organiser")
        NONE = "none", _("No certificate")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    titles = models.JSONField(_("title"), default=dict, help_text=_("In one or more of the site's languages."))
    descriptions = models.JSONField(_("description"), default=dict, blank=True)
    # Exactly one organiser: an NSO, or a programme (its coordinators run it).
    nso = models.ForeignKey(
        "schools.NSO", verbose_name=_("NSO"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    programme = models.ForeignKey(
        "schools.Programme",
        verbose_name=_("programme"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    language = models.ForeignKey(
        "schools.Language", verbose_name=_("taught in"), on_delete=models.PROTECT, related_name="+"
    )
    capacity = models.PositiveIntegerField(_("seats"))
    audience = models.CharField(_("who may register"), max_length=10, choices=Audience.choices, default=Audience.OWN)
    opens_at = models.DateTimeField(_("registration opens"), null=True, blank=True)
    closes_at = models.DateTimeField(_("registration closes"), null=True, blank=True)
    basis = models.CharField(_("certificate for"), max_length=12, choices=Basis.choices, default=Basis.ATTENDANCE)
    sessions_required = models.PositiveSmallIntegerField(_("sessions to attend"), default=1)
    hours = models.DecimalField(_("hours on the certificate"), max_digits=5, decimal_places=1, null=True, blank=True)
    # The first session's start and the last one's end, kept by the services for listing and sorting.
    starts_at = models.DateTimeField(null=True, blank=True)
    ends_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.CharField(_("why it is cancelled"), max_length=500, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("course or event")
        verbose_name_plural = _("courses and events")
        indexes = [
            models.Index(fields=["status", "ends_at", "starts_at"]),
            # The listing pages by key in the order of the start (soonest first, or read backward latest first).
            models.Index(fields=["status", "starts_at", "id"], name="offering_listing_order"),
            models.Index(fields=["nso", "status"]),
            models.Index(fields=["programme", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(nso__isnull=False, programme__isnull=True) | Q(nso__isnull=True, programme__isnull=False),
                name="learning_one_organiser",
            ),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="learning_at_least_one_seat"),
            models.CheckConstraint(condition=Q(sessions_required__gte=1), name="learning_sessions_required_positive"),
        ]

    def __str__(self) -> str:
        return self.title or f"#{self.pk}"

    @property
    def title(self) -> str:
        return pick(self.titles)

    @property
    def description(self) -> str:
        return pick(self.descriptions)

    @property
    def organiser(self):
        return self.nso or self.programme

    @property
    def has_started(self) -> bool:
        return self.starts_at is not None and self.starts_at <= timezone.now()

    @property
    def is_over(self) -> bool:
        return self.ends_at is not None and self.ends_at <= timezone.now()

    @property
    def gives_certificate(self) -> bool:
        return self.basis != self.Basis.NONE


class Session(models.Model):
    """One meeting of an offering; the place or the link is for registered participants only."""

    offering = models.ForeignKey(Offering, on_delete=models.CASCADE, related_name="sessions")
    title = models.CharField(_("title"), max_length=200, blank=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    place = models.CharField(_("place"), max_length=300, blank=True)
    online_link = models.URLField(_("online link"), max_length=500, blank=True)
    # Raised at each change of time, so calendar applications replace the event (RFC 5545 SEQUENCE).
    sequence = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="learning_session_ends_after_start")
        ]
        indexes = [models.Index(fields=["offering", "starts_at"])]

    def __str__(self) -> str:
        return self.title or f"{self.offering} {self.starts_at:%Y-%m-%d}"


class Registration(models.Model):
    class Status(models.TextChoices):
        # With a context: "Registered" alone already means something else in the catalogues.
        CONFIRMED = "confirmed", pgettext_lazy("registration status", "Registered")
        WAITING = "waiting", pgettext_lazy("registration status", "On the waiting list")
        CANCELLED = "cancelled", pgettext_lazy("registration status", "Cancelled")

    ACTIVE = (Status.CONFIRMED, Status.WAITING)

    offering = models.ForeignKey(Offering, on_delete=models.CASCADE, related_name="registrations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="learning_registrations")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    registered_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    # For offerings whose certificate is for completing them: the organiser's mark.
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    # Not fields: set on the rows that queries.participants_of and queries.learning_of return (the
    # certificate of a seated participant; a waiting registration's place in the queue).
    certificate: "Certificate | None"
    position: int

    class Meta:
        ordering = ["pk"]
        constraints = [
            # One seat or one place in line per person; after cancelling they may register again.
            models.UniqueConstraint(
                fields=["offering", "user"],
                condition=Q(status__in=["confirmed", "waiting"]),
                name="learning_registered_once",
            )
        ]
        indexes = [models.Index(fields=["offering", "status"]), models.Index(fields=["user", "status"])]

    def __str__(self) -> str:
        return f"{self.user} · {self.offering}"


class Attendance(models.Model):
    """A participant who was at a session (absence is the lack of a row)."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attendance")
    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="attendance")
    marked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    marked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "registration"], name="learning_attended_once"),
        ]

    def __str__(self) -> str:
        return f"{self.registration_id} at {self.session_id}"


class Material(models.Model):
    """Slides, readings or recordings, for the registered participants and the organisers."""

    offering = models.ForeignKey(Offering, on_delete=models.CASCADE, related_name="materials")
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


class Certificate(models.Model):
    """What was certified, copied at issue; the code lets anyone check it on the public page."""

    offering = models.ForeignKey(Offering, on_delete=models.CASCADE, related_name="certificates")
    holder = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="learning_certificates")
    registration = models.ForeignKey(Registration, null=True, on_delete=models.SET_NULL, related_name="+")
    code = models.CharField(max_length=16, unique=True)
    basis = models.CharField(max_length=12, choices=Offering.Basis.choices)
    kind = models.CharField(max_length=10, choices=Offering.Kind.choices)
    holder_name = models.CharField(max_length=200)
    titles = models.JSONField(default=dict)
    issuer_names = models.JSONField(default=dict)
    first_day = models.DateField()
    last_day = models.DateField()
    hours = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    sessions_attended = models.PositiveSmallIntegerField(default=0)
    sessions_total = models.PositiveSmallIntegerField(default=0)
    issued_on = models.DateField()
    issued_at = models.DateTimeField(default=timezone.now)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoke_reason = models.CharField(_("reason"), max_length=500, blank=True)

    class Meta:
        ordering = ["-issued_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["offering", "holder"], name="learning_one_certificate_per_person"),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def title(self) -> str:
        return pick(self.titles)

    @property
    def issuer(self) -> str:
        return pick(self.issuer_names)

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def shown_code(self) -> str:
        """In groups of four, easier to read out and type: 7KQM-X3PA-9WTR."""
        return "-".join(self.code[i : i + 4] for i in range(0, len(self.code), 4))
