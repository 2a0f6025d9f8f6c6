"""The report as rows for a CSV file and as an XLSX workbook, with headers in the reader's language.

Names come from the database (countries, programmes): a name starting with =, +, -, @ (or a tab or a
carriage return) would run as a formula in a spreadsheet, so the CSV prefixes it with an apostrophe
and the workbook stores every name as plain text.
"""

from __future__ import annotations

from io import BytesIO

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font

from twinning.common.school_year import school_year_label
from twinning.reporting.queries import MEASURES, Report

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
