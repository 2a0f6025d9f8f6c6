"""School calendars from the database, for the meeting-windows engine."""

from datetime import date, time

from twinning.matching.models import TwinningProfile, current_school_year
from twinning.meetings.engine import SchoolCalendar, public_holidays
from twinning.schools.models import SCHOOL_WEEK_DAYS, School

DEFAULT_HOURS = (time(8), time(14))


def calendar_for(school: School, first: date, last: date) -> SchoolCalendar:
    """The school's week and time zone, its hours from this year's twinning profile (08:00–14:00 when
    it has none), and its country's public and school holidays over the range."""
    profile = (
        TwinningProfile.objects.filter(school=school, school_year=current_school_year(first))
        .values_list("day_start", "day_end")
        .first()
    )
    hours = profile or DEFAULT_HOURS
    return SchoolCalendar(
        key=str(school.pk),
        name=school.name,
        time_zone=school.time_zone,
        hours=dict.fromkeys(SCHOOL_WEEK_DAYS[school.school_week], hours),
        holidays=public_holidays(school.country_id, None, range(first.year, last.year + 1)),
    )
