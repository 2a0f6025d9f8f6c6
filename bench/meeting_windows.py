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
    print(f"  three-school twinning, whole year        {one * 1000:7.2f} ms  "
          f"{'PASS' if one <= 0.050 else 'FAIL'} (<= 50 ms; {one / reference:.1f} x the reference)")
    print(f"  overview of 500 twinnings, whole year    {overview:7.2f} s   "
          f"{'PASS' if overview <= 5 else 'FAIL'} (<= 5 s; {found:,} windows)")


if __name__ == "__main__":
    main()
