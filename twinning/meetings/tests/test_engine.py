"""Meeting windows: known answers across school weeks, daylight saving and holidays; properties."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from twinning.meetings.engine import (
    DAYS_OFF,
    OTHER_SEASON,
    CalendarError,
    SchoolCalendar,
    meeting_windows,
    no_window_kind,
    public_holidays,
    school_intervals,
    why_no_window,
)

SUN_THU = (7, 1, 2, 3, 4)
MON_FRI = (1, 2, 3, 4, 5)


def school(key, zone, days, start=time(8), end=time(14), **fields):
    return SchoolCalendar(key, zone, dict.fromkeys(days, (start, end)), name=key, **fields)


def utc(*args):
    return datetime(*args, tzinfo=UTC)


def test_israel_and_england_share_monday_to_thursday_only():
    israel = school("Haifa", "Asia/Jerusalem", SUN_THU, time(8), time(14))
    england = school("London", "Europe/London", MON_FRI, time(9), time(15))
    # A week in November: Israel is UTC+2, England UTC+0.
    windows = meeting_windows([israel, england], date(2026, 11, 22), date(2026, 11, 28))
    assert sorted({w.start.date().isoweekday() for w in windows}) == [1, 2, 3, 4]
    # Haifa 08:00–14:00 is 06:00–12:00 UTC; London 09:00–15:00 is 09:00–15:00 UTC: 09:00–12:00 UTC.
    assert sorted((w.start, w.end) for w in windows)[0] == (utc(2026, 11, 23, 9), utc(2026, 11, 23, 12))


def test_daylight_saving_changing_on_different_dates_moves_the_window():
    new_york = school("New York", "America/New_York", MON_FRI, time(8), time(15))
    london = school("London", "Europe/London", MON_FRI, time(8), time(15))

    def hours_on(day):
        [window] = [w for w in meeting_windows([new_york, london], day, day) if w.start.date() == day]
        return window.minutes / 60

    # US clocks go forward on 14 March 2027, the UK's on 28 March: three weeks with a 4-hour gap.
    assert hours_on(date(2027, 3, 8)) == 2  # 5 hours apart: London 13:00–15:00 = New York 08:00–10:00
    assert hours_on(date(2027, 3, 15)) == 3  # 4 hours apart
    assert hours_on(date(2027, 3, 29)) == 2  # 5 hours apart again
    # And in autumn: the UK goes back on 31 October 2027, the US on 7 November.
    assert hours_on(date(2027, 11, 1)) == 3
    assert hours_on(date(2027, 11, 8)) == 2


def test_israel_changes_clocks_days_before_europe():
    haifa = school("Haifa", "Asia/Jerusalem", SUN_THU, time(8), time(14))
    paris = school("Paris", "Europe/Paris", MON_FRI, time(9), time(16))
    # Israel goes back on 25 October 2026, France on 25 October too; in spring 2027 Israel moves on
    # 26 March, France on 28 March: on Monday 22 March both are in winter time (1 hour apart).
    [window] = [
        w
        for w in meeting_windows([haifa, paris], date(2027, 3, 22), date(2027, 3, 22))
        if w.start.date() == date(2027, 3, 22)
    ]
    assert (window.start, window.end) == (utc(2027, 3, 22, 8), utc(2027, 3, 22, 12))


def test_yom_kippur_christmas_eid_and_passover_have_no_window():
    il_holidays = public_holidays("IL", None, range(2026, 2028))
    gb_holidays = public_holidays("GB", "ENG", range(2026, 2028))
    ps_holidays = public_holidays("PS", None, range(2026, 2028))
    haifa = school("Haifa", "Asia/Jerusalem", SUN_THU, holidays=il_holidays)
    london = school("London", "Europe/London", MON_FRI, time(8), time(15), holidays=gb_holidays)
    ramallah = school("Ramallah", "Asia/Hebron", (6, 7, 1, 2, 3, 4), holidays=ps_holidays)
    days = {w.start.date() for w in meeting_windows([haifa, london], date(2026, 9, 20), date(2027, 4, 30))}
    assert date(2026, 9, 21) not in days  # Yom Kippur (a Monday)
    assert date(2026, 12, 25) not in days  # Christmas Day (a Friday: no overlap anyway) …
    assert date(2026, 12, 28) not in days  # … and Boxing Day observed, a Monday
    assert date(2026, 9, 22) in days  # the day after Yom Kippur is an ordinary Tuesday
    passover = {
        d
        for d, name in __import__("holidays").country_holidays("IL", years=2027).items()
        if "Passover" in name or "Pesach" in name
    }
    assert passover and not passover & days
    # Eid al-Fitr 2027 falls on 9–11 March in Palestine (and 8 March is International Women's Day there).
    eid = {w.start.date() for w in meeting_windows([ramallah, london], date(2027, 3, 1), date(2027, 3, 12))}
    assert (
        date(2027, 3, 4) in eid and not {date(2027, 3, 8), date(2027, 3, 9), date(2027, 3, 10), date(2027, 3, 11)} & eid
    )


def test_schools_that_never_meet_say_why():
    sydney = school("Sydney", "Australia/Sydney", MON_FRI, time(9), time(15))
    # Sydney 09:00–15:00 (UTC+11 in summer) is 22:00–04:00 UTC; Los Angeles 08:00–14:00 (UTC-8) is 16:00–22:00.
    los_angeles = school("Los Angeles", "America/Los_Angeles", MON_FRI, time(8), time(14))
    assert meeting_windows([sydney, los_angeles], date(2026, 11, 23), date(2026, 12, 4)) == []
    assert why_no_window([sydney, los_angeles], date(2026, 11, 23), date(2026, 12, 4)) == (
        "Sydney and Los Angeles: their school days never meet in UTC; an asynchronous activity may suit."
    )


def test_schools_that_meet_in_another_season_are_not_told_they_never_meet():
    # 08:45–15:15 in both: in February (Sydney UTC+11, Los Angeles UTC-8) Sydney's morning is LA's
    # afternoon for 90 minutes; in June (UTC+10, UTC-7) the two days no longer touch.
    sydney = school("Sydney", "Australia/Sydney", MON_FRI, time(8, 45), time(15, 15))
    los_angeles = school("Los Angeles", "America/Los_Angeles", MON_FRI, time(8, 45), time(15, 15))
    assert {w.minutes for w in meeting_windows([sydney, los_angeles], date(2027, 2, 8), date(2027, 2, 12))} == {90}
    assert meeting_windows([sydney, los_angeles], date(2027, 6, 7), date(2027, 6, 11)) == []
    assert no_window_kind([sydney, los_angeles], date(2027, 6, 7), date(2027, 6, 11)) == OTHER_SEASON
    assert why_no_window([sydney, los_angeles], date(2027, 6, 7), date(2027, 6, 11)) == (
        "Sydney and Los Angeles: their school days do not meet in these dates, but do at other times of the year."
    )
    # A weekend is not a season: the week around it has common time.
    assert no_window_kind([sydney, los_angeles], date(2027, 2, 13), date(2027, 2, 14)) == DAYS_OFF


def test_longer_windows_rank_first_and_first_lessons_rank_lower():
    a = school("A", "UTC", MON_FRI, time(8), time(14))
    b = school("B", "UTC", (1,), time(8), time(10))  # meets A only at A's first lesson
    c = school("C", "UTC", (2,), time(10), time(12))  # in the middle of A's day
    windows = meeting_windows(
        [a, school("AB", "UTC", MON_FRI, time(8), time(14))], date(2026, 11, 23), date(2026, 11, 23)
    )
    assert windows[0].minutes == 360
    first_lesson = meeting_windows([a, b], date(2026, 11, 23), date(2026, 11, 23))[0]
    midday = meeting_windows([a, c], date(2026, 11, 24), date(2026, 11, 24))[0]
    assert first_lesson.minutes == midday.minutes == 120
    assert first_lesson.score < midday.score


@pytest.mark.parametrize(
    ("calendars", "first", "last", "message"),
    [
        (
            [school("A", "UTC", MON_FRI, time(14), time(8)), school("B", "UTC", MON_FRI)],
            date(2026, 1, 1),
            date(2026, 1, 2),
            "A: the school day ends (08:00) before it starts (14:00)",
        ),
        (
            [school("A", "Mars/Base", MON_FRI), school("B", "UTC", MON_FRI)],
            date(2026, 1, 1),
            date(2026, 1, 2),
            "A: unknown time zone 'Mars/Base'",
        ),
        (
            [school("A", "UTC", MON_FRI), school("B", "UTC", MON_FRI)],
            date(2026, 1, 1),
            date(2028, 6, 1),
            "the range is longer than two years (883 days)",
        ),
        (
            [school("A", "UTC", MON_FRI), school("B", "UTC", MON_FRI)],
            date(2026, 1, 5),
            date(2026, 1, 1),
            "the range ends (2026-01-01) before it starts (2026-01-05)",
        ),
    ],
)
def test_bad_input_gets_a_clear_error(calendars, first, last, message):
    with pytest.raises(CalendarError) as error:
        meeting_windows(calendars, first, last)
    assert str(error.value) == message


def test_unknown_country_for_holidays():
    with pytest.raises(CalendarError, match="no holiday calendar for country 'XX'"):
        public_holidays("XX", None, range(2026, 2027))


ZONES = [
    "Asia/Jerusalem",
    "Europe/London",
    "America/New_York",
    "Asia/Hebron",
    "Australia/Sydney",
    "UTC",
    "Asia/Kolkata",
    "America/Argentina/Buenos_Aires",
]


@st.composite
def calendars(draw):
    zone = draw(st.sampled_from(ZONES))
    days = draw(st.sets(st.integers(1, 7), min_size=1, max_size=6))
    start = draw(st.integers(6 * 4, 11 * 4)) * 15
    length = draw(st.integers(2 * 4, 8 * 4)) * 15
    start_time = time(start // 60, start % 60)
    end_minutes = start + length
    end_time = time(end_minutes // 60, end_minutes % 60)
    base = date(2026, 9, 1)
    off = draw(st.sets(st.integers(0, 120), max_size=15))
    return SchoolCalendar(
        draw(st.text("abc", min_size=1, max_size=3)),
        zone,
        dict.fromkeys(days, (start_time, end_time)),
        holidays=frozenset(base + timedelta(days=n) for n in off),
    )


@settings(max_examples=60, deadline=None)
@given(st.lists(calendars(), min_size=2, max_size=3), st.integers(0, 100), st.integers(0, 20))
def test_every_window_lies_inside_every_schools_open_hours(schools, offset, length):
    first = date(2026, 9, 1) + timedelta(days=offset)
    last = first + timedelta(days=length)
    for window in meeting_windows(schools, first, last, min_minutes=15):
        for calendar in schools:
            zone = ZoneInfo(calendar.time_zone)
            local_start, local_end = window.start.astimezone(zone), window.end.astimezone(zone)
            day = local_start.date()
            assert local_end.date() == day or local_end.time() == time(0)
            assert calendar.teaches_on(day)  # a day this school works: not a holiday or closure
            open_at, close_at = calendar.hours[day.isoweekday()]
            assert open_at <= local_start.time() and (local_end.time() <= close_at or local_end.date() > day)
        assert window.minutes >= 15


@settings(max_examples=30, deadline=None)
@given(st.lists(calendars(), min_size=2, max_size=3))
def test_windows_are_exactly_the_common_school_time(schools):
    first, last = date(2026, 10, 20), date(2026, 11, 5)
    windows = meeting_windows(schools, first, last, min_minutes=1)
    minute = timedelta(minutes=15)
    intervals = [school_intervals(c, first - timedelta(days=1), last + timedelta(days=1)) for c in schools]
    # Sample moments: each window's midpoint is inside every school's lessons.
    for window in windows:
        mid = window.start + (window.end - window.start) / 2
        assert all(any(s <= mid < e for s, e in per) for per in intervals)
    # And a moment inside every school's lessons (in range) lies in some window.
    for s, _e in intervals[0]:
        moment = s + minute / 2
        in_range = any(first <= moment.astimezone(ZoneInfo(c.time_zone)).date() <= last for c in schools)
        if in_range and all(any(a <= moment < b for a, b in per) for per in intervals[1:]):
            assert any(w.start <= moment < w.end for w in windows)
