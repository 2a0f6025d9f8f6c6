"""Schools and teachers from a spreadsheet (CSV or XLSX): read, and checked row by row.

docs/onboarding-import.md documents the columns. One row per teacher, with their school's columns
beside them; a school without teachers is a row with the teacher's cells empty. Rows that name the
same school (its name, country and city, spelled alike once normalised) are one school, and must say
the same things of it.

Plain Python over plain data: the database's facts (the countries the importer may use, the known
languages) come in a `Context` the service builds, and the addresses already taken are added by the
service after reading (`Checked.add_taken`). Every problem is
reported at once, each with its line and column, in the reader's language, so a file is fixed in one
pass; nothing is written here.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from zoneinfo import available_timezones

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeTree
from defusedxml.ElementTree import ParseError
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.utils.translation import gettext as _

SCHOOL_COLUMNS = ("school_name", "country", "city", "school_type", "age_from", "age_to", "languages")
TEACHER_COLUMNS = ("teacher_name", "teacher_email", "teacher_language")
REQUIRED_COLUMNS = SCHOOL_COLUMNS + TEACHER_COLUMNS
OPTIONAL_COLUMNS = ("school_native_name", "time_zone", "school_week", "website")
SCHOOL_TYPES = ("public", "private", "day", "supplementary", "religious", "refugee", "international", "other")
SCHOOL_WEEKS = ("mon_fri", "sun_thu", "sun_fri", "mon_sat", "sat_thu")
MIN_AGE, MAX_AGE = 2, 25
# The school's cells that must agree on every row of one school.
SCHOOL_FIELDS = ("native_name", "school_type", "age_from", "age_to", "languages", "time_zone", "school_week", "website")

_email = EmailValidator()
_url = URLValidator(schemes=["http", "https"])
# Alef with hamza or madda decomposes to a bare alef (NFKD); these do not.
_LETTERS = str.maketrans({"ٱ": "ا", "ى": "ي", "ة": "ه", "ـ": None})


def normalise(text: str) -> str:
    """A name as compared for duplicates: case, accents, Hebrew points (niqqud), Arabic marks (tashkeel),
    alef forms, punctuation and spaces do not count. ``Al-Amal  School`` = ``al amal school``,
    ``שָׁלוֹם`` = ``שלום``, ``مدرسة الأمل`` = ``مدرسه الامل``."""
    decomposed = unicodedata.normalize("NFKD", text)
    kept = []
    for char in decomposed:
        kind = unicodedata.category(char)
        if kind == "Mn":
            continue
        kept.append(" " if kind[0] in "PSZ" else char)
    return " ".join("".join(kept).casefold().translate(_LETTERS).split())


@cache
def _time_zones() -> frozenset[str]:
    return frozenset(available_timezones())


@dataclass(frozen=True)
class Problem:
    line: int
    column: str  # the column's name as the file spells it; "" for the file as a whole
    message: str


@dataclass(frozen=True)
class CountryFacts:
    time_zone: str
    school_week: str


@dataclass
class Context:
    """What the database says, for the rows to be checked against it."""

    countries: dict[str, CountryFacts]  # the codes the importer may import into
    languages: frozenset[str]  # languages of instruction the platform knows
    site_languages: frozenset[str]  # languages the platform speaks: an invitation's language
    # Codes that exist but are outside the importer's reach, to say so rather than "unknown".
    other_countries: frozenset[str] = frozenset()


@dataclass
class SchoolRow:
    line: int
    key: tuple[str, str, str]  # country, city and name, normalised
    name: str
    native_name: str
    country: str
    city: str
    school_type: str
    age_from: int
    age_to: int
    languages: tuple[str, ...]
    time_zone: str
    school_week: str
    website: str
    teachers: list[TeacherRow] = field(default_factory=list)

    def fields(self) -> tuple:
        return tuple(getattr(self, name) for name in SCHOOL_FIELDS)


@dataclass
class TeacherRow:
    line: int
    name: str
    email: str
    language: str


@dataclass
class Checked:
    schools: list[SchoolRow]
    problems: list[Problem]
    rows: int  # data rows read (blank ones skipped)
    emails: dict[str, int] = field(default_factory=dict)  # each teacher's address → its line
    names: dict[str, str] = field(default_factory=dict)  # columns as the file spells them

    def add_taken(self, taken: set[str]) -> None:
        """Addresses the service found already in use by an account: a problem on their line each."""
        column = self.names.get("teacher_email", "teacher_email")
        for email in sorted(taken, key=self.emails.__getitem__):
            self.problems.append(Problem(self.emails[email], column, _("An account already uses this address.")))
        self.problems.sort(key=lambda problem: problem.line)

    @property
    def teachers(self) -> int:
        return sum(len(school.teachers) for school in self.schools)


class FileRefused(Exception):
    """The file cannot be read at all (its kind, its encoding, empty): one problem, on line 1 or 0."""

    def __init__(self, problem: Problem):
        super().__init__(problem.message)
        self.problem = problem


# --- Reading the file ---------------------------------------------------------------------------


def _csv_rows(data: bytes) -> Iterator[tuple[int, list[str]]]:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data[:4096]:
        raise FileRefused(
            Problem(1, "", _('This is not a CSV file in UTF-8: save it as "CSV UTF-8 (comma delimited)".'))
        )
    skip = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    try:
        text = data[skip:].decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: skip + error.start].count(b"\n") + 1
        raise FileRefused(
            Problem(line, "", _('This line is not written in UTF-8: save the file as "CSV UTF-8 (comma delimited)".'))
        ) from None
    # The header row says how columns are separated: commas, or the semicolons and tabs some
    # spreadsheet settings write (cells never hold them in the header).
    header = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=header.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    start = 1
    for cells in reader:
        yield start, [cell.strip() for cell in cells]
        start = reader.line_num + 1


_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_DOC_RELS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
# A sheet's XML may be this many times the file's size before it is refused (a "zip bomb").
XML_GROWTH = 40


def _part(book: zipfile.ZipFile, name: str):
    """A part of the workbook, opened to be parsed with defusedxml, which refuses a DOCTYPE wherever it
    stands (`forbid_dtd`): a spreadsheet never has one, and without one no entity can be defined, nor
    expanded, nor fetched."""
    return book.open(name)


def _parse(stream):
    return SafeTree.parse(stream, forbid_dtd=True)


def _iterparse(stream):
    return SafeTree.iterparse(stream, forbid_dtd=True)


def _first_sheet(book: zipfile.ZipFile) -> str:
    """The path of the workbook's first sheet, as its workbook and relationships name it."""
    try:
        with _part(book, "xl/workbook.xml") as stream:
            workbook = _parse(stream).getroot()
        first = workbook.find(f"{_MAIN}sheets/{_MAIN}sheet")
        with _part(book, "xl/_rels/workbook.xml.rels") as stream:
            rels = _parse(stream).getroot()
        if first is not None:
            wanted = first.get(f"{_DOC_RELS}id")
            for rel in rels.iter(f"{_RELS}Relationship"):
                if rel.get("Id") == wanted:
                    target = rel.get("Target", "").lstrip("/")
                    return target if target.startswith("xl/") else f"xl/{target}"
    except (KeyError, ParseError, DefusedXmlException):
        pass
    return "xl/worksheets/sheet1.xml"


def _column(reference: str) -> int:
    number = 0
    for char in reference:
        if not char.isalpha():
            break
        number = number * 26 + ord(char.upper()) - 64
    return number - 1


def _number(text: str) -> str:
    try:
        value = float(text)
    except ValueError:
        return text
    return str(int(value)) if value.is_integer() and abs(value) < 1e15 else text


def _xlsx_rows(data: bytes) -> Iterator[tuple[int, list[str]]]:
    """The first sheet's rows, read as a stream of XML: Excel's cells as text (shared and inline
    strings, numbers written without a needless ".0", TRUE/FALSE). Faster than openpyxl by not
    building a cell object per cell, and memory stays one row (and the shared strings)."""
    refused = FileRefused(Problem(0, "", _("This file cannot be read as an XLSX spreadsheet.")))
    try:
        book = zipfile.ZipFile(io.BytesIO(data))
        sheet = _first_sheet(book)
        limit = XML_GROWTH * max(len(data), 1_000_000)
        if sum(info.file_size for info in book.infolist()) > limit:
            raise refused
        strings: list[str] = []
        if "xl/sharedStrings.xml" in book.namelist():
            with _part(book, "xl/sharedStrings.xml") as stream:
                for _event, element in _iterparse(stream):
                    if element.tag == f"{_MAIN}si":
                        strings.append("".join(t.text or "" for t in element.iter(f"{_MAIN}t")))
                        element.clear()
        stream = _part(book, sheet)
    except (zipfile.BadZipFile, KeyError, OSError, ParseError, DefusedXmlException, RuntimeError):
        raise refused from None
    with stream:
        number = 0
        try:
            for _event, element in _iterparse(stream):
                if element.tag != f"{_MAIN}row":
                    continue
                number = int(element.get("r") or number + 1)
                cells: list[str] = []
                for cell in element.iter(f"{_MAIN}c"):
                    position = _column(cell.get("r", "")) if cell.get("r") else len(cells)
                    kind = cell.get("t", "n")
                    if kind == "inlineStr":
                        text = "".join(t.text or "" for t in cell.iter(f"{_MAIN}t"))
                    else:
                        value = cell.find(f"{_MAIN}v")
                        raw = value.text or "" if value is not None else ""
                        if kind == "s":
                            text = strings[int(raw)] if raw.isdigit() and int(raw) < len(strings) else ""
                        elif kind == "b":
                            text = "TRUE" if raw == "1" else "FALSE"
                        elif kind in ("str", "e"):
                            text = raw
                        else:
                            text = _number(raw)
                    if position >= len(cells):
                        cells.extend([""] * (position - len(cells) + 1))
                    cells[position] = text.strip()
                element.clear()
                yield number, cells
        except (ParseError, DefusedXmlException):
            raise refused from None


def rows_of(data: bytes, filename: str) -> Iterator[tuple[int, list[str]]]:
    """(line, cells) of every row, the header first. Raises FileRefused for a file of another kind."""
    suffix = filename.lower().rsplit(".", 1)[-1] if "." in filename else ""
    if suffix == "xlsx":
        if not data.startswith(b"PK"):
            raise FileRefused(Problem(0, "", _("This file cannot be read as an XLSX spreadsheet.")))
        return _xlsx_rows(data)
    if suffix in ("csv", "txt"):
        if data.startswith(b"PK"):
            raise FileRefused(Problem(0, "", _("This file is a spreadsheet, not a CSV file: name it .xlsx.")))
        return _csv_rows(data)
    raise FileRefused(Problem(0, "", _("Send a CSV file (.csv) or an Excel workbook (.xlsx).")))


# --- Checking the rows --------------------------------------------------------------------------


class _Row:
    """One row's cells by column, and the problems found in them."""

    def __init__(self, line: int, cells: dict[str, str], names: dict[str, str], problems: list[Problem]):
        self.line, self.cells, self.names, self.problems = line, cells, names, problems

    def __getitem__(self, column: str) -> str:
        return self.cells.get(column, "")

    def problem(self, column: str, message: str) -> None:
        self.problems.append(Problem(self.line, self.names.get(column, column), message))

    def required(self, column: str) -> str:
        value = self[column]
        if not value:
            self.problem(column, _("This cell is empty: it is required."))
        return value

    def age(self, column: str) -> int | None:
        value = self.required(column)
        if not value:
            return None
        if not re.fullmatch(r"\d{1,2}", value) or not MIN_AGE <= int(value) <= MAX_AGE:
            self.problem(
                column,
                _("“%(value)s” is not an age: write a whole number from %(min)s to %(max)s.")
                % {"value": value, "min": MIN_AGE, "max": MAX_AGE},
            )
            return None
        return int(value)


def _school(row: _Row, context: Context) -> SchoolRow | None:
    before = len(row.problems)
    name = row.required("school_name")[:200]
    native_name = row["school_native_name"][:200]
    city = row.required("city")[:120]
    country = row.required("country").upper()
    facts = context.countries.get(country)
    if country and facts is None:
        if country in context.other_countries:
            row.problem("country", _("You may not import schools of %(code)s here.") % {"code": country})
        else:
            row.problem(
                "country", _("“%(code)s” is not a country code (write two letters, e.g. IL or GB).") % {"code": country}
            )
    school_type = row.required("school_type").lower()
    if school_type and school_type not in SCHOOL_TYPES:
        row.problem(
            "school_type",
            _("“%(value)s” is not a type of school: write one of %(choices)s.")
            % {"value": school_type, "choices": ", ".join(SCHOOL_TYPES)},
        )
    age_from, age_to = row.age("age_from"), row.age("age_to")
    if age_from is not None and age_to is not None and age_from > age_to:
        row.problem("age_to", _("The oldest pupils' age is below the youngest pupils' age."))
    languages = tuple(
        dict.fromkeys(code.strip().lower() for code in re.split(r"[;,\s]+", row.required("languages")) if code.strip())
    )
    for code in languages:
        if code not in context.languages:
            row.problem(
                "languages",
                _("“%(code)s” is not a language the platform knows (write ISO codes, e.g. he;en).") % {"code": code},
            )
    time_zone = row["time_zone"] or (facts.time_zone if facts else "")
    if row["time_zone"] and time_zone not in _time_zones():
        row.problem("time_zone", _("“%(value)s” is not a time zone (e.g. Asia/Jerusalem).") % {"value": time_zone})
    week = row["school_week"].lower().replace("-", "_") or (facts.school_week if facts else "")
    if row["school_week"] and week not in SCHOOL_WEEKS:
        row.problem(
            "school_week",
            _("“%(value)s” is not a school week: write one of %(choices)s.")
            % {"value": row["school_week"], "choices": ", ".join(SCHOOL_WEEKS)},
        )
    website = row["website"]
    if website:
        try:
            _url(website)
        except ValidationError:
            row.problem("website", _("“%(value)s” is not a web address (https://…).") % {"value": website})
    if len(row.problems) > before or age_from is None or age_to is None:
        return None
    return SchoolRow(
        line=row.line,
        key=(country, normalise(city), normalise(name)),
        name=name,
        native_name=native_name,
        country=country,
        city=city,
        school_type=school_type,
        age_from=age_from,
        age_to=age_to,
        languages=languages,
        time_zone=time_zone,
        school_week=week,
        website=website,
    )


def _teacher(row: _Row, context: Context, seen: dict[str, int]) -> TeacherRow | None:
    if not any(row[column] for column in TEACHER_COLUMNS):
        return None
    before = len(row.problems)
    name = row.required("teacher_name")[:200]
    email = row.required("teacher_email").lower()
    if email:
        try:
            _email(email)
        except ValidationError:
            row.problem("teacher_email", _("“%(value)s” is not an e-mail address.") % {"value": email})
        else:
            if email in seen:
                row.problem("teacher_email", _("This address is also on line %(line)s.") % {"line": seen[email]})
            seen.setdefault(email, row.line)
    language = row.required("teacher_language").lower()
    if language and language not in context.site_languages:
        row.problem(
            "teacher_language",
            _("“%(value)s” is not a language of the platform: write one of %(choices)s.")
            % {"value": language, "choices": ", ".join(sorted(context.site_languages))},
        )
    if len(row.problems) > before:
        return None
    return TeacherRow(line=row.line, name=name, email=email, language=language)


def header_problems(header: list[str]) -> tuple[dict[str, int], dict[str, str], list[Problem]]:
    """Columns by name (trimmed, lower case) → their index, the names as written, and what is missing."""
    index: dict[str, int] = {}
    names: dict[str, str] = {}
    problems = []
    for position, cell in enumerate(header):
        column = cell.strip().lower().replace(" ", "_")
        if not column:
            continue
        if column in index:
            problems.append(Problem(1, cell, _("This column is given twice.")))
            continue
        index[column], names[column] = position, cell.strip()
    for column in REQUIRED_COLUMNS:
        if column not in index:
            problems.append(Problem(1, column, _("This column is missing: it is required.")))
    return index, names, problems


def check(data: bytes, filename: str, context: Context) -> Checked:
    """Every school and teacher of the file, or every problem found. Raises FileRefused."""
    rows = rows_of(data, filename)
    first = next(rows, None)
    if first is None or not any(first[1]):
        raise FileRefused(Problem(1, "", _("The file is empty: it needs a header row, then one row per teacher.")))
    index, names, problems = header_problems(first[1])
    if problems:
        return Checked([], problems, 0, names=names)
    schools: dict[tuple[str, str, str], SchoolRow] = {}
    seen: dict[str, int] = {}
    count = 0
    for line, cells in rows:
        if not any(cells):
            continue
        count += 1
        row = _Row(
            line,
            {column: cells[position] for column, position in index.items() if position < len(cells)},
            names,
            problems,
        )
        school = _school(row, context)
        teacher = _teacher(row, context, seen)
        if school is None:
            continue
        known = schools.get(school.key)
        if known is None:
            schools[school.key] = known = school
        elif known.fields() != school.fields():
            differing = next(
                name for name, a, b in zip(SCHOOL_FIELDS, known.fields(), school.fields(), strict=True) if a != b
            )
            column = {"native_name": "school_native_name"}.get(differing, differing)
            row.problem(
                column,
                _("Line %(line)s says something else of the same school: write it the same way on every line.")
                % {"line": known.line},
            )
            continue
        if teacher is not None:
            known.teachers.append(teacher)
    if count == 0:
        problems.append(Problem(1, "", _("The file is empty: it needs a header row, then one row per teacher.")))
    return Checked(list(schools.values()), problems, count, emails=seen, names=names)
