"""School calendars (hours, terms, closures) and the live meetings (Mifgash) of twinnings."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from twinning.schools.models import School
from twinning.twinnings.models import Twinning

WEEKDAYS = [
    (1, _("Monday")),
    (2, _("Tuesday")),
    (3, _("Wednesday")),
    (4, _("Thursday")),
    (5, _("Friday")),
    (6, _("Saturday")),
    (7, _("Sunday")),
]


class DateCalendar(models.TextChoices):
    NONE = "", _("Gregorian only")
    HEBREW = "hebrew", _("Also the Hebrew calendar")
    HIJRI = "hijri", _("Also the Hijri calendar")


class CalendarSettings(models.Model):
    """A school's calendar choices that are not in its directory entry."""

    school = models.OneToOneField(School, on_delete=models.CASCADE, related_name="calendar_settings")
    subdivision = models.CharField(
        _("region for public holidays"),
        max_length=10,
        blank=True,
        help_text=_("For example England or Scotland, a French school zone or a German state."),
    )
    date_calendar = models.CharField(
        _("dates shown"), max_length=8, choices=DateCalendar.choices, blank=True, default=DateCalendar.NONE
    )
    # Religious festivals the school keeps (no lessons) on top of its country's holidays.
    keeps_jewish = models.BooleanField(_("Jewish festivals"), default=False)
    keeps_muslim = models.BooleanField(_("Muslim festivals (the two Eids)"), default=False)
    keeps_christian = models.BooleanField(_("Christian festivals"), default=False)

    def __str__(self) -> str:
        return f"calendar of {self.school_id}"

    @property
    def festivals(self) -> tuple[str, ...]:
        """The kinds of festivals kept, as `festivals.KINDS` names them."""
        kept = (("jewish", self.keeps_jewish), ("muslim", self.keeps_muslim), ("christian", self.keeps_christian))
        return tuple(kind for kind, keeps in kept if keeps)


class SchoolDay(models.Model):
    """A school's hours on one weekday; a weekday without a row uses the school's usual hours."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="school_days")
    weekday = models.PositiveSmallIntegerField(_("day"), choices=WEEKDAYS)
    starts = models.TimeField(_("first lesson starts"))
    ends = models.TimeField(_("last lesson ends"))

    class Meta:
        ordering = ["school", "weekday"]
        constraints = [
            models.UniqueConstraint(fields=["school", "weekday"], name="one_row_per_school_weekday"),
            models.CheckConstraint(condition=Q(ends__gt=F("starts")), name="school_day_ends_after_it_starts"),
            models.CheckConstraint(condition=Q(weekday__gte=1, weekday__lte=7), name="weekday_is_iso"),
        ]

    def __str__(self) -> str:
        return f"{self.school_id} day {self.weekday}"


class Term(models.Model):
    """The first and last day of teaching of one term."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="terms")
    name = models.CharField(_("name"), max_length=80)
    first_day = models.DateField(_("first day"))
    last_day = models.DateField(_("last day"))

    class Meta:
        ordering = ["school", "first_day"]
        constraints = [
            models.CheckConstraint(condition=Q(last_day__gte=F("first_day")), name="term_ends_after_it_starts")
        ]
        indexes = [models.Index(fields=["school", "last_day"])]

    def __str__(self) -> str:
        return self.name


class Closure(models.Model):
    """Days the school entered itself on which there is no lesson to meet in: exams, trips, a local holiday."""

    class Kind(models.TextChoices):
        EXAMS = "exams", _("Exams")
        TRIP = "trip", _("School trip")
        HOLIDAY = "holiday", _("School holiday")
        OTHER = "other", _("Other")

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="closures")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.OTHER)
    reason = models.CharField(_("what it is"), max_length=120, blank=True)
    first_day = models.DateField(_("first day"))
    last_day = models.DateField(_("last day"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["school", "first_day"]
        constraints = [
            models.CheckConstraint(condition=Q(last_day__gte=F("first_day")), name="closure_ends_after_it_starts")
        ]
        indexes = [models.Index(fields=["school", "last_day"])]

    def __str__(self) -> str:
        return self.reason or self.kind


class Meeting(models.Model):
    """A live meeting of the twinning's classes (a Mifgash), from proposal to its record afterwards."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed, waiting for the partners")
        CONFIRMED = "confirmed", _("Confirmed")
        DECLINED = "declined", _("Declined")
        HELD = "held", _("Held")
        CANCELLED = "cancelled", _("Cancelled")

    twinning = models.ForeignKey(Twinning, on_delete=models.CASCADE, related_name="meetings")
    title = models.CharField(_("title"), max_length=160)
    agenda = models.TextField(_("plan for the meeting"), max_length=4000, blank=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    video_link = models.URLField(
        _("video link"), max_length=500, blank=True, help_text=_("The link of the school's own video tool.")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PROPOSED)
    # Only when every pupil of each school taking part has their family's consent to be recorded
    # (checked when a school proposes or accepts it, see services.check_recording_consent).
    to_be_recorded = models.BooleanField(_("to be recorded"), default=False)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    # Bumped on every change, so calendars replace their copy (iCalendar SEQUENCE).
    sequence = models.PositiveIntegerField(default=0)
    changed_at = models.DateTimeField(default=timezone.now)
    # Each reminder is claimed by setting its time, so the job never sends one twice.
    reminded_day_before_at = models.DateTimeField(null=True, blank=True)
    reminded_hour_before_at = models.DateTimeField(null=True, blank=True)
    # The record afterwards.
    notes = models.TextField(_("notes"), max_length=10000, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(null=True, blank=True)
    photos = models.ManyToManyField("workspace.MediaItem", blank=True, related_name="meetings")

    class Meta:
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="meeting_ends_after_it_starts")
        ]
        indexes = [
            models.Index(fields=["twinning", "starts_at"]),
            models.Index(fields=["status", "starts_at"]),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)

    @property
    def open(self) -> bool:
        """Still ahead: proposed or confirmed (not answered no, cancelled or recorded)."""
        return self.status in (self.Status.PROPOSED, self.Status.CONFIRMED)


def new_room_id() -> str:
    return secrets.token_hex(16)


class MeetingRoom(models.Model):
    """The video room the platform opened for a confirmed meeting, at the provider of its programme.

    Its id is random and never shown to pupils: each person enters through the join view, which
    sends them in with their own signed address and role."""

    class State(models.TextChoices):
        PENDING = "pending", _("Being prepared")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Not ready")

    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="room")
    provider = models.CharField(_("video provider"), max_length=20)
    room_id = models.CharField(max_length=64, unique=True, default=new_room_id)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PENDING)
    # Why the last try failed: the kind (what the page says) and the provider's own words (for the log).
    problem = models.CharField(max_length=20, blank=True)
    detail = models.CharField(max_length=300, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    tried_at = models.DateTimeField(null=True, blank=True)
    ready_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["state"])]

    def __str__(self) -> str:
        return f"room of meeting {self.meeting_id}"

    @property
    def ready(self) -> bool:
        return self.state == self.State.READY


class MeetingSchool(models.Model):
    """One school's answer to a meeting, and how many of its people came."""

    class Answer(models.TextChoices):
        PENDING = "pending", _("Not answered yet")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="schools")
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    answer = models.CharField(_("answer"), max_length=10, choices=Answer.choices, default=Answer.PENDING)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    pupils_present = models.PositiveSmallIntegerField(_("pupils who took part"), null=True, blank=True)
    teachers_present = models.PositiveSmallIntegerField(_("teachers who took part"), null=True, blank=True)

    class Meta:
        ordering = ["meeting", "pk"]
        constraints = [models.UniqueConstraint(fields=["meeting", "school"], name="school_once_per_meeting")]

    def __str__(self) -> str:
        return f"{self.school_id} in meeting {self.meeting_id}"


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """A person's private iCalendar feed: anyone with the address reads their meetings, so it can be replaced."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed")
    token = models.CharField(max_length=64, unique=True, default=new_feed_token)
    created_at = models.DateTimeField(default=timezone.now)
    last_read_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"feed of {self.user_id}"
