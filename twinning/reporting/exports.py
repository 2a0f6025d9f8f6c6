"""The report as rows for a CSV file and as an XLSX workbook, with headers in the reader's language.

Names come from the database (countries, programmes): a name starting with =, +, -, @ (or a tab or a
carriage return) would run as a formula in a spreadsheet, so the CSV prefixes it with an apostrophe
and the workbook stores every name as plain text.
"""

from __future__ import annotations

from io import BytesIO

from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font

from twinning.common.school_year import school_year_label
from twinning.reporting.models import HIGHEST, LOWEST, Wave
from twinning.reporting.queries import (
    MEASURES,
    PROGRAMME_MEASURES,
    Comparison,
    Figures,
    GroupBreakdown,
    GroupResult,
    Report,
    UnitRow,
)
from twinning.reporting.small_groups import SMALLEST_GROUP

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe(text: str) -> str:
    """A name as a spreadsheet shows it, never as a formula it runs."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def header() -> list[str]:
    return [_("School year"), _("Country"), _("Programme"), *(str(m.label) for m in MEASURES)]


def table(report: Report, *, guard=safe) -> list[list]:
    """The header, one row per (school year, country, programme), and the total (each counted once)."""
    rows = [header()]
    for line in report.lines:
        rows.append(
            [
                school_year_label(line.school_year),
                guard(line.country.name),
                guard(line.programme.name) if line.programme else _("No programme"),
                *(line.counts[m.key] for m in MEASURES),
            ]
        )
    rows.append([_("All (each counted once)"), "", "", *(report.total[m.key] for m in MEASURES)])
    return rows


def workbook(report: Report, *, rtl: bool) -> bytes:
    """Two sheets: the table, and what each number means. Right-to-left sheets in Hebrew and Arabic."""
    book = Workbook()
    sheet = book.active
    sheet.title = _("Report")[:31]
    for values in table(report, guard=lambda text: text):
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in values])
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text, never a formula, whatever it starts with
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "D2"
    for column, width in zip("ABCDEFGHIJ", (12, 22, 26, 10, 10, 10, 11, 11, 12, 12), strict=True):
        sheet.column_dimensions[column].width = width
    notes = book.create_sheet(_("What the numbers mean")[:31])
    notes.append([_("Number"), _("What it counts")])
    for measure in MEASURES:
        notes.append([str(measure.label), str(measure.definition)])
    notes.append(
        [
            _("All (each counted once)"),
            _(
                "The last row counts each school, person, twinning, meeting and activity once: a twinning "
                "between schools of two countries appears in both countries' rows, so the rows add up to "
                "more than the total."
            ),
        ]
    )
    for cell in notes[1]:
        cell.font = Font(bold=True)
    notes.column_dimensions["A"].width = 24
    notes.column_dimensions["B"].width = 100
    for row in notes.iter_rows(min_row=2):
        row[1].alignment = Alignment(wrap_text=True, vertical="top")
    for ws in (sheet, notes):
        ws.sheet_view.rightToLeft = rtl
    out = BytesIO()
    book.save(out)
    return out.getvalue()


# Questionnaires' results ---------------------------------------------------------------------


def _rounded(value: float | None) -> float | str:
    return "" if value is None else round(value, 2)


def survey_header() -> list[str]:
    return [
        _("Level"),
        _("Name"),
        _("Schools"),
        _("Group"),
        _("Statement"),
        _("Statement text"),
        _("Start of the year: answers"),
        _("Start of the year: mean"),
        _("End of the year: answers"),
        _("End of the year: mean"),
        _("Change (end less start)"),
        *(_("Start of the year: answered %(value)s") % {"value": v} for v in range(LOWEST, HIGHEST + 1)),
        *(_("End of the year: answered %(value)s") % {"value": v} for v in range(LOWEST, HIGHEST + 1)),
        _("Note"),
    ]


def _hidden_note(smallest: int) -> str:
    return _(
        "Hidden where empty: fewer than %(smallest)s answers, or kept with others so that no small group can be "
        "worked out."
    ) % {"smallest": smallest}


def survey_table(overall: list[GroupResult], breakdowns: list[GroupBreakdown], *, guard=safe) -> list[list]:
    """The header, then per group: each statement for everyone, per country, then per twinning, with what is
    hidden left empty (the same figures as the results page, hidden by the same rules)."""
    rows: list[list] = [survey_header()]
    note = _hidden_note(SMALLEST_GROUP)
    split = {b.group: b for b in breakdowns}
    for result in overall:
        for question in result.questions:
            waves = [question.waves[w] for w in Wave.values]
            hidden = any(w.hidden for w in waves)
            change = None if hidden else (waves[1].mean or 0) - (waves[0].mean or 0)
            rows.append(
                [
                    _("All"),
                    "",
                    "",
                    result.label,
                    question.position,
                    guard(question.text),
                    *_wave_cells(waves[0].n, waves[0].mean, hidden=waves[0].hidden),
                    *_wave_cells(waves[1].n, waves[1].mean, hidden=waves[1].hidden),
                    _rounded(change),
                    *_spread(waves[0].distribution, waves[0].hidden),
                    *_spread(waves[1].distribution, waves[1].hidden),
                    note if hidden else "",
                ]
            )
        breakdown = split.get(result.group)
        if breakdown is None or result.hidden_everywhere:  # as on the page: nothing more to show
            continue
        for part, level in ((breakdown.by_country, _("Country")), (breakdown.by_twinning, _("Twinning"))):
            for unit in part.rows:
                rows += _unit_rows(unit, level, part.kind, result.label, breakdown.questions, note, guard)
    return rows


def _wave_cells(n: int | None, mean: float | None, *, hidden: bool) -> tuple:
    return ("", "") if hidden else (n, _rounded(mean))


def _figures(figures: Figures | None, question: int) -> tuple:
    return ("", "") if figures is None else (figures.n, _rounded(figures.mean(question)))


def other_name(kind: str) -> str:
    return _("Other countries, together") if kind == "country" else _("Other twinnings, together")


def other_note(kind: str, count: int) -> str:
    """What the row of the others holds, in words."""
    if not count:
        return _("Answers given before the results were kept per country and twinning.")
    if kind == "country":
        return ngettext(
            "%(count)s country not shown on its own, counted here together with the others.",
            "%(count)s countries not shown on their own, counted here together.",
            count,
        ) % {"count": count}
    return ngettext(
        "%(count)s twinning not shown on its own, counted here together with the others.",
        "%(count)s twinnings not shown on their own, counted here together.",
        count,
    ) % {"count": count}


def _spread(distribution: list[int], hidden: bool) -> tuple:
    return ("",) * (HIGHEST - LOWEST + 1) if hidden else tuple(distribution)


def _unit_rows(unit: UnitRow, level: str, kind: str, group: str, questions, note: str, guard) -> list[list]:
    if unit.is_other:
        name, why = other_name(kind), other_note(kind, unit.grouped)
    else:
        name, why = guard(unit.label), ""
    rows = []
    for question in questions:
        start, end = (unit.waves.get(w) for w in Wave.values)
        hidden = start is None or end is None
        rows.append(
            [
                level,
                name,
                guard(unit.schools),
                group,
                question.position,
                guard(question.text),
                *_figures(start, question.pk),
                *_figures(end, question.pk),
                _rounded(unit.change(question.pk)),
                *_spread(start.spread(question.pk) if start else [], start is None),
                *_spread(end.spread(question.pk) if end else [], end is None),
                " ".join(text for text in (why, note if hidden else "") if text),
            ]
        )
    return rows


def survey_workbook(rows: list[list], *, rtl: bool) -> bytes:
    """The results on one sheet, every text stored as text (never a formula); right to left in Hebrew and Arabic."""
    book = Workbook()
    sheet = book.active
    sheet.title = _("Results")[:31]
    for values in rows:
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in values])
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "C2"
    sheet.sheet_view.rightToLeft = rtl
    out = BytesIO()
    book.save(out)
    return out.getvalue()


# A programme's report ------------------------------------------------------------------------


def programme_table(comparison: Comparison, *, guard=safe) -> list[list]:
    """The header, one row per country and number (the school year before, this one, the change), then the
    programme's totals, each school, twinning and meeting counted once."""
    before, now = school_year_label(comparison.school_year - 1), school_year_label(comparison.school_year)
    rows: list[list] = [[_("Country"), _("Number"), before, now, _("Change")]]
    for country, last, this in comparison.countries:
        for measure in PROGRAMME_MEASURES:
            key = measure.key
            rows.append([guard(country.name), str(measure.label), last[key], this[key], this[key] - last[key]])
    for measure in PROGRAMME_MEASURES:
        key = measure.key
        last, this = comparison.before[key], comparison.now[key]
        rows.append([_("All (each counted once)"), str(measure.label), last, this, this - last])
    return rows


def programme_workbook(rows: list[list], *, rtl: bool) -> bytes:
    """The table, and what each number means; every name stored as text, right to left in Hebrew and Arabic."""
    book = Workbook()
    sheet = book.active
    sheet.title = _("Report")[:31]
    for values in rows:
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in values])
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text, never a formula, whatever it starts with
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "C2"
    for column, width in zip("ABCDE", (26, 22, 12, 12, 10), strict=True):
        sheet.column_dimensions[column].width = width
    notes = book.create_sheet(_("What the numbers mean")[:31])
    notes.append([_("Number"), _("What it counts")])
    for measure in PROGRAMME_MEASURES:
        notes.append([str(measure.label), str(measure.definition)])
    for cell in notes[1]:
        cell.font = Font(bold=True)
    notes.column_dimensions["A"].width = 24
    notes.column_dimensions["B"].width = 100
    for ws in (sheet, notes):
        ws.sheet_view.rightToLeft = rtl
    out = BytesIO()
    book.save(out)
    return out.getvalue()
