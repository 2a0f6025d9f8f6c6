"""School calendars from the database, through `manage.py meeting_windows` on real school rows.

Each test is a case where the calendar the engine was given differed from the one the school lives:
terms outside the range, holidays and closures just past its ends, regions, religious festivals,
and "never meet" judged from one week.
"""

import io
import json
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays
import pytest
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyluach import dates as hebrew_dates

from twinning.common.errors import ServiceError
from twinning.meetings import services
from twinning.meetings.models import CalendarSettings, Closure, SchoolDay, Term
from twinning.schools.models import School
from twinning.testing import make_country, make_school

pytestmark = pytest.mark.django_db

DAY = (time(8, 45), time(15, 15))
MON_FRI = dict.fromkeys(range(1, 6), DAY)


def windows(*schools, first: str, last: str) -> dict:
    out = io.StringIO()
    ids = [arg for school in schools for arg in ("--school", str(school.pk))]
    call_command("meeting_windows", *ids, "--from", first, "--to", last, "--json", stdout=out)
    return json.loads(out.getvalue())


def local_days(data: dict, school: School) -> set[date]:
    zone = ZoneInfo(school.time_zone)
    return {datetime.fromisoformat(w["start"]).astimezone(zone).date() for w in data["windows"]}


def calendar(school, *, region="", hours=None, keeps=(), terms=(), closures=()):
    services.save_timetable(
        school=school, by=None, hours=hours or MON_FRI, subdivision=region, date_calendar="", keeps=keeps
    )
    for n, (first, last) in enumerate(terms):
        services.add_term(school=school, by=None, name=f"Term {n + 1}", first_day=first, last_day=last)
    for first, last in closures:
        services.add_closure(school=school, by=None, kind="other", reason="", first_day=first, last_day=last)
    return school


@pytest.fixture
def london(cast):
    """The cast's British school, in England, with two terms around the Christmas break."""
    return calendar(
        cast.school_b,
        region="ENG",
        terms=[(date(2026, 9, 3), date(2026, 12, 18)), (date(2027, 1, 6), date(2027, 3, 26))],
    )


@pytest.fixture
def sydney_and_los_angeles(cast):
    australia = make_country("AU", "Australia", nso=None, time_zone="Australia/Sydney")
    america = make_country("US", "United States", nso=None, time_zone="America/Los_Angeles")
    sydney = calendar(make_school(country=australia, name="Bondi School"), region="NSW")
    los_angeles = calendar(make_school(country=america, name="Pacific School"), region="CA")
    return sydney, los_angeles


def test_a_range_between_two_terms_has_no_school(cast, london):
    # The Christmas break: no term covers 21 December to 5 January, so there is no school.
    assert windows(cast.school_a, london, first="2026-12-21", last="2027-01-05")["windows"] == []
    # The same days inside a longer range: only the last days of the autumn term.
    days = local_days(windows(cast.school_a, london, first="2026-12-14", last="2027-01-05"), london)
    assert days == {date(2026, 12, 14), date(2026, 12, 15), date(2026, 12, 16), date(2026, 12, 17)}
    # And the spring term is there when the range starts inside the break and ends in it.
    days = local_days(windows(cast.school_a, london, first="2026-12-21", last="2027-01-07"), london)
    assert days == {date(2027, 1, 6), date(2027, 1, 7)}


def test_holidays_just_after_the_range_are_known(sydney_and_los_angeles):
    sydney, los_angeles = sydney_and_los_angeles
    # Thursday 31 December afternoon in Los Angeles is Friday 1 January morning in Sydney: New Year's Day.
    data = windows(sydney, los_angeles, first="2026-12-28", last="2026-12-31")
    assert date(2027, 1, 1) not in local_days(data, sydney)
    # A day in term, to show the two schools do meet on that weekday and hour.
    data = windows(sydney, los_angeles, first="2027-02-08", last="2027-02-12")
    assert {w["minutes"] for w in data["windows"]} == {90}
    assert local_days(data, sydney) == {date(2027, 2, d) for d in (9, 10, 11, 12)}


def test_a_closure_just_after_the_range_is_known(sydney_and_los_angeles):
    sydney, los_angeles = sydney_and_los_angeles
    services.add_term(school=sydney, by=None, name="Term 1", first_day=date(2027, 1, 28), last_day=date(2027, 4, 9))
    services.add_closure(
        school=sydney, by=None, kind="trip", reason="", first_day=date(2027, 3, 5), last_day=date(2027, 3, 5)
    )
    days = local_days(windows(sydney, los_angeles, first="2027-03-01", last="2027-03-04"), sydney)
    assert days == {date(2027, 3, 2), date(2027, 3, 3), date(2027, 3, 4)}  # not Friday 5 March


def test_never_meet_is_judged_over_the_year(sydney_and_los_angeles):
    sydney, los_angeles = sydney_and_los_angeles
    june = windows(sydney, los_angeles, first="2027-06-07", last="2027-06-18")
    assert june["windows"] == []
    assert june["reason"] == (
        "Bondi School and Pacific School: their school days do not meet in these dates, "
        "but do at other times of the year."
    )
    assert windows(sydney, los_angeles, first="2027-02-08", last="2027-02-12")["windows"]


def test_the_region_brings_its_holidays(cast):
    uk, israel = cast.school_b, cast.school_a
    calendar(uk)  # the whole country: Easter Monday is a bank holiday in England, not in all of the UK
    assert date(2027, 3, 29) in local_days(windows(israel, uk, first="2027-03-29", last="2027-03-29"), uk)
    calendar(uk, region="ENG")
    assert windows(israel, uk, first="2027-03-29", last="2027-03-29")["windows"] == []
    germany = make_country("DE", "Germany", nso=None, time_zone="Europe/Berlin")
    munich = calendar(make_school(country=germany, name="Munich School"), region="BY")
    berlin = calendar(make_school(country=germany, name="Berlin School"), region="BE")
    # Epiphany (6 January) is a holiday in Bavaria and not in Berlin; Berlin's winter break is over by then.
    assert windows(munich, uk, first="2027-01-06", last="2027-01-06")["windows"] == []
    assert windows(berlin, uk, first="2027-01-06", last="2027-01-06")["windows"]


def test_a_region_of_another_country_is_refused(cast):
    with pytest.raises(ServiceError) as refused:
        calendar(cast.school_b, region="BY")
    assert refused.value.message == (
        "\u2068BY\u2069 is not a region of United Kingdom. Choose one of: \u2068England (ENG), Northern Ireland (NIR), "
        "Scotland (SCT), Wales (WLS)\u2069."
    )
    assert not CalendarSettings.objects.exists()


def test_a_jewish_day_school_abroad_keeps_the_jewish_festivals(cast):
    america = make_country("US", "United States", nso=None, time_zone="America/New_York")
    # A day school that never saved its calendar keeps the Jewish festivals by default.
    new_york = make_school(country=america, name="Riverdale Day School", school_type=School.Type.DAY)
    public = calendar(make_school(country=america, name="Bronx Public School"), region="NY")
    london = calendar(cast.school_b, region="ENG")
    # Yom Kippur falls on Monday 21 September 2026.
    assert local_days(windows(new_york, london, first="2026-09-21", last="2026-09-22"), new_york) == {date(2026, 9, 22)}
    assert date(2026, 9, 21) in local_days(windows(public, london, first="2026-09-21", last="2026-09-22"), public)
    # A school that chooses the Jewish calendar gets it too.
    calendar(public, region="NY", keeps=("jewish",))
    assert windows(public, london, first="2026-09-21", last="2026-09-21")["windows"] == []


def test_a_muslim_school_in_europe_keeps_eid(cast):
    france = make_country("FR", "France", nso=None, time_zone="Europe/Paris")
    paris = calendar(make_school(country=france, name="Lycée de Paris"), region="Zone C")
    birmingham = calendar(make_school(country=cast.uk, name="Al-Huda School"), region="ENG", keeps=("muslim",))
    # Eid al-Fitr 2027: Tuesday 9 and Wednesday 10 March.
    days = local_days(windows(paris, birmingham, first="2027-03-08", last="2027-03-12"), birmingham)
    assert days == {date(2027, 3, 8), date(2027, 3, 11), date(2027, 3, 12)}


def test_overlapping_terms_and_a_closure_outside_every_term_are_refused(cast, london):
    with pytest.raises(ServiceError) as overlap:
        services.add_term(
            school=london, by=None, name="Winter", first_day=date(2026, 12, 1), last_day=date(2027, 1, 10)
        )
    assert overlap.value.message == (
        "This term overlaps \u2068Term 1\u2069 (Sept. 3, 2026 – Dec. 18, 2026). Terms of a school cannot overlap."
    )
    with pytest.raises(ServiceError) as outside:
        services.add_closure(
            school=london, by=None, kind="trip", reason="", first_day=date(2026, 12, 21), last_day=date(2026, 12, 23)
        )
    assert "outside every term" in outside.value.message
    assert (Term.objects.filter(school=london).count(), Closure.objects.count()) == (2, 0)


# --- Whatever the range, a day reported is a day every school teaches -------------------------------


def teaches(school: School, day: date) -> bool:
    """Read from the rows and the holiday packages directly, not through `calendars_for`."""
    row = CalendarSettings.objects.filter(school=school).first()
    region = (row.subdivision if row else "") or None
    weekdays = set(SchoolDay.objects.filter(school=school).values_list("weekday", flat=True))
    terms = list(Term.objects.filter(school=school).values_list("first_day", "last_day"))
    closed = Closure.objects.filter(school=school, first_day__lte=day, last_day__gte=day).exists()
    try:
        public = holidays.country_holidays(
            school.country_id, subdiv=region, years=day.year, categories=("public", "school")
        )
    except Exception:  # noqa: BLE001  (no school category)
        public = holidays.country_holidays(school.country_id, subdiv=region, years=day.year)
    jewish = (row.keeps_jewish if row else school.school_type == School.Type.DAY) and bool(
        hebrew_dates.GregorianDate.from_pydate(day).festival(israel=False, include_working_days=False)
    )
    return (
        day.isoweekday() in weekdays
        and (not terms or any(first <= day <= last for first, last in terms))
        and not closed
        and day not in public
        and not jewish
    )


@pytest.fixture
def network(cast, london, sydney_and_los_angeles):
    sydney, los_angeles = sydney_and_los_angeles
    services.add_term(school=sydney, by=None, name="Term 4", first_day=date(2026, 10, 12), last_day=date(2026, 12, 18))
    services.add_term(school=sydney, by=None, name="Term 1", first_day=date(2027, 1, 28), last_day=date(2027, 4, 9))
    services.add_closure(
        school=sydney, by=None, kind="exams", reason="", first_day=date(2026, 11, 2), last_day=date(2026, 11, 6)
    )
    services.add_closure(
        school=london, by=None, kind="trip", reason="", first_day=date(2027, 2, 1), last_day=date(2027, 2, 2)
    )
    day_school = calendar(
        make_school(country=cast.uk, name="Hendon Day School", school_type=School.Type.DAY),
        region="ENG",
        keeps=("jewish",),
    )
    israel = calendar(cast.school_a, hours=dict.fromkeys((7, 1, 2, 3, 4), (time(8), time(13, 45))))
    return [israel, london, sydney, los_angeles, day_school]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    pair=st.lists(st.integers(0, 4), min_size=2, max_size=3, unique=True),
    offset=st.integers(0, 400),
    length=st.integers(0, 40),
)
def test_every_day_reported_is_a_day_each_school_teaches(network, pair, offset, length):
    schools = [network[n] for n in pair]
    first = date(2026, 8, 15) + timedelta(days=offset)
    last = first + timedelta(days=length)
    data = windows(*schools, first=first.isoformat(), last=last.isoformat())
    for window in data["windows"]:
        start, end = datetime.fromisoformat(window["start"]), datetime.fromisoformat(window["end"])
        for school in schools:
            local = start.astimezone(ZoneInfo(school.time_zone))
            assert teaches(school, local.date()), (school.name, local.date(), window)
            assert end.astimezone(ZoneInfo(school.time_zone)).date() == local.date()
