"""School calendars from the database, for the meeting-windows engine.

A school's week and hours come from its own timetable (the hours per weekday it entered) or,
without one, its directory school week with the hours of this year's twinning profile (08:00–14:00
when it has none). All its terms are always loaded, whatever the range, so a day that no term
covers is a day without school. Public and school holidays come from the `holidays` package for
its country and region, with the religious festivals it keeps (see `festivals`); they and its
closures are loaded for every day the engine looks at: the range and a day on each side.
"""

from collections import defaultdict
from datetime import date, time, timedelta
from functools import lru_cache

import holidays
from django.utils.translation import gettext_lazy as _

from twinning.common.prepared import PreparedReadOfMany
from twinning.common.school_year import current_school_year
from twinning.matching.models import TwinningProfile
from twinning.meetings import festivals
from twinning.meetings.engine import CalendarError, SchoolCalendar, public_holidays
from twinning.meetings.models import CalendarSettings, Closure, DateCalendar, SchoolDay, Term
from twinning.schools.models import SCHOOL_WEEK_DAYS, School

DEFAULT_HOURS = (time(8), time(14))
# The engine looks at the day before and the day after the range (time zones far apart).
SCAN = timedelta(days=1)

FESTIVAL_NAMES = {
    "Rosh Hashanah": _("Rosh Hashanah"),
    "Yom Kippur": _("Yom Kippur"),
    "Sukkot": _("Sukkot"),
    "Shemini Atzeret": _("Shemini Atzeret"),
    "Simchat Torah": _("Simchat Torah"),
    "Passover": _("Passover"),
    "Shavuot": _("Shavuot"),
    "Eid al-Fitr": _("Eid al-Fitr"),
    "Eid al-Adha": _("Eid al-Adha"),
    "Good Friday": _("Good Friday"),
    "Easter Monday": _("Easter Monday"),
    "Ascension Day": _("Ascension Day"),
    "Whit Monday": _("Whit Monday"),
    "Christmas Day": _("Christmas Day"),
    "St Stephen's Day": _("St Stephen's Day"),
}


@lru_cache(maxsize=512)
def _holidays(
    country: str, subdivision: str, kept: tuple[str, ...], first_year: int, last_year: int
) -> frozenset[date]:
    found = public_holidays(country, subdivision or None, range(first_year, last_year + 1))
    kept_days = festivals.festivals(kept, date(first_year, 1, 1), date(last_year, 12, 31), israel=country == "IL")
    return found | frozenset(kept_days)


def default_date_calendar(school: School) -> str:
    """Israeli and Jewish schools see Hebrew dates, Palestinian schools Hijri dates, unless they chose otherwise."""
    if school.country_id == "IL" or school.school_type in (School.Type.DAY, School.Type.SUPPLEMENTARY):
        return DateCalendar.HEBREW
    if school.country_id == "PS":
        return DateCalendar.HIJRI
    return DateCalendar.NONE


def default_festivals(school: School) -> tuple[str, ...]:
    """Jewish schools outside Israel keep the Jewish festivals unless they chose otherwise (Israel's are public)."""
    if school.country_id != "IL" and school.school_type in (School.Type.DAY, School.Type.SUPPLEMENTARY):
        return (festivals.JEWISH,)
    return ()


def festivals_kept(school: School, row: CalendarSettings | None) -> tuple[str, ...]:
    return row.festivals if row is not None else default_festivals(school)


# What a calendar reads of its schools by their ids alone, compiled once per number of schools (see calendars_for);
# the closures' read holds the dates asked for and is built each time.
_SETTINGS = PreparedReadOfMany(lambda *ids: CalendarSettings.objects.filter(school_id__in=ids))
_HOURS = PreparedReadOfMany(
    lambda *ids: SchoolDay.objects.filter(school_id__in=ids).values_list("school_id", "weekday", "starts", "ends")
)
_TERMS = PreparedReadOfMany(
    lambda *ids: Term.objects.filter(school_id__in=ids).values_list("school_id", "first_day", "last_day")
)
# A school's profile for each year it looked for partners: a few rows, the year's chosen from them.
_PROFILE_HOURS = PreparedReadOfMany(
    lambda *ids: (
        TwinningProfile.objects.filter(school_id__in=ids)
        .order_by()
        .values_list("school_id", "school_year", "day_start", "day_end")
    )
)


def chosen_date_calendars(ids: list[int]) -> dict[int, str]:
    """The date calendar each of these schools chose, for those that saved a choice."""
    return {row.school_id: row.date_calendar for row in _SETTINGS.objects(ids)}


def calendars_for(schools: list[School], first: date, last: date) -> dict[int, SchoolCalendar]:
    """Every school's calendar for [first, last], in five queries whatever the number of schools.

    Terms are all the school's terms; holidays and closures cover the range and a day on each side.
    """
    ids = [school.pk for school in schools]
    scan_first, scan_last = first - SCAN, last + SCAN
    settings = {row.school_id: row for row in _SETTINGS.objects(ids)}
    days: dict[int, dict] = defaultdict(dict)
    for school_id, weekday, starts, ends in _HOURS.rows(ids):
        days[school_id][weekday] = (starts, ends)
    terms = defaultdict(list)
    for school_id, first_day, last_day in _TERMS.rows(ids):
        terms[school_id].append((first_day, last_day))
    closed = defaultdict(set)
    closures = Closure.objects.filter(school_id__in=ids, last_day__gte=scan_first, first_day__lte=scan_last)
    for row in closures:
        day = max(row.first_day, scan_first)
        while day <= min(row.last_day, scan_last):
            closed[row.school_id].add(day)
            day += timedelta(days=1)
    year = current_school_year(first)
    profiles = {
        school_id: (start, end)
        for school_id, school_year, start, end in _PROFILE_HOURS.rows(ids)
        if school_year == year
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
            holidays=_holidays(
                school.country_id, subdivision, festivals_kept(school, row), scan_first.year, scan_last.year
            ),
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
    named = {day: name for day, name in found.items() if first <= day <= last}
    kept = festivals.festivals(festivals_kept(school, row), first, last, israel=school.country_id == "IL")
    for day, name in kept.items():
        shown = str(FESTIVAL_NAMES.get(name, name))
        named[day] = f"{named[day]}; {shown}" if day in named and shown not in named[day] else named.get(day, shown)
    return sorted(named.items())
