"""The week grid and the year heatmap of a twinning's common school time, drawn on the server as SVG.

Geometry only (numbers, labels and colours); the templates write the SVG, so every label is escaped
there. The heatmap's ~365 day labels are made here rather than in its template: with a date and a
plural each, the template spent most of the page's time on them.
Pages are read without JavaScript and under a strict CSP: shapes carry presentation attributes, no
style. In right-to-left languages the days run from right to left.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils.formats import date_format, localize
from django.utils.translation import ngettext

from twinning.meetings.engine import Window

HOUR_HEIGHT, DAY_WIDTH, LABEL_WIDTH, HEADER = 44, 112, 52, 34
CELL, GAP = 13, 3


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
    x: int
    y: int
    day: date
    minutes: int
    level: int
    week_start: date
    label: str = ""  # the day and its minutes in common, in the reader's language
    fill: str = ""


# The heatmap's shades, from no common time (level 0) to more than two hours (3).
HEAT_FILLS = ("#eef1f5", "#b9dcc3", "#5fa777", "#1d6b3a")


def day_label(day: date, minutes: int) -> str:
    count = ngettext("%(n)s minute in common", "%(n)s minutes in common", minutes) % {"n": localize(minutes)}
    return f"{date_format(day, 'D j M Y')}: {count}"


def heat_level(minutes: int) -> int:
    if minutes <= 0:
        return 0
    if minutes <= 60:
        return 1
    if minutes <= 120:
        return 2
    return 3


def year_heatmap(windows: list[Window], first: date, last: date, zone, *, first_weekday: int, rtl: bool) -> dict:
    """One column per week, one row per weekday (starting at `first_weekday`, ISO 1–7), as on a wall calendar;
    each day shaded by its minutes of common time in the viewer's time zone."""
    minutes: dict[date, int] = {}
    for start, end, _window in split_by_day(windows, zone):
        minutes[start.date()] = minutes.get(start.date(), 0) + int((end - start).total_seconds() // 60)
    per_day = [
        (first + timedelta(days=n), minutes.get(first + timedelta(days=n), 0)) for n in range((last - first).days + 1)
    ]
    if not per_day:
        return {"width": 0, "height": 0, "cells": [], "months": []}
    first = per_day[0][0]
    offset = (first.isoweekday() - first_weekday) % 7
    origin = first - timedelta(days=offset)
    weeks = ((per_day[-1][0] - origin).days // 7) + 1
    left = 8
    width = left + weeks * (CELL + GAP)
    cells, months = [], []
    for day, minutes in per_day:
        week, row = divmod((day - origin).days, 7)
        x = left + week * (CELL + GAP)
        if rtl:
            x = width - x - CELL
        level = heat_level(minutes)
        cells.append(
            Cell(
                x,
                22 + row * (CELL + GAP),
                day,
                minutes,
                level,
                origin + timedelta(weeks=week),
                label=day_label(day, minutes),
                fill=HEAT_FILLS[level],
            )
        )
        if day.day == 1 or day == first:
            months.append({"x": x + (CELL if rtl else 0), "label": date_format(day, "M")})
    return {"width": width, "height": 22 + 7 * (CELL + GAP), "cells": cells, "months": months}
