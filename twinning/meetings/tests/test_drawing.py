"""The week grid and the heatmap: geometry in the viewer's time zone, mirrored right to left."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from django.utils import translation

from twinning.meetings.drawing import week_grid, year_heatmap
from twinning.meetings.engine import Window

JERUSALEM = ZoneInfo("Asia/Jerusalem")


def test_a_window_across_the_viewers_midnight_counts_on_both_days():
    # 21:00–23:00 UTC is 23:00–01:00 in Jerusalem (UTC+2 in January).
    window = Window(datetime(2027, 1, 11, 21, tzinfo=UTC), datetime(2027, 1, 11, 23, tzinfo=UTC))
    heat = year_heatmap([window], date(2027, 1, 10), date(2027, 1, 13), JERUSALEM, first_weekday=7, rtl=False)
    assert [(c.day.day, c.minutes, c.level) for c in heat["cells"]] == [
        (10, 0, 0),
        (11, 60, 1),
        (12, 60, 1),
        (13, 0, 0),
    ]


def test_heatmap_days_say_their_date_and_minutes_in_the_readers_language():
    window = Window(datetime(2027, 1, 11, 8, tzinfo=UTC), datetime(2027, 1, 11, 9, 30, tzinfo=UTC))
    with translation.override("en"):
        heat = year_heatmap([window], date(2027, 1, 10), date(2027, 1, 11), JERUSALEM, first_weekday=7, rtl=False)
    with translation.override("he"):
        hebrew = year_heatmap([window], date(2027, 1, 11), date(2027, 1, 11), JERUSALEM, first_weekday=7, rtl=True)
    assert [(c.label, c.fill) for c in heat["cells"]] == [
        ("Sun 10 Jan 2027: 0 minutes in common", "#eef1f5"),
        ("Mon 11 Jan 2027: 90 minutes in common", "#5fa777"),
    ]
    assert hebrew["cells"][0].label.endswith(": 90 דקות משותפות")


def test_days_run_right_to_left_in_hebrew_and_arabic():
    days = [date(2027, 1, 10 + n) for n in range(7)]
    window = Window(datetime(2027, 1, 11, 8, tzinfo=UTC), datetime(2027, 1, 11, 11, tzinfo=UTC))
    ltr, rtl = (week_grid([window], days, JERUSALEM, rtl=flag) for flag in (False, True))
    assert ltr["columns"][0]["x"] < ltr["columns"][1]["x"]
    assert rtl["columns"][0]["x"] > rtl["columns"][1]["x"]
    (block,) = rtl["blocks"]
    assert (block.label, block.start.hour) == ("10:00–13:00", 10)
    assert block.x + block.width <= rtl["columns"][1]["x"] + 112  # inside Monday's column
