"""School calendars and meetings: every change is checked here, logged, and told to the people concerned.

A meeting's life: proposed by a teacher inside a common school time → each partner school accepts
(then it is confirmed) or declines → reminders the day before and the hour before → afterwards a
record: held (attendance, notes, photos shared to the workspace) or cancelled.
"""

from __future__ import annotations

import logging
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from twinning.accounts.models import Pupil
from twinning.common import audit
from twinning.common.errors import ServiceError
from twinning.common.notifications import notify_many
from twinning.common.regions import is_region_of, regions_in_words
from twinning.consent.models import Use
from twinning.consent.queries import pupils_without_consent
from twinning.meetings import festivals, queries, rooms, rules
from twinning.meetings.calendars import default_date_calendar, default_festivals
from twinning.meetings.engine import school_intervals
from twinning.meetings.models import (
    CalendarFeed,
    CalendarSettings,
    Closure,
    Meeting,
    MeetingRoom,
    MeetingSchool,
    SchoolDay,
    Term,
    new_feed_token,
)
from twinning.schools.models import School
from twinning.schools.services import NewSchool
from twinning.twinnings.models import Membership, Twinning
from twinning.workspace import services as workspace_services

SHORTEST, LONGEST = timedelta(minutes=15), timedelta(hours=4)
DAY_BEFORE, HOUR_BEFORE = timedelta(hours=24), timedelta(hours=1)
TEACHERS = (Membership.Role.TEACHER_ADMIN, Membership.Role.TEACHER)
# A meeting that was confirmed can be recorded, and a record corrected.
RECORDABLE = (Meeting.Status.CONFIRMED, Meeting.Status.HELD, Meeting.Status.CANCELLED)
WORKING = (Twinning.Status.APPROVED, Twinning.Status.ACTIVE, Twinning.Status.NEEDS_PARTNER)
logger = logging.getLogger(__name__)


# --- School calendars -------------------------------------------------------------------------


def save_timetable(
    *,
    school: School,
    by,
    hours: dict[int, tuple[time, time] | None],
    subdivision: str,
    date_calendar: str,
    keeps: tuple[str, ...] = (),
) -> None:
    """Replace the school's hours per weekday (None: no lessons that day) and its calendar choices:
    its region (one of its country's, see `common.regions`) and the festivals it keeps (`festivals.KINDS`)."""
    week = {day: pair for day, pair in hours.items() if pair is not None}
    if not week:
        raise ServiceError(_("Give the hours of at least one school day."))
    for start, end in week.values():
        if end <= start:
            raise ServiceError(_("A school day must end after it starts."))
    check_region(school, subdivision)
    unknown = set(keeps) - set(festivals.KINDS)
    if unknown:
        raise ServiceError(_("Unknown festivals: %(kinds)s.") % {"kinds": ", ".join(sorted(unknown))})
    with transaction.atomic():
        SchoolDay.objects.filter(school=school).delete()
        SchoolDay.objects.bulk_create(
            [SchoolDay(school=school, weekday=day, starts=start, ends=end) for day, (start, end) in week.items()]
        )
        CalendarSettings.objects.update_or_create(
            school=school,
            defaults={
                "subdivision": subdivision,
                "date_calendar": date_calendar,
                "keeps_jewish": festivals.JEWISH in keeps,
                "keeps_muslim": festivals.MUSLIM in keeps,
                "keeps_christian": festivals.CHRISTIAN in keeps,
            },
        )
        audit.record(
            actor=by, action="calendar.timetable", target=school, days=sorted(week), region=subdivision, keeps=keeps
        )


def check_region(school: School, subdivision: str) -> None:
    """Refuse a region that is not one of the school's country's (a blank region is the whole country)."""
    if subdivision and not is_region_of(school.country_id, subdivision):
        raise ServiceError(
            _("%(region)s is not a region of %(country)s. Choose one of: %(choices)s.")
            % {
                "region": f"\u2068{subdivision}\u2069",
                "country": school.country.name,
                "choices": regions_in_words(school.country_id) or _("none (the whole country)"),
            }
        )


def new_school_calendar(school: School, new_school: NewSchool) -> None:
    """A school registered at sign-up: its region, its usual dates and festivals (a step of `register_teacher`)."""
    check_region(school, new_school.region)
    CalendarSettings.objects.update_or_create(
        school=school,
        defaults={
            "subdivision": new_school.region,
            "date_calendar": default_date_calendar(school),
            **{f"keeps_{kind}": True for kind in default_festivals(school)},
        },
    )


def add_term(*, school: School, by, name: str, first_day, last_day) -> Term:
    if last_day < first_day:
        raise ServiceError(_("The term cannot end before it starts."))
    if (last_day - first_day).days > 366:
        raise ServiceError(_("A term cannot be longer than a year."))
    with transaction.atomic():
        other = (
            Term.objects.select_for_update()
            .filter(school=school, first_day__lte=last_day, last_day__gte=first_day)
            .first()
        )
        if other is not None:
            raise ServiceError(
                _("This term overlaps %(term)s (%(first)s – %(last)s). Terms of a school cannot overlap.")
                % {
                    "term": f"\u2068{other.name}\u2069",
                    "first": date_format(other.first_day, "DATE_FORMAT"),
                    "last": date_format(other.last_day, "DATE_FORMAT"),
                }
            )
        term = Term.objects.create(school=school, name=name.strip(), first_day=first_day, last_day=last_day)
        audit.record(actor=by, action="calendar.term_added", target=school, name=term.name)
    return term


def add_closure(*, school: School, by, kind: str, reason: str, first_day, last_day) -> Closure:
    """A closure is inside the school's terms (when it has any): a day outside every term has no lessons anyway."""
    if last_day < first_day:
        raise ServiceError(_("The closure cannot end before it starts."))
    if (last_day - first_day).days > 366:
        raise ServiceError(_("A closure cannot be longer than a year."))
    with transaction.atomic():
        terms = Term.objects.filter(school=school)
        if terms.exists() and not terms.filter(first_day__lte=last_day, last_day__gte=first_day).exists():
            raise ServiceError(
                _(
                    "This closure is outside every term of the school: there are no lessons then anyway. "
                    "Check its dates, or add the term first."
                )
            )
        closure = Closure.objects.create(
            school=school, kind=kind, reason=reason.strip(), first_day=first_day, last_day=last_day, created_by=by
        )
        audit.record(actor=by, action="calendar.closure_added", target=school, reason=closure.reason)
    return closure


def remove_calendar_entry(*, entry: Term | Closure, by) -> None:
    with transaction.atomic():
        audit.record(actor=by, action="calendar.entry_removed", target=entry.school, name=str(entry))
        entry.delete()


# --- Meetings ---------------------------------------------------------------------------------


def _local(moment: datetime, zone: str) -> str:
    return date_format(timezone.localtime(moment, timezone=ZoneInfo(zone)), "SHORT_DATETIME_FORMAT")


def check_in_common_time(twinning: Twinning, starts_at: datetime, ends_at: datetime) -> None:
    """Refuse a time at which one of the schools has no lessons, naming the school and its local time."""
    schools = queries.schools_of(twinning)
    first = (starts_at - timedelta(days=1)).date()
    last = (ends_at + timedelta(days=1)).date()
    calendars = queries.calendars_of(schools, first, last)
    for school in schools:
        intervals = school_intervals(calendars[school.pk], first, last)
        if not any(start <= starts_at and ends_at <= end for start, end in intervals):
            raise ServiceError(
                _("%(school)s is not in session then (%(local)s, its local time). Choose a time in the common hours.")
                % {"school": f"\u2068{school.name}\u2069", "local": _local(starts_at, school.time_zone)}
            )


def _teacher_members(twinning: Twinning, *, schools=None, exclude=None):
    rows = Membership.objects.filter(twinning=twinning, active=True, role__in=TEACHERS).select_related("user")
    if schools is not None:
        rows = rows.filter(school_id__in=schools)
    return [row.user for row in rows if exclude is None or row.user_id != exclude.pk]


def _tell(people, meeting: Meeting, kind: str, **params) -> None:
    url = reverse("meetings:detail", args=[meeting.twinning_id, meeting.pk])
    params = {"title": meeting.title, "when": meeting.starts_at.isoformat(), **params}
    notify_many([(person, kind, url, params, meeting.twinning_id) for person in {p.pk: p for p in people}.values()])


def check_recording_consent(twinning: Twinning, school: School) -> None:
    """Refuse, naming them, while a pupil of ``school`` in the twinning lacks their family's consent,
    for this school year, to be recorded in a meeting."""
    pupils = Pupil.objects.filter(
        school=school,
        user__twinning_memberships__twinning=twinning,
        user__twinning_memberships__role=Membership.Role.PUPIL,
        user__twinning_memberships__active=True,
    ).order_by("display_name")
    missing = pupils_without_consent(pupils, Use.RECORDING)
    if missing:
        raise ServiceError(
            _(
                "The meeting cannot be recorded: the families of %(names)s have not agreed to it. Plan it without "
                "recording, or ask those families first."
            )
            % {"names": ", ".join(pupil.display_name for pupil in missing)}
        )


def propose_meeting(
    *,
    twinning: Twinning,
    by,
    school: School,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    agenda: str = "",
    video_link: str = "",
    to_be_recorded: bool = False,
    now: datetime | None = None,
) -> Meeting:
    """A teacher proposes a meeting inside the schools' common hours; their own school has accepted it.

    A meeting to be recorded is refused, naming them, while a pupil of the proposer's school in the
    twinning lacks their family's consent to be recorded (each other school is checked as it accepts).
    Side effects: one answer row per school taking part; the other schools' teachers are notified.
    """
    now = now or timezone.now()
    if twinning.status not in WORKING:
        raise ServiceError(_("Meetings can be planned once the twinning is approved, until it closes."))
    if starts_at <= now:
        raise ServiceError(_("Choose a time in the future."))
    if ends_at - starts_at < SHORTEST:
        raise ServiceError(_("A meeting lasts at least 15 minutes."))
    if ends_at - starts_at > LONGEST:
        raise ServiceError(_("A meeting lasts at most four hours."))
    check_in_common_time(twinning, starts_at, ends_at)
    schools = queries.schools_of(twinning)
    if school.pk not in {s.pk for s in schools}:
        raise ServiceError(_("Your school is not taking part in this twinning."))
    if to_be_recorded:
        check_recording_consent(twinning, school)
    with transaction.atomic():
        meeting = Meeting.objects.create(
            twinning=twinning,
            title=title.strip(),
            agenda=agenda.strip(),
            starts_at=starts_at,
            ends_at=ends_at,
            video_link=video_link.strip(),
            to_be_recorded=to_be_recorded,
            proposed_by=by,
        )
        MeetingSchool.objects.bulk_create(
            [
                MeetingSchool(
                    meeting=meeting,
                    school=s,
                    answer=MeetingSchool.Answer.ACCEPTED if s.pk == school.pk else MeetingSchool.Answer.PENDING,
                    answered_by=by if s.pk == school.pk else None,
                    answered_at=now if s.pk == school.pk else None,
                )
                for s in schools
            ]
        )
        audit.record(actor=by, action="meeting.proposed", target=meeting, starts_at=starts_at.isoformat())
        others = [s.pk for s in schools if s.pk != school.pk]
        _tell(_teacher_members(twinning, schools=others), meeting, "meeting_proposed", school=school.name)
    return meeting


def answer_meeting(*, meeting: Meeting, by, school: School, accept: bool, reason: str = "") -> Meeting:
    """A partner school accepts or declines. All accepted: confirmed. One declined: the meeting is off.

    A meeting confirmed gets its video room: the room's row and a background job to open it are
    written with the confirmation, then the provider is asked at once (outside the transaction, with
    a short timeout). A provider that does not answer or refuses leaves the meeting confirmed and its
    room "not ready", tried again by the job, and by its teachers from the meeting's page.
    """
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if meeting.status != Meeting.Status.PROPOSED:
            raise ServiceError(_("This meeting has already been answered."))
        row = MeetingSchool.objects.filter(meeting=meeting, school=school).first()
        if row is None or row.answer != MeetingSchool.Answer.PENDING:
            raise ServiceError(_("Your school has already answered."))
        if accept and meeting.to_be_recorded:
            check_recording_consent(meeting.twinning, school)
        row.answer = MeetingSchool.Answer.ACCEPTED if accept else MeetingSchool.Answer.DECLINED
        row.answered_by, row.answered_at, row.reason = by, timezone.now(), reason.strip()
        row.save(update_fields=["answer", "answered_by", "answered_at", "reason"])
        pending = MeetingSchool.objects.filter(meeting=meeting, answer=MeetingSchool.Answer.PENDING).exists()
        if not accept:
            _set_status(meeting, Meeting.Status.DECLINED)
            _tell(_teacher_members(meeting.twinning, exclude=by), meeting, "meeting_declined", school=school.name)
        elif not pending:
            _set_status(meeting, Meeting.Status.CONFIRMED)
            _tell(_teacher_members(meeting.twinning, exclude=by), meeting, "meeting_confirmed")
            _prepare_room(meeting)
        audit.record(
            actor=by, action="meeting.accepted" if accept else "meeting.declined", target=meeting, reason=reason
        )
    if meeting.status == Meeting.Status.CONFIRMED:
        open_room(meeting=meeting, by=by)
    return meeting


def _set_status(meeting: Meeting, status: str) -> None:
    meeting.status = status
    meeting.sequence += 1
    meeting.changed_at = timezone.now()
    meeting.save(update_fields=["status", "sequence", "changed_at"])


def cancel_meeting(*, meeting: Meeting, by, reason: str = "") -> Meeting:
    """Call off a meeting that is still ahead; everyone's calendar copy is cancelled through the feed."""
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if not meeting.open:
            raise ServiceError(_("Only a meeting still ahead can be cancelled."))
        _set_status(meeting, Meeting.Status.CANCELLED)
        audit.record(actor=by, action="meeting.cancelled", target=meeting, reason=reason)
        _tell(_teacher_members(meeting.twinning, exclude=by), meeting, "meeting_cancelled")
    close_room(meeting=meeting)
    return meeting


def record_meeting(
    *,
    meeting: Meeting,
    by,
    held: bool,
    attendance: dict[int, tuple[int | None, int | None]],
    notes: str,
    photos=(),
    pupils=(),
    now: datetime | None = None,
) -> Meeting:
    """After the start: held (with each school's attendance, notes and photos shared to the workspace) or not.

    `pupils` are the pupils who can be seen in the photos: as for any photo in the workspace, each
    must have their family's consent to appear in photos. All or nothing: a photo that cannot be
    shared leaves no trace of the record or of the other photos.
    """
    now = now or timezone.now()
    if meeting.starts_at > now:
        raise ServiceError(_("A meeting can be recorded once it has started."))
    if meeting.status not in RECORDABLE:
        raise ServiceError(_("Only a confirmed meeting can be recorded."))
    stored = []
    try:
        with transaction.atomic():
            meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
            for upload in photos:
                item = workspace_services.upload_media(
                    twinning=meeting.twinning,
                    by=by,
                    upload=upload,
                    title=meeting.title,
                    pupils=pupils,
                    accept=("photo",),
                    refusal=_("Only photos can be added to a meeting's record; share clips in the workspace."),
                )
                stored.append(item.file.name)
                meeting.photos.add(item)
            for row in MeetingSchool.objects.filter(meeting=meeting):
                pupils, teachers = attendance.get(row.school_id, (None, None)) if held else (None, None)
                row.pupils_present, row.teachers_present = pupils, teachers
                row.save(update_fields=["pupils_present", "teachers_present"])
            meeting.status = Meeting.Status.HELD if held else Meeting.Status.CANCELLED
            meeting.notes, meeting.recorded_by, meeting.recorded_at = notes.strip(), by, now
            meeting.sequence += 1
            meeting.changed_at = now
            meeting.save(update_fields=["status", "notes", "recorded_by", "recorded_at", "sequence", "changed_at"])
            audit.record(actor=by, action="meeting.recorded", target=meeting, held=held)
    except BaseException:
        for name in stored:
            if default_storage.exists(name):
                default_storage.delete(name)
        raise
    return meeting


# --- Video rooms -----------------------------------------------------------------------------


def _room_request(meeting: Meeting, room: MeetingRoom) -> rooms.RoomRequest:
    page = reverse("meetings:detail", args=[meeting.twinning_id, meeting.pk])
    return rooms.RoomRequest(
        room_id=room.room_id,
        title=meeting.title,
        starts_at=meeting.starts_at,
        ends_at=meeting.ends_at,
        opens_at=rules.join_opens(meeting),
        record=rules.may_be_recorded(meeting),
        return_url=f"{settings.SITE_URL}{page}",
        link=meeting.video_link,
    )


def _prepare_room(meeting: Meeting) -> MeetingRoom:
    """Inside the confirming transaction: the room's row for the programme's provider, and the job
    that opens it should the first try not (the job is kept with the confirmation, never lost)."""
    from twinning.meetings.tasks import open_meeting_room  # here: tasks import this module

    room, _created = MeetingRoom.objects.get_or_create(
        meeting=meeting, defaults={"provider": rules.provider_kind(meeting.twinning)}
    )
    open_meeting_room.enqueue(meeting_id=meeting.pk, run_at=timezone.now() + ROOM_RETRY)
    return room


ROOM_RETRY = timedelta(seconds=30)


def _room_failed(room: MeetingRoom, error: rooms.RoomError, now: datetime, **fields) -> None:
    MeetingRoom.objects.filter(pk=room.pk).update(
        state=MeetingRoom.State.FAILED,
        problem=error.reason,
        detail=error.detail[:300],
        attempts=F("attempts") + 1,
        tried_at=now,
        **fields,
    )
    logger.warning("Video room of meeting %s not ready (%s): %s", room.meeting_id, error.reason, error.detail)


def open_room(*, meeting: Meeting, by=None, now: datetime | None = None) -> MeetingRoom:
    """Ask the provider of the meeting's programme for its room; a room already ready is left alone.

    Never inside a transaction, never raising for the provider: a refusal or an outage (closed
    port, HTTP error, timeout, BigBlueButton's FAILED) is recorded on the room, whose page then says
    it is not ready and offers to try again. The provider is read from the settings at each try, so
    a programme moved to another provider gets its room there.
    """
    now = now or timezone.now()
    kind = rules.provider_kind(meeting.twinning)
    room, _created = MeetingRoom.objects.get_or_create(meeting=meeting, defaults={"provider": kind})
    if room.ready:
        return room
    try:
        provider = rooms.provider_named(kind, settings.VIDEO_PROVIDERS)
        provider.open(_room_request(meeting, room))
    except rooms.RoomError as error:
        _room_failed(room, error, now, provider=kind)
    else:
        with transaction.atomic():
            MeetingRoom.objects.filter(pk=room.pk).update(
                provider=kind,
                state=MeetingRoom.State.READY,
                problem="",
                detail="",
                attempts=F("attempts") + 1,
                tried_at=now,
                ready_at=now,
            )
            audit.record(actor=by, action="meeting.room_ready", target=meeting, provider=kind)
    room.refresh_from_db()
    return room


def retry_rooms(*, now: datetime | None = None) -> int:
    """Try again every room not ready of a confirmed meeting that has not ended. Returns how many are now ready."""
    now = now or timezone.now()
    waiting = MeetingRoom.objects.filter(
        meeting__status=Meeting.Status.CONFIRMED, meeting__ends_at__gt=now, state__in=("pending", "failed")
    ).select_related("meeting__twinning__programme")
    return sum(open_room(meeting=room.meeting, now=now).ready for room in waiting.iterator(chunk_size=100))


def _participant(user, room: MeetingRoom, *, moderator: bool) -> rooms.Participant:
    """How the provider sees a person: an id that is theirs in this room only, and the name they go by."""
    pupil = Pupil.objects.filter(user=user).first()
    name = pupil.display_name if pupil is not None else (user.full_name or user.get_short_name() or str(user))
    pseudonym = salted_hmac("twinning.meetings.room", f"{room.room_id}:{user.pk}").hexdigest()[:24]
    return rooms.Participant(id=pseudonym, name=name, moderator=moderator)


def join_room(*, meeting: Meeting, user, now: datetime | None = None) -> str:
    """The address that takes this person into the meeting's room: a teacher as moderator, a pupil
    as attendee (the view asked `rules.may_join_room` first). Never shown on a page: the join view
    sends the person there.

    The room is made again first (BigBlueButton forgets an empty room after a few minutes; making
    it twice is harmless), with recording as the families' consents stand now. A provider that
    fails here marks the room not ready and says so.
    """
    now = now or timezone.now()
    room = MeetingRoom.objects.get(meeting=meeting)
    moderator = rules.joins_as_moderator(meeting)
    try:
        provider = rooms.provider_named(room.provider, settings.VIDEO_PROVIDERS)
        request = _room_request(meeting, room)
        provider.open(request)
        address = provider.join_url(request, _participant(user, room, moderator=moderator), now=now)
    except rooms.RoomError as error:
        _room_failed(room, error, now)
        raise ServiceError(room_problem_text(error.reason)) from error
    audit.record(actor=user, action="meeting.room_joined", target=meeting, moderator=moderator)
    return address


def room_origin(meeting: Meeting, room: MeetingRoom) -> str:
    """Where the meeting's join button leads (scheme and host), "" when unknown. No call out."""
    try:
        provider = rooms.provider_named(room.provider, settings.VIDEO_PROVIDERS)
    except rooms.RoomError:
        return ""
    return provider.origin(_room_request(meeting, room))


def room_problem_text(reason: str) -> str:
    """What a person is told about a room that is not ready, in their language."""
    if reason == rooms.RoomError.NOT_CONFIGURED:
        return _(
            "The video room is not ready: the video service is not set up for this programme yet. "
            "Tell the platform's administrators, then try again."
        )
    if reason == rooms.RoomError.REFUSED:
        return _("The video room is not ready: the video service refused to open it. Try again in a moment.")
    return _("The video room is not ready: the video service did not answer. Try again in a moment.")


def close_room(*, meeting: Meeting) -> None:
    """End the room of a meeting called off, sending anyone in it out; a provider that does not
    answer changes nothing (the room is empty, and ends on its own)."""
    room = MeetingRoom.objects.filter(meeting=meeting, state=MeetingRoom.State.READY).first()
    if room is None:
        return
    try:
        rooms.provider_named(room.provider, settings.VIDEO_PROVIDERS).end(room.room_id)
    except rooms.RoomError as error:
        logger.warning("Video room of meeting %s not ended: %s", meeting.pk, error.detail)


def send_reminders(*, now: datetime | None = None) -> int:
    """Remind the teachers of every confirmed meeting the day before and the hour before it starts.

    Each reminder is claimed with a conditional update before anything is sent, so two workers, or
    the job run twice, never send the same reminder twice. Returns how many reminders went out.
    """
    now = now or timezone.now()
    sent = 0
    for field, lead, kind in (
        ("reminded_hour_before_at", HOUR_BEFORE, "meeting_soon"),
        ("reminded_day_before_at", DAY_BEFORE, "meeting_tomorrow"),
    ):
        due = Meeting.objects.filter(
            status=Meeting.Status.CONFIRMED, starts_at__gt=now, starts_at__lte=now + lead, **{f"{field}__isnull": True}
        ).select_related("twinning")
        for meeting in due.iterator(chunk_size=500):
            claim = {field: now}
            if field == "reminded_hour_before_at":
                # An hour-before reminder also stands for the day-before one.
                claim["reminded_day_before_at"] = meeting.reminded_day_before_at or now
            with transaction.atomic():
                if not Meeting.objects.filter(pk=meeting.pk, **{f"{field}__isnull": True}).update(**claim):
                    continue
                _tell(_teacher_members(meeting.twinning), meeting, kind)
            sent += 1
    return sent


def feed_of(user) -> CalendarFeed:
    feed, _created = CalendarFeed.objects.get_or_create(user=user)
    return feed


def replace_feed(user) -> CalendarFeed:
    """A new secret address; the old one stops working at once."""
    feed = feed_of(user)
    feed.token, feed.created_at = new_feed_token(), timezone.now()
    feed.save(update_fields=["token", "created_at"])
    return feed
