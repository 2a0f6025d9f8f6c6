"""Meeting windows: one school year for a three-school twinning (≤ 50 ms), and a coordinator's
overview of 500 twinnings (each one's windows for the whole year, ≤ 5 s). Run by `make bench`.

Calendars are built the way the platform builds them (school week, hours, terms and each
country's holidays from the `holidays` package); the reference measured in the same run is the
cost of just laying out one school's days for the year.
"""

import random
import statistics
import sys
import time as clock
from datetime import date, time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from twinning.meetings.engine import SchoolCalendar, meeting_windows, public_holidays, school_intervals  # noqa: E402

FIRST, LAST = date(2026, 9, 1), date(2027, 6, 30)
PLACES = [  # country, time zone, school week
    ("IL", "Asia/Jerusalem", (7, 1, 2, 3, 4, 5)),
    ("GB", "Europe/London", (1, 2, 3, 4, 5)),
    ("FR", "Europe/Paris", (1, 2, 3, 4, 5)),
    ("US", "America/New_York", (1, 2, 3, 4, 5)),
    ("PS", "Asia/Hebron", (6, 7, 1, 2, 3, 4)),
    ("DE", "Europe/Berlin", (1, 2, 3, 4, 5)),
    ("AR", "America/Argentina/Buenos_Aires", (1, 2, 3, 4, 5)),
]
HOLIDAYS = {country: public_holidays(country, None, range(2026, 2028)) for country, _zone, _week in PLACES}


def calendar(rng: random.Random, n: int) -> SchoolCalendar:
    country, zone, week = rng.choice(PLACES)
    start = rng.choice((time(7, 45), time(8, 0), time(8, 30)))
    end = rng.choice((time(13, 0), time(14, 0), time(15, 30)))
    terms = ((date(2026, 9, 1), date(2026, 12, 18)), (date(2027, 1, 4), date(2027, 6, 30)))
    return SchoolCalendar(str(n), zone, dict.fromkeys(week, (start, end)), terms=terms, holidays=HOLIDAYS[country])


def timed(run, repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        began = clock.perf_counter()
        run()
        samples.append(clock.perf_counter() - began)
    return statistics.median(samples)


def main() -> None:
    rng = random.Random(7)
    trio = [calendar(rng, n) for n in range(3)]
    reference = timed(lambda: school_intervals(trio[0], FIRST, LAST), 20)
    one = timed(lambda: meeting_windows(trio, FIRST, LAST), 20)
    twinnings = [[calendar(rng, 10 * i + k) for k in range(rng.choice((2, 2, 3)))] for i in range(500)]
    began = clock.perf_counter()
    found = sum(len(meeting_windows(schools, FIRST, LAST)) for schools in twinnings)
    overview = clock.perf_counter() - began
    print("Meeting windows (school year 2026-09-01 to 2027-06-30, terms and national holidays)")
    print("-" * 80)
    print(f"  one school's days laid out (reference)   {reference * 1000:7.2f} ms")
    print(
        f"  three-school twinning, whole year        {one * 1000:7.2f} ms  "
        f"{'PASS' if one <= 0.050 else 'FAIL'} (<= 50 ms; {one / reference:.1f} x the reference)"
    )
    print(
        f"  overview of 500 twinnings, whole year    {overview:7.2f} s   "
        f"{'PASS' if overview <= 5 else 'FAIL'} (<= 5 s; {found:,} windows)"
    )


# The coordinator's overview page as the platform computes it, from the database: 500 open twinnings
# of 1,000 schools with their own hours, terms and closures; the page's four weeks and a whole year.
OVERVIEW_SEED = """
import random, time as clock
from datetime import date, time, timedelta
import django
django.setup()
from twinning import testing
from twinning.meetings import queries
from twinning.meetings.models import Closure, SchoolDay, Term
from twinning.schools.models import School
from twinning.twinnings.models import Twinning, TwinningSchool

rng = random.Random(3)
nso = testing.make_nso("il", "Israel NSO")
places = [testing.make_country("IL", "Israel", nso=nso, time_zone="Asia/Jerusalem", week="sun_thu"),
          testing.make_country("GB", "United Kingdom", nso=None, time_zone="Europe/London"),
          testing.make_country("US", "United States", nso=None, time_zone="America/New_York"),
          testing.make_country("FR", "France", nso=None, time_zone="Europe/Paris")]
coordinator = testing.make_person(name="Avi Coordinator")
schools = School.objects.bulk_create([
    School(name=f"School {n}", city="Town", school_type="public", age_from=10, age_to=14, status="validated",
           country=places[0] if n % 2 == 0 else rng.choice(places[1:]),
           time_zone=(places[0] if n % 2 == 0 else places[1 + n % 3]).default_time_zone,
           school_week="sun_thu" if n % 2 == 0 else "mon_fri")
    for n in range(1000)])
days, terms, closures = [], [], []
for school in schools:
    week = (7, 1, 2, 3, 4) if school.school_week == "sun_thu" else (1, 2, 3, 4, 5)
    for day in week:
        days.append(SchoolDay(school=school, weekday=day, starts=time(8, rng.choice((0, 15, 30))),
                              ends=time(rng.choice((13, 14, 15)), 0)))
    terms += [Term(school=school, name="Autumn", first_day=date(2026, 9, 1), last_day=date(2026, 12, 18)),
              Term(school=school, name="Spring", first_day=date(2027, 1, 4), last_day=date(2027, 6, 30))]
    closures.append(Closure(school=school, kind="exams", first_day=date(2026, 12, 7), last_day=date(2026, 12, 9)))
SchoolDay.objects.bulk_create(days)
Term.objects.bulk_create(terms)
Closure.objects.bulk_create(closures)
twinnings = Twinning.objects.bulk_create(
    [Twinning(titles={"en": f"T{n}"}, school_year=2026, status="active", coordinator=coordinator) for n in range(500)])
TwinningSchool.objects.bulk_create(
    [TwinningSchool(twinning=t, school=schools[2 * n + k], status="joined") for n, t in enumerate(twinnings)
     for k in (0, 1)])
overseen = Twinning.objects.filter(coordinator=coordinator)
for first, last, label in ((date(2026, 11, 23), date(2026, 12, 20), "four weeks"),
                           (date(2026, 9, 1), date(2027, 6, 30), "whole year")):
    began = clock.perf_counter()
    rows = queries.overview_for(overseen, first, last)
    print(label, len(rows), clock.perf_counter() - began)
"""


def overview_from_database() -> list[tuple[str, int, float]]:
    import os
    import subprocess
    import tempfile

    root = Path(__file__).resolve().parent.parent
    with tempfile.TemporaryDirectory() as workdir:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "twinning.settings",
            "DATABASE_URL": f"sqlite:///{workdir}/bench.sqlite3",
            "TWINNING_JOBS_IMMEDIATE": "1",
        }
        subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=root, env=env, check=True)
        out = subprocess.run(
            [sys.executable, "-c", OVERVIEW_SEED], cwd=root, env=env, check=True, capture_output=True, text=True
        ).stdout
    rows = []
    for line in out.splitlines():
        *label, count, seconds = line.split()
        rows.append((" ".join(label), int(count), float(seconds)))
    return rows


if __name__ == "__main__":
    main()
    for label, count, seconds in overview_from_database():
        print(
            f"  overview page from the database, {count} twinnings, {label:10} {seconds:5.2f} s   "
            f"{'PASS' if seconds <= 5 else 'FAIL'} (<= 5 s; calendars, terms, closures read in bulk)"
        )
