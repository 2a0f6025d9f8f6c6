"""School calendars and meetings for the demo network.

Every school gets its region and the festivals it keeps; every school in an open twinning gets its
own hours, this year's terms (where the holidays package knows no school holidays) and an exam week; each
active twinning gets a meeting held last month (with its record), one confirmed and one proposed
in the common school time ahead. Future meetings are made through the services, as a teacher
would; the past one is written directly, since no one can propose a meeting in the past.
"""

from datetime import date, time, timedelta

from django.utils import timezone

from twinning.common.regions import regions_of
from twinning.common.school_year import current_school_year
from twinning.meetings import festivals, services
from twinning.meetings.calendars import default_date_calendar, default_festivals
from twinning.meetings.models import CalendarSettings, Meeting, MeetingSchool, Term
from twinning.meetings.queries import common_time, schools_of
from twinning.schools.models import SCHOOL_WEEK_DAYS, School
from twinning.twinnings.models import Membership, Twinning

HOURS = {"IL": (time(8), time(13, 45)), "PS": (time(7, 45), time(13, 15))}
# A shorter Friday where the week has one (Israel, Palestine, most Jewish schools' Fridays).
SHORT_FRIDAY = time(12)
# Terms where the holidays package has no school holidays (the breaks are known from the terms alone),
# as (name, (years after the school year's, month, day) of the first and of the last day).
TERMS = {
    "GB": (
        ("Autumn term", (0, 9, 3), (0, 12, 18)),
        ("Spring term", (1, 1, 6), (1, 3, 26)),
        ("Summer term", (1, 4, 13), (1, 7, 21)),
    ),
    "US": (("Fall semester", (0, 9, 2), (0, 12, 22)), ("Spring semester", (1, 1, 5), (1, 6, 15))),
    "PS": (("الفصل الأول", (0, 8, 24), (1, 1, 7)), ("الفصل الثاني", (1, 1, 24), (1, 6, 17))),
    # The school year is the calendar year in Argentina: this one's second half and the next one.
    "AR": (
        ("Segundo cuatrimestre", (0, 7, 27), (0, 12, 18)),
        ("Primer cuatrimestre", (1, 3, 1), (1, 7, 16)),
        ("Segundo cuatrimestre", (1, 8, 2), (1, 12, 17)),
    ),
}
# Each school's region, for its public and school holidays, by its country and city.
REGIONS = {
    "GB": {"Glasgow": "SCT"},
    "US": {
        "New York": "NY",
        "Los Angeles": "CA",
        "San Francisco": "CA",
        "Chicago": "IL",
        "Boston": "MA",
        "Miami": "FL",
        "Denver": "CO",
        "Phoenix": "AZ",
    },
    "CA": {"Toronto": "ON", "Montreal": "QC", "Vancouver": "BC"},
    "FR": {"Lyon": "Zone A", "Marseille": "Zone B", "Nantes": "Zone B", "Strasbourg": "Zone B"},
    "DE": {"Frankfurt am Main": "HE", "Berlin": "BE", "Munich": "BY", "Cologne": "NW", "Hamburg": "HH"},
    "AR": {"Buenos Aires": "C", "Córdoba": "X", "Rosario": "S"},
    "AU": {"Sydney": "NSW", "Melbourne": "VIC", "Perth": "WA", "Brisbane": "QLD"},
}
# The usual region of a country whose city is not listed above.
USUAL_REGION = {"GB": "ENG", "FR": "Zone C"}
# Festivals kept beyond the usual ones (Jewish schools outside Israel keep the Jewish festivals):
# a Leicester community college closes for the two Eids, a Church of England school for Ascension Day.
FESTIVALS = {
    "Riverside Community College": (festivals.MUSLIM,),
    "St Anne's Church of England Primary School": (festivals.CHRISTIAN,),
}
TITLES = ("Getting to know each other", "Show and tell: our towns", "Festivals we celebrate")


def load_meetings() -> int:
    year = current_school_year()
    made = 0
    for school in School.objects.all():
        _regions_and_festivals(school)
    twinnings = Twinning.objects.filter(status__in=[Twinning.Status.ACTIVE, Twinning.Status.APPROVED])
    for twinning in twinnings:
        schools = schools_of(twinning)
        for school in schools:
            _calendar(school, year)
        made += _meetings(twinning, schools)
    return made


def region_of(school: School) -> str:
    if not regions_of(school.country_id):
        return ""
    return REGIONS.get(school.country_id, {}).get(school.city, USUAL_REGION.get(school.country_id, ""))


def festivals_of(school: School) -> tuple[str, ...]:
    return default_festivals(school) + FESTIVALS.get(school.name, ())


def _regions_and_festivals(school: School) -> None:
    """Every school's region and festivals, as its teachers would have set them at sign-up or since."""
    CalendarSettings.objects.update_or_create(
        school=school,
        defaults={
            "subdivision": region_of(school),
            "date_calendar": default_date_calendar(school),
            **{f"keeps_{kind}": kind in festivals_of(school) for kind in festivals.KINDS},
        },
    )


def _calendar(school, year: int) -> None:
    if school.school_days.exists():
        return
    start, end = HOURS.get(school.country_id, (time(8, 45), time(15, 15)))
    hours = {}
    for day in SCHOOL_WEEK_DAYS[school.school_week]:
        hours[day] = (start, SHORT_FRIDAY if day == 5 and school.school_week in ("sun_fri", "sat_thu") else end)
    teacher = Membership.objects.filter(school=school).select_related("user").first()
    by = teacher.user if teacher else None
    services.save_timetable(
        school=school,
        by=by,
        hours=hours,
        subdivision=region_of(school),
        date_calendar=default_date_calendar(school),
        keeps=festivals_of(school),
    )
    terms = [
        (name, date(year + y1, m1, d1), date(year + y2, m2, d2))
        for name, (y1, m1, d1), (y2, m2, d2) in TERMS.get(school.country_id, ())
    ]
    for name, first, last in terms:
        if not Term.objects.filter(school=school, first_day__lte=last, last_day__gte=first).exists():
            services.add_term(school=school, by=by, name=name, first_day=first, last_day=last)
    # An exam week in June, three weeks before the summer, inside the term that ends it.
    summer = next((last for _name, _first, last in terms if last.year == year + 1 and last.month >= 6), None)
    exams = date(year + 1, 6, 8) if summer is None else summer - timedelta(days=21 + summer.weekday())
    services.add_closure(school=school, by=by, kind="exams", reason="", first_day=exams, last_day=exams + timedelta(4))


def _meetings(twinning, schools) -> int:
    if len(schools) < 2 or twinning.meetings.exists():
        return 0
    teachers = {
        m.school_id: m.user
        for m in Membership.objects.filter(twinning=twinning, role=Membership.Role.TEACHER_ADMIN).select_related("user")
    }
    host, guest = schools[0], schools[1]
    if host.pk not in teachers or guest.pk not in teachers:
        return 0
    today = timezone.localdate()
    ahead = common_time(twinning, today + timedelta(days=2), today + timedelta(days=30)).windows
    ahead.sort(key=lambda w: w.start)
    made = 0
    if twinning.status == Twinning.Status.ACTIVE:
        past = common_time(twinning, today - timedelta(days=40), today - timedelta(days=10)).windows
        if past:
            window = min(past, key=lambda w: w.start)
            meeting = Meeting.objects.create(
                twinning=twinning,
                title=TITLES[0],
                starts_at=window.start,
                ends_at=min(window.end, window.start + timedelta(minutes=45)),
                status=Meeting.Status.HELD,
                proposed_by=teachers[host.pk],
                notes="Every pupil said their name and one thing they love about "
                "their town. Next time: questions prepared in advance.",
                recorded_by=teachers[host.pk],
                recorded_at=window.start + timedelta(hours=2),
                agenda="Names, a song from each class, questions.",
            )
            MeetingSchool.objects.bulk_create(
                [
                    MeetingSchool(
                        meeting=meeting,
                        school=s,
                        answer=MeetingSchool.Answer.ACCEPTED,
                        answered_by=teachers.get(s.pk),
                        pupils_present=22 + n,
                        teachers_present=2,
                    )
                    for n, s in enumerate(schools)
                ]
            )
            made += 1
    for title, window, accept in zip(TITLES[1:], (ahead[:1] + ahead[5:6]), (True, False), strict=False):
        meeting = services.propose_meeting(
            twinning=twinning,
            by=teachers[host.pk],
            school=host,
            title=title,
            starts_at=window.start,
            ends_at=min(window.end, window.start + timedelta(minutes=45)),
            agenda="Each class presents for ten minutes, then questions.",
            video_link="https://meet.example.org/twinning-demo",
        )
        if accept:
            services.answer_meeting(meeting=meeting, by=teachers[guest.pk], school=guest, accept=True)
        made += 1
    return made
