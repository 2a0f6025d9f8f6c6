"""The school year every app counts in: named by the year it starts in, begun from August."""

from datetime import date

import pytest

from twinning.common.school_year import current_school_year, school_year_label


@pytest.mark.parametrize(
    ("day", "year"),
    [
        (date(2026, 7, 31), 2025),
        (date(2026, 8, 1), 2026),
        (date(2026, 12, 31), 2026),
        (date(2027, 1, 1), 2026),
    ],
)
def test_school_year_begins_on_the_first_of_august(day, year):
    assert current_school_year(day) == year


def test_school_year_today_follows_the_clock(clock):
    clock.now = clock.now.replace(year=2030, month=8, day=2, hour=12)
    assert current_school_year() == 2030


def test_school_year_label_names_both_calendar_years():
    assert school_year_label(2026) == "2026–2027"
