"""School calendars from the database, for the meeting-windows engine.

A school's week and hours come from its own timetable (the hours per weekday it entered) or,
without one, its directory school week with the hours of this year's twinning profile (08:00–14:00
when it has none). Terms and closures are the school's own; public and school holidays come from
the `holidays` package for its country and region.
"""

from collections import defaultdict
from datetime import date, time, timedelta
from functools import lru_cache

import holidays

from twinning.common.school_year import current_school_year
from twinning.matching.models import TwinningProfile
from twinning.meetings.engine import CalendarError, SchoolCalendar, public_holidays
from twinning.meetings.models import CalendarSettings, Closure, DateCalendar, SchoolDay, Term
from twinning.schools.models import SCHOOL_WEEK_DAYS, School

DEFAULT_HOURS = (time(8), time(14))


@lru_cache(maxsize=512)
def _holidays(country: str, subdivision: str, first_year: int, last_year: int) -> frozenset[date]:
    return public_holidays(country, subdivision or None, range(first_year, last_year + 1))


def default_date_calendar(school: School) -> str:
    """Israeli and Jewish schools see Hebrew dates, Palestinian schools Hijri dates, unless they chose otherwise."""
    if school.country_id == "IL" or school.school_type in (School.Type.DAY, School.Type.SUPPLEMENTARY):
        return DateCalendar.HEBREW
    if school.country_id == "PS":
        return DateCalendar.HIJRI
    return DateCalendar.NONE


def calendars_for(schools: list[School], first: date, last: date) -> dict[int, SchoolCalendar]:
    """Every school's calendar over [first, last], in five queries whatever the number of schools."""
    ids = [school.pk for school in schools]
    settings = {row.school_id: row for row in CalendarSettings.objects.filter(school_id__in=ids)}
    days: dict[int, dict] = defaultdict(dict)
    for row in SchoolDay.objects.filter(school_id__in=ids):
        days[row.school_id][row.weekday] = (row.starts, row.ends)
    terms = defaultdict(list)
    for row in Term.objects.filter(school_id__in=ids, last_day__gte=first, first_day__lte=last):
        terms[row.school_id].append((row.first_day, row.last_day))
    closed = defaultdict(set)
    for row in Closure.objects.filter(school_id__in=ids, last_day__gte=first, first_day__lte=last):
        day = max(row.first_day, first)
        while day <= min(row.last_day, last):
            closed[row.school_id].add(day)
            day += timedelta(days=1)
    profiles = {
        school_id: (start, end)
        for school_id, start, end in TwinningProfile.objects.filter(
            school_id__in=ids, school_year=current_school_year(first)
        ).values_list("school_id", "day_start", "day_end")
    }
    out = {}
    for school in schools:
        row = settings.get(school.pk)
        subdivision = row.subdivision if row else ""
        hours = days.get(school.pk) or dict.fromkeys(
            SCHOOL_WEEK_DAYS[school.school_week], profiles.get(school.pk, DEFAULT_HOURS)
        )
        out[school.pk] = SchoolCalendar(
            key=str(school.pk),
            name=school.name,
            time_zone=school.time_zone,
            hours=hours,
            terms=tuple(sorted(terms.get(school.pk, ()))),
            holidays=_holidays(school.country_id, subdivision, first.year, last.year),
            closures=frozenset(closed.get(school.pk, ())),
        )
    return out


def calendar_for(school: School, first: date, last: date) -> SchoolCalendar:
    return calendars_for([school], first, last)[school.pk]


def holiday_names(school: School, first: date, last: date, language: str) -> list[tuple[date, str]]:
    """The public and school holidays over the range with their names, in `language` where the package has it."""
    row = CalendarSettings.objects.filter(school=school).first()
    subdivision = (row.subdivision if row else "") or None
    years = range(first.year, last.year + 1)
    try:
        probe = holidays.country_holidays(school.country_id, subdiv=subdivision)
    except (NotImplementedError, KeyError) as error:
        raise CalendarError(f"no holiday calendar for country {school.country_id!r}") from error
    supported = probe.supported_languages or ()
    language = next((code for code in supported if code == language or code.startswith(f"{language}_")), None)
    categories = tuple(c for c in ("public", "school") if c in (probe.supported_categories or ("public",)))
    found = holidays.country_holidays(
        school.country_id, subdiv=subdivision, years=years, categories=categories, language=language
    )
    return sorted((day, name) for day, name in found.items() if first <= day <= last)


def subdivisions_of(country: str) -> tuple[str, ...]:
    """The regions the holidays package knows for a country (empty when it has none or no calendar)."""
    try:
        return tuple(holidays.country_holidays(country).subdivisions)
    except (NotImplementedError, KeyError):
        return ()
