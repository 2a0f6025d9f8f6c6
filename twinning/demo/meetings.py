"""School calendars and meetings for the demo network.

Every school in an open twinning gets its own hours, this year's terms and an exam week; each
active twinning gets a meeting held last month (with its record), one confirmed and one proposed
in the common school time ahead. Future meetings are made through the services, as a teacher
would; the past one is written directly, since no one can propose a meeting in the past.
"""

from datetime import date, time, timedelta

from django.utils import timezone

from twinning.common.school_year import current_school_year
from twinning.meetings import services
from twinning.meetings.calendars import default_date_calendar
from twinning.meetings.models import Meeting, MeetingSchool, Term
from twinning.meetings.queries import common_time, schools_of
from twinning.schools.models import SCHOOL_WEEK_DAYS
from twinning.twinnings.models import Membership, Twinning

HOURS = {"IL": (time(8), time(13, 45)), "PS": (time(7, 45), time(13, 15))}
# A shorter Friday where the week has one (Israel, Palestine, most Jewish schools' Fridays).
SHORT_FRIDAY = time(12)
TERMS = {
    "GB": (("Autumn term", (9, 3), (12, 18)), ("Spring term", (1, 6), (3, 26)), ("Summer term", (4, 13), (7, 21))),
    "US": (("Fall semester", (9, 2), (12, 22)), ("Spring semester", (1, 5), (6, 15))),
}
TITLES = ("Getting to know each other", "Show and tell: our towns", "Festivals we celebrate")


def load_meetings() -> int:
    year = current_school_year()
    made = 0
    twinnings = Twinning.objects.filter(status__in=[Twinning.Status.ACTIVE, Twinning.Status.APPROVED])
    for twinning in twinnings:
        schools = schools_of(twinning)
        for school in schools:
            _calendar(school, year)
        made += _meetings(twinning, schools)
    return made


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
        school=school, by=by, hours=hours, subdivision="", date_calendar=default_date_calendar(school)
    )
    for name, (m1, d1), (m2, d2) in TERMS.get(school.country_id, ()):
        first = date(year if m1 >= 8 else year + 1, m1, d1)
        last = date(year if m2 >= 8 else year + 1, m2, d2)
        if not Term.objects.filter(school=school, first_day__lte=last, last_day__gte=first).exists():
            services.add_term(school=school, by=by, name=name, first_day=first, last_day=last)
    exams = date(year + 1, 6, 8)
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
