"""Meeting windows: when every school of a twinning is in session at once. Plain Python, no Django.

Each school's lessons are laid out day by day in its own time zone (its school week, its hours
per weekday, its term dates, minus its holidays and closures), turned into UTC intervals with
the offset of that very day, so daylight saving that changes on different dates in different
countries is right by construction. The windows are the intersection of all the schools' intervals.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays

MAX_RANGE_DAYS = 2 * 366


class CalendarError(ValueError):
    """A calendar or range that cannot be used; the message says which and why."""


@dataclass(frozen=True)
class SchoolCalendar:
    """One school's timetable. `hours` maps ISO weekdays (Monday 1 … Sunday 7) to (start, end)
    local times; `terms` are the (first, last) days of teaching (empty: every day counts)."""

    key: str
    time_zone: str
    hours: dict[int, tuple[time, time]]
    terms: tuple[tuple[date, date], ...] = ()
    holidays: frozenset[date] = frozenset()
    closures: frozenset[date] = frozenset()
    name: str = ""

    def check(self) -> None:
        try:
            ZoneInfo(self.time_zone)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise CalendarError(f"{self.name or self.key}: unknown time zone {self.time_zone!r}") from error
        for weekday, (start, end) in self.hours.items():
            if weekday not in range(1, 8):
                raise CalendarError(f"{self.name or self.key}: weekday {weekday} is not 1 (Monday) to 7 (Sunday)")
            if end <= start:
                raise CalendarError(
                    f"{self.name or self.key}: the school day ends ({end:%H:%M}) before it starts ({start:%H:%M})"
                )
        for first, last in self.terms:
            if last < first:
                raise CalendarError(f"{self.name or self.key}: a term ends ({last}) before it starts ({first})")

    def teaches_on(self, day: date) -> bool:
        if day.isoweekday() not in self.hours or day in self.holidays or day in self.closures:
            return False
        return not self.terms or any(first <= day <= last for first, last in self.terms)


@dataclass(frozen=True, order=True)
class Window:
    start: datetime  # UTC
    end: datetime  # UTC
    score: float = field(default=0.0, compare=False)

    @property
    def minutes(self) -> int:
        return int((self.end - self.start).total_seconds() // 60)


def school_intervals(calendar: SchoolCalendar, first: date, last: date) -> list[tuple[datetime, datetime]]:
    """The school's lessons from `first` to `last` (local dates), as UTC intervals in order."""
    zone = ZoneInfo(calendar.time_zone)
    out = []
    day = first
    while day <= last:
        if calendar.teaches_on(day):
            start, end = calendar.hours[day.isoweekday()]
            out.append(
                (
                    datetime.combine(day, start, zone).astimezone(UTC),
                    datetime.combine(day, end, zone).astimezone(UTC),
                )
            )
        day += timedelta(days=1)
    return out


def _intersect(
    a: list[tuple[datetime, datetime]], b: list[tuple[datetime, datetime]]
) -> list[tuple[datetime, datetime]]:
    out: list[tuple[datetime, datetime]] = []
    i, j = 0, 0
    while i < len(a) and j < len(b):
        start, end = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        if start < end:
            out.append((start, end))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return out


def check_range(first: date, last: date) -> None:
    if last < first:
        raise CalendarError(f"the range ends ({last}) before it starts ({first})")
    if (last - first).days > MAX_RANGE_DAYS:
        raise CalendarError(f"the range is longer than two years ({(last - first).days + 1} days)")


def meeting_windows(calendars: list[SchoolCalendar], first: date, last: date, *, min_minutes: int = 30) -> list[Window]:
    """Every interval of at least `min_minutes` when all the schools are in session, best first.

    Longer windows rank higher; a window that uses a school's first or last half hour of the day
    ranks lower (pupils are arriving or packing up). Dates are local: a window is in the range
    when it falls on one of the range's dates for at least one of the schools (a day on each side
    is scanned, so schools far apart in time zones meet at the same UTC moments).
    """
    if len(calendars) < 2:
        raise CalendarError("a meeting needs at least two schools")
    check_range(first, last)
    for calendar in calendars:
        calendar.check()
    scan_first, scan_last = first - timedelta(days=1), last + timedelta(days=1)
    per_school = [school_intervals(c, scan_first, scan_last) for c in calendars]
    common = per_school[0]
    for intervals in per_school[1:]:
        common = _intersect(common, intervals)
    zones = [ZoneInfo(c.time_zone) for c in calendars]

    def in_range(moment: datetime) -> bool:
        # Inside the range when, for one of the schools, it falls on one of the range's local dates.
        return any(first <= moment.astimezone(zone).date() <= last for zone in zones)

    starts = [[s for s, _e in intervals] for intervals in per_school]
    edge = timedelta(minutes=30)
    windows = []
    for start, end in common:
        if (end - start) < timedelta(minutes=min_minutes) or not in_range(start):
            continue
        score = (end - start).total_seconds() / 60
        for intervals, school_starts in zip(per_school, starts, strict=True):
            # The school day this window lies in (it lies inside one day of every school).
            day_start, day_end = intervals[bisect_right(school_starts, start) - 1]
            if start < day_start + edge or end > day_end - edge:
                score -= 15
        windows.append(Window(start, end, score))
    return sorted(windows, key=lambda w: (-w.score, w.start))


NEVER_MEET, OTHER_SEASON, DAYS_OFF = "never_meet", "other_season", "days_off"
YEAR = timedelta(days=364)


def no_window_kind(calendars: list[SchoolCalendar], first: date, last: date) -> str:
    """Why there is no window in [first, last], judged on the school days alone (no terms, holidays, closures):

    NEVER_MEET when they never overlap in the whole year from `first` (time zones, school weeks: every
    season of every clock is in it); OTHER_SEASON when they overlap at other times of the year but not
    in this range's weeks (clocks that change on different dates); DAYS_OFF when the range's weeks have
    common school time that terms, holidays, closures (or the range's own weekdays) take away.
    """
    check_range(first, last)
    plain = [SchoolCalendar(c.key, c.time_zone, c.hours, name=c.name) for c in calendars]
    # At least a whole week, so a range of a weekend is not taken for a season.
    if meeting_windows(plain, first, max(last, first + timedelta(days=6)), min_minutes=1):
        return DAYS_OFF
    if meeting_windows(plain, first, first + YEAR, min_minutes=1):
        return OTHER_SEASON
    return NEVER_MEET


def why_no_window(calendars: list[SchoolCalendar], first: date, last: date) -> str | None:
    """When there is no window at all, the reason in plain English (the web layer words `no_window_kind` itself)."""
    kind = no_window_kind(calendars, first, last)
    names = " and ".join(c.name or c.key for c in calendars)
    if kind == NEVER_MEET:
        return f"{names}: their school days never meet in UTC; an asynchronous activity may suit."
    if kind == OTHER_SEASON:
        return f"{names}: their school days do not meet in these dates, but do at other times of the year."
    return "Holidays, closures or terms leave no common time in this range."


def public_holidays(country: str, subdivision: str | None, years: range) -> frozenset[date]:
    """Public (and, where the `holidays` package has them, school) holidays of a country."""
    try:
        found = holidays.country_holidays(country, subdiv=subdivision, years=years, categories=("public", "school"))
    except (NotImplementedError, KeyError):
        raise CalendarError(f"no holiday calendar for country {country!r}") from None
    except Exception:  # noqa: BLE001  (a country without a school category: public holidays only)
        found = holidays.country_holidays(country, subdiv=subdivision, years=years)
    return frozenset(found)
