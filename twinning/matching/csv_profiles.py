"""A cohort's profiles from a spreadsheet's CSV, and the matched pairs back out as CSV.

For NSOs that keep their schools in spreadsheets; docs/matching-csv.md documents both formats.
Plain Python over the matching engine: no Django, no database. Reading checks the whole file
and reports every problem at once, each with its line, so a file is fixed in one pass.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from functools import cache
from typing import TextIO, TypeVar, overload
from zoneinfo import available_timezones

from .engine import COMPONENTS, Pair, Profile, Rules, score_pair
from .engine.profiles import DEFAULT_RULES, MAX_AGE, MIN_AGE, ages
from .engine.vision import VisionEncoder

# Every ISO 639-1 code (184, "bh" included; the withdrawn "iw", "in", "ji", "jw", "mo", "sh" are not).
LANGUAGE_CODES = frozenset(
    """
    aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu cv cy da de dv dz
    ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu hy hz ia id ie ig ii ik
    io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb lg li ln lo lt lu lv mg mh mi mk ml
    mn mr ms mt my na nb nd ne ng nl nn no nr nv ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd
    se sg si sk sl sm sn so sq sr ss st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi
    vo wa wo xh yi yo za zh zu
    """.split()  # noqa: SIM905 -- a block of codes reads and checks better than 184 quoted items
)

# Every officially assigned ISO 3166-1 alpha-2 code (249).
COUNTRY_CODES = frozenset(
    """
    AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW
    BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI
    FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN
    IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME
    MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF
    PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX
    SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT
    ZA ZM ZW
    """.split()  # noqa: SIM905 -- as above
)

# Codes people write by habit, and the code they mean: said in the error, never applied silently.
LANGUAGE_HINTS = {"iw": "he", "in": "id", "ji": "yi", "jw": "jv", "mo": "ro", "jp": "ja", "ua": "uk", "gr": "el"}
COUNTRY_HINTS = {"UK": "GB", "EL": "GR", "EN": "GB"}

REQUIRED_COLUMNS = ("id", "country", "age_from", "age_to", "languages", "time_zone")
OPTIONAL_COLUMNS = (
    "name",
    "school_days",
    "day_start",
    "day_end",
    "objectives",
    "themes",
    "class_size",
    "wanted_countries",
    "excluded_countries",
    "vision",
)
LEVEL_WORDS = {"basic": 1, "good": 2, "fluent": 3, "native": 3}
DAY_NAMES = {
    name: number
    for number, names in enumerate(
        (
            ("mon", "monday"),
            ("tue", "tuesday"),
            ("wed", "wednesday"),
            ("thu", "thursday"),
            ("fri", "friday"),
            ("sat", "saturday"),
            ("sun", "sunday"),
        ),
        start=1,
    )
    for name in names
}
DEFAULT_DAYS = (1, 2, 3, 4, 5)
DEFAULT_DAY_START, DEFAULT_DAY_END = "08:00", "14:00"

OUTPUT_COLUMNS = (
    "left_id",
    "left_name",
    "left_country",
    "right_id",
    "right_name",
    "right_country",
    "score",
    *COMPONENTS,
    "shared_language",
    "shared_hours_per_week",
    "common_ages",
    "common_objectives",
    "common_themes",
    "vision_similarity",
    "pinned",
)

# How many problems the error's text lists (all of them stay in `problems`).
SHOWN_PROBLEMS = 200
EMPTY_FILE = "the file is empty (it needs a header row and one row per school)"

T = TypeVar("T")


class ProfileFileError(ValueError):
    """The file cannot be used as it is; `problems` says every reason found, each with its line."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        shown = problems[:SHOWN_PROBLEMS]
        if len(problems) > SHOWN_PROBLEMS:
            shown.append(f"… and {len(problems) - SHOWN_PROBLEMS} more problems")
        super().__init__("\n".join(shown))


@dataclass
class ProfileFile:
    profiles: list[Profile]  # in file order
    lines: dict[str, int]  # profile key → the line it starts on
    columns: list[str]  # the header, as read (trimmed, lower case)
    ignored_columns: list[str]  # columns the format does not know
    side_column: str | None  # the side column's name, if the file has it


@dataclass
class Sides:
    left_value: str
    right_value: str
    left: list[Profile]
    right: list[Profile]
    elsewhere: list[Profile]  # profiles on neither side (a side column with more than two values)


@cache
def _time_zones() -> frozenset[str]:
    return frozenset(available_timezones())


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ProfileFileError(
            [
                'line 1: not valid UTF-8: the file is UTF-16 (byte offset 0; e.g. Excel\'s "Unicode Text"); '
                'save it as "CSV UTF-8 (comma delimited)"'
            ]
        )
    skip = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    try:
        return data[skip:].decode("utf-8")
    except UnicodeDecodeError as error:
        offset = skip + error.start
        line = data[:offset].count(b"\n") + 1
        raise ProfileFileError(
            [
                f"line {line}: not valid UTF-8 (byte 0x{data[offset]:02X} at byte offset {offset}); "
                'save the file as "CSV UTF-8 (comma delimited)"'
            ]
        ) from None


def _split(cell: str) -> list[str]:
    return [item.strip() for item in cell.split(";") if item.strip()]


def _integer(cell: str, *, minimum: int, maximum: int | None = None) -> int:
    if not re.fullmatch(r"[+-]?\d+", cell):
        raise ValueError(f'"{cell}" is not a whole number')
    value = int(cell)
    if value < minimum or (maximum is not None and value > maximum):
        bound = f"between {minimum} and {maximum}" if maximum is not None else f"{minimum} or more"
        raise ValueError(f"{value} is not {bound}")
    return value


def parse_languages(cell: str) -> dict[str, int]:
    """`he:3;en:good` → {"he": 3, "en": 2}. Raises ValueError naming the first bad item."""
    languages: dict[str, int] = {}
    for item in _split(cell):
        code, colon, level_text = (part.strip() for part in item.partition(":"))
        code = code.lower()
        if code not in LANGUAGE_CODES:
            hint = f' (did you mean "{LANGUAGE_HINTS[code]}"?)' if code in LANGUAGE_HINTS else ""
            raise ValueError(f'unknown language code "{code}"{hint}')
        if not colon or not level_text:
            raise ValueError(f'"{code}" has no level (write e.g. {code}:2)')
        level = LEVEL_WORDS.get(level_text.lower()) or (int(level_text) if level_text in ("1", "2", "3") else None)
        if level is None:
            raise ValueError(f'level "{level_text}" of "{code}" is not 1, 2, 3, basic, good or fluent')
        if code in languages:
            raise ValueError(f'"{code}" is given twice')
        languages[code] = level
    if not languages:
        raise ValueError("empty")
    return languages


def _day(text: str) -> int:
    if text.isdigit() and 1 <= int(text) <= 7:
        return int(text)
    if text.lower() in DAY_NAMES:
        return DAY_NAMES[text.lower()]
    raise ValueError(f'unknown day "{text}" (write mon … sun, or 1 Monday … 7 Sunday)')


def parse_days(cell: str) -> tuple[int, ...]:
    """`sun-thu` → (7, 1, 2, 3, 4); `1;2;3` → (1, 2, 3); ranges wrap round the week."""
    days: list[int] = []
    for item in _split(cell):
        first, dash, last = (part.strip() for part in item.partition("-"))
        start = _day(first)
        span = [start] if not dash else [(start - 1 + i) % 7 + 1 for i in range((_day(last) - start) % 7 + 1)]
        days.extend(day for day in span if day not in days)
    if not days:
        raise ValueError("empty")
    return tuple(days)


def parse_time(cell: str) -> int:
    """`08:30` → 510 minutes after midnight (seconds, as some spreadsheets add them, must be 00)."""
    found = re.fullmatch(r"(\d{1,2}):(\d{2})(?::00)?", cell)
    if not found or int(found[1]) > 24 or int(found[2]) > 59 or (int(found[1]) == 24 and int(found[2])):
        raise ValueError(f'"{cell}" is not a time (write HH:MM, e.g. 08:30)')
    return int(found[1]) * 60 + int(found[2])


def _country(code: str) -> str:
    code = code.upper()
    if code not in COUNTRY_CODES:
        hint = f' (did you mean "{COUNTRY_HINTS[code]}"?)' if code in COUNTRY_HINTS else ""
        raise ValueError(f'unknown country code "{code}"{hint}')
    return code


def _countries(cell: str) -> frozenset[str]:
    return frozenset(_country(code) for code in _split(cell))


class _Cells:
    """One row's cells by column name, and the problems found while parsing them."""

    def __init__(self, line: int, cells: dict[str, str]) -> None:
        self.line, self.cells = line, cells
        self.problems: list[str] = []

    def text(self, name: str) -> str:
        return self.cells.get(name, "")

    @overload
    def parse(self, name: str, parse: Callable[[str], T], default: T, *, required: bool = False) -> T: ...

    @overload
    def parse(
        self, name: str, parse: Callable[[str], T], default: None = None, *, required: bool = False
    ) -> T | None: ...

    def parse(
        self, name: str, parse: Callable[[str], T], default: T | None = None, *, required: bool = False
    ) -> T | None:
        """The cell parsed; when it is empty or wrong, `default` and (if required, or wrong) a problem."""
        cell = self.text(name)
        if not cell:
            if required:
                self.problems.append(f"line {self.line}: {name}: empty")
            return default
        try:
            return parse(cell)
        except ValueError as error:
            self.problems.append(f"line {self.line}: {name}: {error}")
            return default


def _school_name(name: str) -> str:
    return " ".join(name.casefold().split())


@dataclass
class _Table:
    """A file's non-blank rows as read: the header, the rows under it with their lines, the problems so far."""

    header: list[str]  # trimmed, lower case
    header_line: int
    rows: list[tuple[int, list[str]]]
    problems: list[str]


@dataclass
class _Row:
    """One row's values; a cell that is empty or wrong leaves None (a required column) or the default."""

    line: int
    key: str | None
    country: str | None
    age_from: int | None
    age_to: int | None
    languages: dict[str, int] | None
    time_zone: str | None
    days: tuple[int, ...]
    day_start: int
    day_end: int
    objectives: frozenset[str]
    themes: frozenset[str]
    class_size: int | None
    capacity: int
    wanted_countries: frozenset[str]
    excluded_countries: frozenset[str]
    side: str
    label: str
    vision: str  # the text, turned into a vector once the whole file is read

    def profile(self) -> Profile | None:
        """The engine's profile (its id is both key and school), or None when a required value is missing."""
        key, country, languages, time_zone = self.key, self.country, self.languages, self.time_zone
        if key is None or country is None or languages is None or time_zone is None:
            return None
        if self.age_from is None or self.age_to is None:
            return None
        return Profile(
            key=key,
            school=key,
            country=country,
            age_from=self.age_from,
            age_to=self.age_to,
            languages=languages,
            time_zone=time_zone,
            days=self.days,
            day_start=self.day_start,
            day_end=self.day_end,
            objectives=self.objectives,
            themes=self.themes,
            class_size=self.class_size,
            capacity=self.capacity,
            side=self.side,
            wanted_countries=self.wanted_countries,
            excluded_countries=self.excluded_countries,
            label=self.label,
        )


def read_profiles(data: bytes, *, side_column: str = "side", capacity_column: str = "capacity") -> ProfileFile:
    """The profiles of a CSV file's bytes, or ProfileFileError listing every problem found.

    Each row is one school (its `id` is both profile key and school). A row's problems are all
    reported, not just its first; a broken CSV structure (bad quoting) stops the reading there.
    """
    side_column, capacity_column = side_column.strip().lower(), capacity_column.strip().lower()
    text = _decode(data)
    if not text.strip():
        raise ProfileFileError([EMPTY_FILE])
    table = _read_table(text)
    _check_header(table)

    problems = table.problems
    profiles: list[Profile] = []
    visions: list[str] = []
    lines: dict[str, int] = {}
    schools: dict[tuple[str, str], tuple[int, str | None]] = {}
    for line, cells in table.rows:
        too_many = _too_many_cells(line, cells, len(table.header))
        if too_many:
            problems.append(too_many)
            continue
        row = _Cells(line, {name: (cells[i].strip() if i < len(cells) else "") for i, name in enumerate(table.header)})
        values = _parse_row(row, side_column=side_column, capacity_column=capacity_column)
        problems += [*row.problems, *_row_problems(values, row), *_repeated(values, lines, schools)]
        profile = None if problems else values.profile()
        if profile is not None:
            profiles.append(profile)
            visions.append(values.vision)
    if problems:
        raise ProfileFileError(problems)

    known = {*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS, side_column, capacity_column}
    return ProfileFile(
        profiles=_with_visions(profiles, visions),
        lines=lines,
        columns=table.header,
        ignored_columns=[name for name in table.header if name and name not in known],
        side_column=side_column if side_column in table.header else None,
    )


def _read_table(text: str) -> _Table:
    """Every non-blank row, the first being the header; bad quoting is a problem and ends the reading."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    problems: list[str] = []
    rows: list[tuple[int, list[str]]] = []
    header: list[str] | None = None
    header_line = 1
    previous = 0
    try:
        for row in reader:
            # A quoted cell may span lines: a row starts on the line after the one the last row ended on.
            line, previous = previous + 1, reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            if header is None:
                header, header_line = [cell.strip().lower() for cell in row], line
            else:
                rows.append((line, row))
    except csv.Error as error:
        problems.append(f"line {reader.line_num}: the CSV is malformed ({error}); check the quotes on that line")
    if header is None:
        raise ProfileFileError(problems or [EMPTY_FILE])
    return _Table(header, header_line, rows, problems)


def _check_header(table: _Table) -> None:
    """Columns named twice and required columns missing are problems; raises when no row can be read."""
    header, line, problems = table.header, table.header_line, table.problems
    seen_columns: set[str] = set()
    for name in header:
        if name and name in seen_columns:
            problems.append(f'line {line}: column "{name}" appears twice')
        seen_columns.add(name)
    missing = [name for name in REQUIRED_COLUMNS if name not in seen_columns]
    if missing:
        hint = ""
        if len(header) == 1 and (";" in header[0] or "\t" in header[0]):
            separator = "semicolons" if ";" in header[0] else "tabs"
            hint = f"; the header seems to use {separator} between columns, the format uses commas"
        names = ", ".join(missing)
        problems.append(f"line {line}: missing required column{'s' if len(missing) > 1 else ''}: {names}{hint}")
    if problems and (missing or not table.rows):
        raise ProfileFileError(problems)
    if not table.rows:
        raise ProfileFileError([f"line {line}: the file has a header but no schools"])


def _too_many_cells(line: int, cells: list[str], columns: int) -> str | None:
    """The problem of a row with text beyond the header's last column (empty cells there are harmless)."""
    if len(cells) > columns and any(cell.strip() for cell in cells[columns:]):
        return (
            f"line {line}: {len(cells)} cells but the header has {columns} columns "
            "(a comma inside a name needs the name in double quotes)"
        )
    return None


def _parse_row(cells: _Cells, *, side_column: str, capacity_column: str) -> _Row:
    """Each column's cell parsed, in this order (the order its problems are reported in)."""
    field = cells.parse
    return _Row(
        line=cells.line,
        key=field("id", str, required=True),
        country=field("country", _country, required=True),
        age_from=field("age_from", _age, required=True),
        age_to=field("age_to", _age, required=True),
        languages=field("languages", parse_languages, required=True),
        time_zone=field("time_zone", _time_zone, required=True),
        days=field("school_days", parse_days, DEFAULT_DAYS),
        day_start=field("day_start", parse_time, parse_time(DEFAULT_DAY_START)),
        day_end=field("day_end", parse_time, parse_time(DEFAULT_DAY_END)),
        objectives=field("objectives", _codes, frozenset()),
        themes=field("themes", _codes, frozenset()),
        class_size=field("class_size", _class_size),
        capacity=field(capacity_column, _capacity, 1),
        wanted_countries=field("wanted_countries", _countries, frozenset()),
        excluded_countries=field("excluded_countries", _countries, frozenset()),
        side=cells.text(side_column),
        label=cells.text("name"),
        vision=cells.text("vision"),
    )


def _row_problems(row: _Row, cells: _Cells) -> list[str]:
    """The row's values against each other: ages and school day in order, no country both wanted and excluded."""
    problems = []
    if row.age_from is not None and row.age_to is not None and row.age_from > row.age_to:
        problems.append(f"line {row.line}: age_from {row.age_from} is after age_to {row.age_to}")
    if row.day_end <= row.day_start:
        problems.append(
            f"line {row.line}: day_end {cells.text('day_end') or DEFAULT_DAY_END} is not after "
            f"day_start {cells.text('day_start') or DEFAULT_DAY_START}"
        )
    both = row.wanted_countries & row.excluded_countries
    if both:
        problems.append(
            f"line {row.line}: {', '.join(sorted(both))} both in wanted_countries and in excluded_countries"
        )
    return problems


def _repeated(row: _Row, lines: dict[str, int], schools: dict[tuple[str, str], tuple[int, str | None]]) -> list[str]:
    """An id or a school (its name in its country) met on an earlier row; else the row's are noted for later rows."""
    problems = []
    if row.key is not None:
        if row.key in lines:
            problems.append(f'line {row.line}: duplicate id "{row.key}" (first on line {lines[row.key]})')
        else:
            lines[row.key] = row.line
    if row.label and row.country:
        school = (_school_name(row.label), row.country)
        if school in schools:
            first_line, first_key = schools[school]
            problems.append(
                f'line {row.line}: duplicate school "{row.label}" in {row.country} '
                f'(first on line {first_line}, id "{first_key}")'
            )
        else:
            schools[school] = (row.line, row.key)
    return problems


def _age(cell: str) -> int:
    return _integer(cell, minimum=MIN_AGE, maximum=MAX_AGE)


def _class_size(cell: str) -> int:
    return _integer(cell, minimum=1)


def _capacity(cell: str) -> int:
    return _integer(cell, minimum=0)


def _with_visions(profiles: list[Profile], visions: list[str]) -> list[Profile]:
    """Vision texts (any language) as vectors, when the file has some and the model is installed."""
    if not any(visions):
        return profiles
    encoder = VisionEncoder.shared()
    if encoder is None:
        return profiles
    vectors = encoder.encode(visions)
    return [
        replace(profile, vision=vector) if text else profile
        for profile, text, vector in zip(profiles, visions, vectors, strict=True)
    ]


def _time_zone(cell: str) -> str:
    if cell not in _time_zones():
        raise ValueError(f'unknown time zone "{cell}" (write an IANA name, e.g. Europe/London)')
    return cell


def _codes(cell: str) -> frozenset[str]:
    return frozenset(code.lower() for code in _split(cell))


def choose_sides(file: ProfileFile, *, left: str | None = None, right: str | None = None) -> Sides | None:
    """Two sides to match, or None for one pool.

    Two sides when `left`/`right` name them, or when the side column holds exactly two values
    (left is the first in sorted order); then every profile needs a side. Otherwise one pool.
    """
    if file.side_column is None:
        if left or right:
            raise ProfileFileError(["--left/--right need a side column, and the file has none"])
        return None
    values = sorted({p.side for p in file.profiles if p.side})
    if not (left or right):
        if len(values) != 2:
            return None
        left, right = values
        blank = [p for p in file.profiles if not p.side]
        if blank:
            raise ProfileFileError(
                [
                    f"line {file.lines[p.key]}: {file.side_column}: empty, while the other schools are "
                    f'on side "{left}" or "{right}"'
                    for p in blank
                ]
            )
    else:
        chosen = [value for value in (left, right) if value]
        unknown = [value for value in chosen if value not in values]
        if unknown:
            found = ", ".join(f'"{value}"' for value in values) or "none"
            raise ProfileFileError(
                [f'side "{value}" is not in the {file.side_column} column (its values: {found})' for value in unknown]
            )
        if left and right and left == right:
            raise ProfileFileError([f'--left and --right are the same side "{left}"'])
        if not (left and right):
            others = [value for value in values if value not in chosen]
            if len(others) != 1:
                raise ProfileFileError(
                    [f"give both --left and --right: the {file.side_column} column has {len(values)} values"]
                )
            left, right = left or others[0], right or others[0]
    return Sides(
        left_value=left,
        right_value=right,
        left=[p for p in file.profiles if p.side == left],
        right=[p for p in file.profiles if p.side == right],
        elsewhere=[p for p in file.profiles if p.side not in (left, right)],
    )


def _age_range(a: Profile, b: Profile) -> str:
    common = sorted(set(ages(a)) & set(ages(b)))
    if not common:
        return ""
    return str(common[0]) if len(common) == 1 else f"{common[0]}-{common[-1]}"


def pair_rows(
    pairs: Iterable[Pair], profiles: list[Profile], *, when: datetime, one_pool: bool, rules: Rules = DEFAULT_RULES
) -> list[list[str]]:
    """One output row per pair (OUTPUT_COLUMNS), in file order of the left then the right profile.

    The score and its parts are the engine's reference scoring (`score_pair`), so each row's
    score is exactly the weighted sum of its parts.
    """
    by_key = {p.key: p for p in profiles}
    position = {p.key: i for i, p in enumerate(profiles)}
    rows = []
    for pair in sorted(pairs, key=lambda pair: (position[pair.left], position[pair.right])):
        a, b = by_key[pair.left], by_key[pair.right]
        verdict = score_pair(a, b, when=when, one_pool=one_pool, rules=rules)
        facts = verdict.facts
        rows.append(
            [
                a.key,
                a.label,
                a.country,
                b.key,
                b.label,
                b.country,
                f"{verdict.score:.4f}",
                *(f"{verdict.parts[name]:.4f}" for name in COMPONENTS),
                facts["language"] or "",
                f"{facts['shared_hours']:.2f}",
                _age_range(a, b),
                ";".join(facts["objectives"]),
                ";".join(facts["themes"]),
                "" if facts["vision"] is None else f"{facts['vision']:.2f}",
                "yes" if pair.pinned else "no",
            ]
        )
    return rows


def write_pairs(stream: TextIO, rows: Iterable[list[str]]) -> None:
    """The header and the rows, comma-separated with CRLF line ends (as RFC 4180 and Excel have it)."""
    writer = csv.writer(stream)
    writer.writerow(OUTPUT_COLUMNS)
    writer.writerows(rows)
