"""Horizontal bar charts of the reports and the questionnaires, drawn on the server as SVG.

Geometry only (numbers and labels, already formatted in the reader's language); the templates write
the SVG, so every label is escaped there. Pages are read without JavaScript and under a strict CSP:
shapes carry presentation attributes, no style. In right-to-left languages the labels stand on the
right and the bars grow from the right towards the left.
"""

from __future__ import annotations

from dataclasses import dataclass, field

LABEL_WIDTH, PLOT_WIDTH, VALUE_WIDTH = 150, 220, 110
BAR_HEIGHT, BAR_GAP, GROUP_GAP, TOP = 16, 3, 10, 6
# One colour per series (start and end of the year are told apart by colour and by their labels).
COLOURS = ("#0b5c8c", "#1d6b3a")


@dataclass
class Value:
    """One bar's number: `amount` for its length, `shown` as written beside it (formatted, or why it is missing)."""

    amount: float | None
    shown: str
    series: int = 0
    note: str = ""  # the bar's own tooltip, e.g. "End of the year: 4.1 (n = 12)"


@dataclass
class Item:
    label: str
    values: list[Value]


@dataclass
class Bar:
    x: int
    y: int
    width: int
    height: int
    fill: str
    text_x: int
    text_y: int
    shown: str
    note: str
    drawn: bool


@dataclass
class Row:
    label: str
    label_x: int
    label_y: int
    bars: list[Bar] = field(default_factory=list)


def bar_chart(items: list[Item], *, rtl: bool, maximum: float | None = None) -> dict:
    """Rows of one or more bars (a series each), scaled to `maximum` (the largest value by default).

    Left to right: labels, then the bars growing rightwards from a common axis, then the numbers.
    Right to left: the mirror image, so the bars grow from the right.
    """
    largest = maximum if maximum is not None else max([v.amount or 0 for item in items for v in item.values] + [0])
    width = LABEL_WIDTH + PLOT_WIDTH + VALUE_WIDTH
    axis = width - LABEL_WIDTH if rtl else LABEL_WIDTH
    rows, y = [], TOP
    for item in items:
        height = len(item.values) * (BAR_HEIGHT + BAR_GAP) - BAR_GAP
        row = Row(
            label=item.label,
            # The label's end touches the axis' side in both directions (the SVG text carries `direction`).
            label_x=axis + 8 if rtl else axis - 8,
            label_y=y + height // 2 + 4,
        )
        for n, value in enumerate(item.values):
            top = y + n * (BAR_HEIGHT + BAR_GAP)
            length = round(PLOT_WIDTH * (value.amount or 0) / largest) if largest else 0
            if value.amount and length < 2:
                length = 2  # a small non-zero number stays visible
            row.bars.append(
                Bar(
                    x=axis - length if rtl else axis,
                    y=top,
                    width=length,
                    height=BAR_HEIGHT,
                    fill=COLOURS[value.series % len(COLOURS)],
                    text_x=axis - length - 5 if rtl else axis + length + 5,
                    text_y=top + BAR_HEIGHT - 4,
                    shown=value.shown,
                    note=value.note or f"{item.label}: {value.shown}",
                    drawn=value.amount is not None,
                )
            )
        rows.append(row)
        y += height + GROUP_GAP
    return {
        "width": width,
        "height": max(y - GROUP_GAP + TOP, 2 * TOP),
        "axis": axis,
        "rows": rows,
        "direction": "rtl" if rtl else "ltr",
    }
