"""The week grid and the heatmap: geometry in the viewer's time zone, mirrored right to left."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from django.utils import translation
from django.utils.formats import date_format

from twinning.meetings.drawing import week_grid, year_heatmap
from twinning.meetings.engine import Window

JERUSALEM = ZoneInfo("Asia/Jerusalem")


def test_a_window_across_the_viewers_midnight_counts_on_both_days():
    # 21:00–23:00 UTC is 23:00–01:00 in Jerusalem (UTC+2 in January).
    window = Window(datetime(2027, 1, 11, 21, tzinfo=UTC), datetime(2027, 1, 11, 23, tzinfo=UTC))
    heat = year_heatmap(
        [window], date(2027, 1, 10), date(2027, 1, 13), JERUSALEM, first_weekday=7, today=date(2027, 1, 1), propose=True
    )
    assert [(c.day.day, c.minutes, c.level) for c in cells(heat)] == [
        (10, 0, 0),
        (11, 60, 1),
        (12, 60, 1),
        (13, 0, 0),
    ]


def cells(heat: dict) -> list:
    """The days of the year's table in date order (it is laid out one row per weekday)."""
    return sorted((c for row in heat["rows"] for c in row["cells"] if c is not None), key=lambda c: c.day)


def test_heatmap_days_say_their_date_minutes_and_times_in_the_readers_language():
    window = Window(datetime(2027, 1, 11, 8, tzinfo=UTC), datetime(2027, 1, 11, 9, 30, tzinfo=UTC))
    with translation.override("en"):
        heat = year_heatmap(
            [window],
            date(2027, 1, 10),
            date(2027, 1, 11),
            JERUSALEM,
            first_weekday=7,
            today=date(2027, 1, 1),
            propose=1,
        )
    with translation.override("he"):
        hebrew = year_heatmap(
            [window],
            date(2027, 1, 11),
            date(2027, 1, 11),
            JERUSALEM,
            first_weekday=7,
            today=date(2027, 1, 1),
            propose=1,
        )
        assert cells(hebrew)[0].label.startswith(date_format(date(2027, 1, 11), "l j F Y") + ": 90 דקות משותפות")
    assert [(c.label, c.fill) for c in cells(heat)] == [
        ("Sunday 10 January 2027: 0 minutes in common", "#eef1f5"),
        ("Monday 11 January 2027: 90 minutes in common (10 a.m.–11:30 a.m.)", "#5fa777"),
    ]
    assert cells(hebrew)[0].label.endswith("(10:00–11:30)")  # 24-hour digits in right-to-left languages


def test_the_years_days_are_laid_out_one_row_per_weekday_with_one_tab_stop():
    window = Window(datetime(2027, 1, 11, 8, tzinfo=UTC), datetime(2027, 1, 11, 9, 30, tzinfo=UTC))
    past = Window(datetime(2027, 1, 4, 8, tzinfo=UTC), datetime(2027, 1, 4, 9, tzinfo=UTC))
    heat = year_heatmap(
        [past, window],
        date(2027, 1, 1),
        date(2027, 1, 31),
        JERUSALEM,
        first_weekday=7,
        today=date(2027, 1, 7),
        propose=1,
    )
    # 1 January 2027 is a Friday: the first column holds Friday and Saturday only, the sixth Sunday the 31st.
    assert [row["name"] for row in heat["rows"]][:2] == ["Sunday", "Monday"]
    assert heat["weeks"] == 6 and [c is None for c in (r["cells"][0] for r in heat["rows"])] == [True] * 5 + [False] * 2
    assert [(m["name"], m["span"]) for m in heat["months"]] == [("January 2027", 6)]
    days = cells(heat)
    assert len(days) == 31 and [c.day for c in days if c.stop] == [date(2027, 1, 7)]  # today is the one Tab stop
    # A coming day with common time proposes a meeting at its first common time; a past one shows its week.
    by_day = {c.day.day: c for c in days}
    assert (by_day[11].proposes, by_day[11].href) == (True, "?week=2027-01-10&at=2027-01-11T10:00#propose")
    assert (by_day[4].proposes, by_day[4].href) == (False, "?week=2027-01-03#common")
    assert by_day[12].href == ""  # no common time, nothing to choose


def test_days_run_right_to_left_in_hebrew_and_arabic():
    days = [date(2027, 1, 10 + n) for n in range(7)]
    window = Window(datetime(2027, 1, 11, 8, tzinfo=UTC), datetime(2027, 1, 11, 11, tzinfo=UTC))
    ltr, rtl = (week_grid([window], days, JERUSALEM, rtl=flag) for flag in (False, True))
    assert ltr["columns"][0]["x"] < ltr["columns"][1]["x"]
    assert rtl["columns"][0]["x"] > rtl["columns"][1]["x"]
    (block,) = rtl["blocks"]
    assert (block.label, block.start.hour) == ("10:00–13:00", 10)
    assert block.x + block.width <= rtl["columns"][1]["x"] + 112  # inside Monday's column
