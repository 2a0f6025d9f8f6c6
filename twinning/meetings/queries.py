"""Reads for calendars and meetings: common school time of a twinning, its meetings, overviews."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, fields, is_dataclass
from datetime import date, datetime
from pathlib import Path

from django.core.cache import cache
from django.db.models import Count, Max, Min, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from twinning.common.prepared import PreparedRead
from twinning.meetings import engine
from twinning.meetings.calendars import calendars_for
from twinning.meetings.engine import NEVER_MEET, OTHER_SEASON, SchoolCalendar, Window, meeting_windows, no_window_kind
from twinning.meetings.models import Meeting
from twinning.schools.models import School
from twinning.twinnings.models import Membership, Twinning, TwinningSchool

TAKING_PART = (TwinningSchool.Status.INVITED, TwinningSchool.Status.JOINED)


# Read on every view of a twinning's meetings: compiled once (common.prepared).
_SCHOOLS_OF = PreparedRead(
    lambda twinning: (
        School.objects.filter(twinnings__twinning_id=twinning, twinnings__status__in=TAKING_PART)
        .select_related("country")
        .order_by("twinnings__pk")
    )
)


def schools_of(twinning: Twinning) -> list[School]:
    """The schools taking part, in the order they joined."""
    return _SCHOOLS_OF.objects(twinning.pk)


def calendars_of(schools: list[School], first: date, last: date) -> dict[int, SchoolCalendar]:
    return calendars_for(schools, first, last)


def why_none(schools: list[School], calendars: list[SchoolCalendar], first: date, last: date) -> str:
    """Why the schools have no common time, in the reader's language."""
    return _why_none_text(schools, no_window_kind(calendars, first, last))


def _why_none_text(schools: list[School], kind: str) -> str:
    names = ", ".join(f"\u2068{school.name}\u2069" for school in schools)
    if kind == NEVER_MEET:
        return _("The school days of %(schools)s never meet, whatever the week: an asynchronous activity may suit.") % {
            "schools": names
        }
    if kind == OTHER_SEASON:
        return _(
            "The school days of %(schools)s do not overlap in these dates, as their clocks change on different "
            "dates; they do at other times of the year."
        ) % {"schools": names}
    return _("Holidays, closures or terms of one of the schools leave no common time in these dates.")


# The common time of a pair of calendars is kept in the cache under a digest of everything the engine
# reads (see `calendar_version`): a changed term, closure, region, hour or holiday makes a new key, so
# a kept value is never stale, whichever cache backs it (each process's memory, or Redis shared by all)
# and with nothing to invalidate. The engine's own code is in the digest too: a release that changes its
# answers never reads those of the one before. Bump CACHE_FORMAT when the cached value's shape changes.
CACHE_FORMAT = 1
CACHE_SECONDS = 14 * 24 * 3600
ENGINE_CODE = hashlib.blake2b(Path(engine.__file__).read_bytes(), digest_size=8).hexdigest()


def _canonical(value: object) -> str:
    """A text that two equal calendars share whatever their sets' order in this process."""
    if is_dataclass(value) and not isinstance(value, type):
        return "(" + ",".join(f"{f.name}={_canonical(getattr(value, f.name))}" for f in fields(value)) + ")"
    if isinstance(value, dict):
        return "{" + ",".join(sorted(f"{_canonical(k)}:{_canonical(v)}" for k, v in value.items())) + "}"
    if isinstance(value, (set, frozenset)):
        return "{" + ",".join(sorted(_canonical(v) for v in value)) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(_canonical(v) for v in value) + "]"
    return repr(value)


def calendar_version(calendars: list[SchoolCalendar], first: date, last: date, min_minutes: int) -> str:
    """A digest of the schools' calendars (hours, time zone, terms, holidays, closures, in order) and the question
    asked of the engine: equal digests, equal answers."""
    text = f"{CACHE_FORMAT}|{ENGINE_CODE}|{first}|{last}|{min_minutes}|" + "|".join(_canonical(c) for c in calendars)
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


@dataclass
class CommonTime:
    schools: list[School]
    windows: list[Window]
    why_none: str | None
    version: str = ""  # calendar_version of the answer: a key for what is drawn from it


def common_time(
    twinning: Twinning, first: date, last: date, *, min_minutes: int = 30, schools: list[School] | None = None
) -> CommonTime:
    """The windows in which every school of the twinning is in session, best first, and why none if so.

    The engine's answer is kept until one of the schools' calendars changes (see CACHE_FORMAT).
    """
    if schools is None:
        schools = schools_of(twinning)
    if len(schools) < 2:
        return CommonTime(schools, [], None)
    calendars = calendars_of(schools, first, last)
    ordered = [calendars[s.pk] for s in schools]
    version = calendar_version(ordered, first, last, min_minutes)
    key = f"meetings:common:{version}"
    kept = cache.get(key)
    if kept is None:
        windows = meeting_windows(ordered, first, last, min_minutes=min_minutes)
        kept = (windows, None if windows else no_window_kind(ordered, first, last))
        cache.set(key, kept, CACHE_SECONDS)
    windows, kind = kept
    return CommonTime(schools, list(windows), None if kind is None else _why_none_text(schools, kind), version)


# The meetings page's list: what its rows show (title, times, status), in the model's order, read on every view.
_MEETING_LIST = PreparedRead(
    lambda twinning: Meeting.objects.filter(twinning_id=twinning).only("pk", "title", "starts_at", "ends_at", "status")
)


def meeting_list_of(twinning: Twinning) -> list[Meeting]:
    """The twinning's meetings in time order, with the fields a list of them shows (not their schools' answers)."""
    return _MEETING_LIST.objects(twinning.pk)


def meetings_for_user(user, *, since: datetime) -> QuerySet[Meeting]:
    """The meetings of every twinning the person is an active member of, from `since`, for their calendar.

    Pupils' and visitors' copies carry no video link (see `ics`): the link is for the teachers who run the call.
    """
    return (
        Meeting.objects.filter(twinning__memberships__user=user, twinning__memberships__active=True, ends_at__gte=since)
        .exclude(status=Meeting.Status.DECLINED)
        .select_related("twinning")
        .order_by("starts_at")
    )


@dataclass
class OverviewRow:
    twinning: Twinning
    schools: list[School]
    next_meeting: datetime | None
    last_held: datetime | None
    held: int
    common_minutes: int
    first_window: Window | None
    why_none: str | None


def overview_for(twinnings: QuerySet[Twinning], first: date, last: date) -> list[OverviewRow]:
    """For each twinning: its next and last meeting, meetings held, and its common school time in the range.

    Calendars of all the schools are read in a fixed number of queries, then the engine runs per twinning.
    """
    now = timezone.now()
    annotated = list(
        twinnings.annotate(
            next_meeting=Min(
                "meetings__starts_at",
                filter=Q(
                    meetings__starts_at__gte=now,
                    meetings__status__in=[Meeting.Status.PROPOSED, Meeting.Status.CONFIRMED],
                ),
            ),
            last_held=Max("meetings__starts_at", filter=Q(meetings__status=Meeting.Status.HELD)),
        ).prefetch_related(
            Prefetch(
                "schools",
                queryset=TwinningSchool.objects.filter(status__in=TAKING_PART).select_related("school__country"),
                to_attr="taking_part",
            )
        )
    )
    held_counts = _held_counts([t.pk for t in annotated])
    all_schools = {row.school.pk: row.school for t in annotated for row in t.taking_part}
    calendars = calendars_for(list(all_schools.values()), first, last)
    out = []
    for twinning in annotated:
        schools = [row.school for row in twinning.taking_part]
        windows, why = [], None
        if len(schools) >= 2:
            ordered = [calendars[s.pk] for s in schools]
            windows = meeting_windows(ordered, first, last)
            why = None if windows else why_none(schools, ordered, first, last)
        out.append(
            OverviewRow(
                twinning=twinning,
                schools=schools,
                next_meeting=twinning.next_meeting,
                last_held=twinning.last_held,
                held=held_counts.get(twinning.pk, 0),
                common_minutes=sum(w.minutes for w in windows),
                first_window=min(windows, key=lambda w: w.start) if windows else None,
                why_none=why,
            )
        )
    return out


def _held_counts(ids: list[int]) -> dict[int, int]:
    return dict(
        Meeting.objects.filter(twinning_id__in=ids, status=Meeting.Status.HELD)
        .values("twinning_id")
        .annotate(n=Count("pk"))
        .values_list("twinning_id", "n")
    )


def video_link_twinning_ids(user) -> set[int]:
    """Twinnings in which the person's calendar copies carry the video link: every role but pupil."""
    return set(
        Membership.objects.filter(user=user, active=True)
        .exclude(role=Membership.Role.PUPIL)
        .values_list("twinning_id", flat=True)
    )
