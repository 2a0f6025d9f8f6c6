"""The week grid (SVG drawn on the server) and the year at a glance (a table of days) of a twinning's common
school time.

Geometry and words only; the templates write the markup, so every label is escaped there. The week
grid's shapes carry presentation attributes, no style (a strict CSP), and in right-to-left languages
its days run from right to left. The year is a table, one row per weekday and one column per week:
the page's direction lays it out, and its ~365 day labels are made here from names looked up once
per page (a `date_format` per day cost most of the page's time).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils.dates import MONTHS, MONTHS_3, WEEKDAYS, WEEKDAYS_ABBR
from django.utils.formats import date_format, localize
from django.utils.translation import ngettext

from twinning.common.clock import clock
from twinning.meetings.engine import Window

HOUR_HEIGHT, DAY_WIDTH, LABEL_WIDTH, HEADER = 44, 112, 52, 34


@dataclass
class Block:
    x: int
    y: int
    width: int
    height: int
    label: str
    start: datetime  # in the viewer's time zone
    end: datetime


def split_by_day(windows: list[Window], zone) -> list[tuple[datetime, datetime, Window]]:
    """Windows in the viewer's time zone, cut at the viewer's midnight."""
    pieces = []
    for window in sorted(windows, key=lambda w: w.start):
        start, end = window.start.astimezone(zone), window.end.astimezone(zone)
        while start < end:
            midnight = datetime.combine(start.date() + timedelta(days=1), time(), zone)
            pieces.append((start, min(end, midnight), window))
            start = min(end, midnight)
    return pieces


def week_grid(windows: list[Window], days: list[date], zone, *, rtl: bool) -> dict:
    """Columns for the days, rows for the hours the windows touch (07:00–16:00 at least)."""
    pieces = [p for p in split_by_day(windows, zone) if p[0].date() in days]
    first_hour = min([7] + [p[0].hour for p in pieces])
    last_hour = max([16] + [p[1].hour + (1 if p[1].minute or p[1].second else 0) for p in pieces])
    if any(p[1].time() == time() for p in pieces):
        last_hour = 24
    width = LABEL_WIDTH + DAY_WIDTH * len(days)
    height = HEADER + HOUR_HEIGHT * (last_hour - first_hour) + 8

    def x_of(column: int, span: int = DAY_WIDTH) -> int:
        x = LABEL_WIDTH + DAY_WIDTH * column
        return width - x - span if rtl else x

    def y_of(moment: datetime) -> int:
        return round(HEADER + (moment.hour + moment.minute / 60 - first_hour) * HOUR_HEIGHT)

    blocks = []
    for start, end, _window in pieces:
        column = days.index(start.date())
        y_start = y_of(start)
        y_end = HEADER + HOUR_HEIGHT * (last_hour - first_hour) if end.time() == time() else y_of(end)
        # 24-hour labels, as on the grid's axis: they fit inside the block in every language.
        label = f"{start:%H:%M}–{end:%H:%M}" if end.time() != time() else f"{start:%H:%M}–24:00"
        blocks.append(Block(x_of(column) + 4, y_start, DAY_WIDTH - 8, max(y_end - y_start, 6), label, start, end))
    columns = [
        {"x": x_of(n), "middle": x_of(n) + DAY_WIDTH // 2, "day": day, "label": date_format(day, "D j/n")}
        for n, day in enumerate(days)
    ]
    hours = [
        {"y": HEADER + HOUR_HEIGHT * n, "label": f"{first_hour + n:02d}:00"} for n in range(last_hour - first_hour + 1)
    ]
    label_x = width - LABEL_WIDTH + 6 if rtl else LABEL_WIDTH - 6
    return {
        "width": width,
        "height": height,
        "columns": columns,
        "hours": hours,
        "blocks": blocks,
        "label_x": label_x,
        "grid_x1": 0 if rtl else LABEL_WIDTH,
        "grid_x2": width - LABEL_WIDTH if rtl else width,
    }


@dataclass
class Cell:
    day: date
    minutes: int
    level: int
    week_start: date
    label: str = ""  # the day, its minutes in common and their times, in the reader's language
    fill: str = ""
    href: str = ""  # a day with common time: its week, or the meeting form filled with its first common time
    proposes: bool = False  # the link proposes a meeting (from today on, to those who may plan)
    stop: bool = False  # the year's one Tab stop (the others are reached with the arrow keys)
    today: bool = False


# The heatmap's shades, from no common time (level 0) to more than two hours (3).
HEAT_FILLS = ("#eef1f5", "#b9dcc3", "#5fa777", "#1d6b3a")


def heat_level(minutes: int) -> int:
    if minutes <= 0:
        return 0
    if minutes <= 60:
        return 1
    if minutes <= 120:
        return 2
    return 3


class _Words:
    """The names and phrases of one page's days, each translated once."""

    def __init__(self) -> None:
        self.weekdays = [str(WEEKDAYS[n]) for n in range(7)]
        self.months = {n: str(MONTHS[n]) for n in range(1, 13)}
        self._counts: dict[int, str] = {}
        self._clocks: dict[time, str] = {}

    def date(self, day: date) -> str:
        """As `date_format(day, "l j F Y")`, without parsing the format for every day."""
        return f"{self.weekdays[day.weekday()]} {day.day} {self.months[day.month]} {day.year}"

    def count(self, minutes: int) -> str:
        if minutes not in self._counts:
            self._counts[minutes] = ngettext("%(n)s minute in common", "%(n)s minutes in common", minutes) % {
                "n": localize(minutes)
            }
        return self._counts[minutes]

    def clock(self, moment: time) -> str:
        if moment not in self._clocks:
            self._clocks[moment] = clock(moment)
        return self._clocks[moment]


def day_label(day: date, minutes: int, pieces=(), words: _Words | None = None) -> str:
    """The day, its minutes of common time and their times (in the viewer's time zone), in words."""
    words = words or _Words()
    label = f"{words.date(day)}: {words.count(minutes)}"
    if pieces:
        times = ", ".join(f"{words.clock(start.time())}–{words.clock(end.time())}" for start, end in pieces)
        label += f" ({times})"
    return label


def year_heatmap(
    windows: list[Window], first: date, last: date, zone, *, first_weekday: int, today: date, propose: bool
) -> dict:
    """One row per weekday (starting at `first_weekday`, ISO 1–7) and one column per week, as a wall planner;
    each day shaded by its minutes of common time in the viewer's time zone.

    A day with common time links to its week or, with `propose` and from `today` on, to the meeting form
    filled with its first common time. One day is the year's Tab stop: today, or the first day when today
    is outside the range.
    """
    pieces: dict[date, list[tuple[datetime, datetime]]] = {}
    for start, end, _window in split_by_day(windows, zone):
        pieces.setdefault(start.date(), []).append((start, end))
    if last < first:
        return {"rows": [], "months": [], "weeks": 0}
    offset = (first.isoweekday() - first_weekday) % 7
    origin = first - timedelta(days=offset)
    weeks = ((last - origin).days // 7) + 1
    words = _Words()
    stop_day = today if first <= today <= last else first
    rows: list[list[Cell | None]] = [[None] * weeks for _ in range(7)]
    column_month: list[tuple[int, int]] = []
    for n in range((last - first).days + 1):
        day = first + timedelta(days=n)
        week, row = divmod((day - origin).days, 7)
        week_start = origin + timedelta(weeks=week)
        own = pieces.get(day, [])
        minutes = sum(int((end - start).total_seconds() // 60) for start, end in own)
        level = heat_level(minutes)
        proposes = propose and bool(own) and day >= today
        if proposes:
            href = f"?week={week_start.isoformat()}&at={own[0][0]:%Y-%m-%dT%H:%M}#propose"
        else:
            href = f"?week={week_start.isoformat()}#common" if own else ""
        rows[row][week] = Cell(
            day,
            minutes,
            level,
            week_start,
            label=day_label(day, minutes, own, words),
            fill=HEAT_FILLS[level],
            href=href,
            proposes=proposes,
            stop=day == stop_day,
            today=day == today,
        )
        if len(column_month) == week:
            column_month.append((day.year, day.month))  # a week belongs to the month of its first day shown
    months: list[dict] = []
    for year, month in column_month:
        if months and months[-1]["key"] == (year, month):
            months[-1]["span"] += 1
        else:
            months.append(
                {
                    "key": (year, month),
                    "span": 1,
                    "abbr": str(MONTHS_3[month]).title(),
                    "name": f"{words.months[month]} {year}",
                }
            )
    weekday_rows = []
    for number, cells in enumerate(rows):
        iso = (first_weekday - 1 + number) % 7  # 0 Monday … 6 Sunday
        weekday_rows.append({"abbr": str(WEEKDAYS_ABBR[iso]), "name": words.weekdays[iso], "cells": cells})
    return {"rows": weekday_rows, "months": months, "weeks": weeks}
