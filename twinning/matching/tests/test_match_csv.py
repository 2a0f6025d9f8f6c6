"""Offline cohort matching from a CSV file, through the match_csv command (no database)."""

import csv
import io
from collections import Counter
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from twinning.matching.csv_profiles import (
    COUNTRY_CODES,
    LANGUAGE_CODES,
    OUTPUT_COLUMNS,
    ProfileFileError,
    parse_days,
    parse_languages,
    read_profiles,
)

EXAMPLE = Path(__file__).resolve().parents[3] / "docs" / "examples" / "profiles.csv"
DATE = "2025-10-15"  # fixed: daylight saving changes the timetable part
HEADER = [
    "left_id",
    "left_name",
    "left_country",
    "right_id",
    "right_name",
    "right_country",
    "score",
    "objectives",
    "ages",
    "language",
    "themes",
    "timetable",
    "class_size",
    "preferences",
    "shared_language",
    "shared_hours_per_week",
    "common_ages",
    "common_objectives",
    "common_themes",
    "vision_similarity",
    "pinned",
]
# The optimum for the example (two sides, and one pool too: every place is taken by an Israel–abroad
# pair), under the default age rule: age ranges at most a year apart.
EXAMPLE_PAIRS = {
    ("IL-01", "GB-01"),
    ("IL-01", "US-02"),
    ("IL-02", "PS-01"),
    ("IL-03", "US-01"),
    ("IL-04", "US-01"),
    ("IL-05", "FR-01"),
    ("IL-06", "AR-01"),
}
# Without the age rule, Tel Aviv Arts (ages 14–16) would take Riverdale (9–12): no year in common.
EXAMPLE_PAIRS_ANY_AGES = {
    ("IL-01", "GB-01"),
    ("IL-01", "US-01"),
    ("IL-02", "US-02"),
    ("IL-03", "US-01"),
    ("IL-04", "PS-01"),
    ("IL-05", "FR-01"),
    ("IL-06", "AR-01"),
}


def example_lines() -> list[str]:
    return EXAMPLE.read_text(encoding="utf-8").splitlines()


def write_lines(tmp_path: Path, lines: list[str], name: str = "profiles.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("match_csv", *args, "--date", DATE, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def read_pairs(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as stream:
        return list(csv.DictReader(stream))


def capacities() -> dict[str, int]:
    with EXAMPLE.open(encoding="utf-8", newline="") as stream:
        return {row["id"]: int(row["capacity"]) for row in csv.DictReader(stream)}


def rejected(tmp_path: Path, source: Path) -> str:
    """The command's error for `source`, after checking that it wrote nothing."""
    out = tmp_path / "pairs.csv"
    with pytest.raises(CommandError) as error:
        run(str(source), "--out", str(out))
    assert sorted(path.name for path in tmp_path.iterdir()) == [source.name]
    return str(error.value)


def test_match_csv_example_two_sides(tmp_path):
    out = tmp_path / "pairs.csv"
    summary, _ = run(str(EXAMPLE), "--out", str(out))

    assert out.read_bytes().startswith(b"\xef\xbb\xbfleft_id,left_name,")
    with out.open(encoding="utf-8-sig", newline="") as stream:
        assert next(csv.reader(stream)) == HEADER
    rows = read_pairs(out)
    assert {(row["left_id"], row["right_id"]) for row in rows} == EXAMPLE_PAIRS
    assert all(row["left_country"] == "IL" for row in rows)
    used = Counter(row[column] for row in rows for column in ("left_id", "right_id"))
    assert all(used[key] <= capacity for key, capacity in capacities().items())
    assert rows[0] == {
        "left_id": "IL-01",
        "left_name": "Tel Aviv Arts High School",
        "left_country": "IL",
        "right_id": "GB-01",
        "right_name": "Finchley Park Academy",
        "right_country": "GB",
        "score": "0.7467",
        "objectives": "0.6667",
        "ages": "1.0000",
        "language": "0.7500",
        "themes": "0.3333",
        "timetable": "1.0000",
        "class_size": "0.6000",
        "preferences": "1.0000",
        "shared_language": "en",
        "shared_hours_per_week": "15.00",
        "common_ages": "14-16",
        "common_objectives": "intercultural;peoplehood",
        "common_themes": "english",
        "vision_similarity": "",
        "pinned": "no",
    }
    assert summary.splitlines() == [
        f"profiles read: 12 ({EXAMPLE})",
        'shape: two sides, "israel" (6) with "partner" (6), by column side',
        f"date: {DATE} (optimal matching)",
        "pairs: 7",
        "total score: 4.1618",
        "unmatched: 0",
        f"written: {out}",
    ]


def test_match_csv_example_one_pool(tmp_path):
    out = tmp_path / "pairs.csv"
    summary, _ = run(str(EXAMPLE), "--out", str(out), "--one-pool")

    rows = read_pairs(out)
    assert list(rows[0]) == HEADER
    assert {(row["left_id"], row["right_id"]) for row in rows} == EXAMPLE_PAIRS
    assert [row for row in rows if row["left_country"] == row["right_country"]] == []
    used = Counter(row[column] for row in rows for column in ("left_id", "right_id"))
    assert all(used[key] <= capacity for key, capacity in capacities().items())
    assert summary.splitlines()[1:] == [
        "shape: one pool (--one-pool), schools of different countries",
        f"date: {DATE} (optimal matching)",
        "pairs: 7",
        "total score: 4.1618",
        "unmatched: 0",
        "upper bound: 4.1618 (the total is 100.0% of it)",
        f"written: {out}",
    ]


def test_match_csv_one_pool_without_side_column(tmp_path):
    # Drop the side column: schools of one country never pair, whoever they are.
    lines = [",".join(cells[:3] + cells[4:]) for cells in csv.reader(example_lines())]
    lines = [line.replace("Al-Karmel School, Haifa", "Al-Karmel School Haifa") for line in lines]
    source = write_lines(tmp_path, lines)
    out = tmp_path / "pairs.csv"
    summary, _ = run(str(source), "--out", str(out))

    assert summary.splitlines()[1] == 'shape: one pool (no "side" column), schools of different countries'
    rows = read_pairs(out)
    assert [row for row in rows if row["left_country"] == row["right_country"]] == []
    assert ("IL-02", "PS-01") in {(row["left_id"], row["right_id"]) for row in rows}


def test_match_csv_greedy_scores_below_optimum(tmp_path):
    out = tmp_path / "pairs.csv"
    summary, _ = run(str(EXAMPLE), "--out", str(out), "--greedy")

    assert summary.splitlines()[2:5] == [f"date: {DATE} (greedy matching)", "pairs: 6", "total score: 3.9123"]


def test_match_csv_max_age_gap_option(tmp_path):
    out = tmp_path / "pairs.csv"
    summary, _ = run(str(EXAMPLE), "--out", str(out), "--max-age-gap", "9")

    assert {(row["left_id"], row["right_id"]) for row in read_pairs(out)} == EXAMPLE_PAIRS_ANY_AGES
    assert summary.splitlines()[4] == "total score: 4.3491"

    run(str(EXAMPLE), "--out", str(out), "--max-age-gap", "0")
    rows = read_pairs(out)
    assert rows and all(row["common_ages"] for row in rows)  # every pair shares a year of age
    with pytest.raises(CommandError, match="--max-age-gap"):
        run(str(EXAMPLE), "--out", str(out), "--max-age-gap", "-1")


def test_match_csv_other_country_option(tmp_path):
    # Modi'in moves to the partner side: its best partner is then Tel Aviv Arts, another Israeli school.
    lines = [
        line.replace(",IL,israel,", ",IL,partner,") if line.startswith("IL-06,") else line for line in example_lines()
    ]
    source = write_lines(tmp_path, lines)
    out = tmp_path / "pairs.csv"

    run(str(source), "--out", str(out))
    assert ("IL-01", "IL-06") in {(row["left_id"], row["right_id"]) for row in read_pairs(out)}
    run(str(source), "--out", str(out), "--other-country")
    rows = read_pairs(out)
    assert rows and [row for row in rows if row["left_country"] == row["right_country"]] == []


def test_match_csv_out_dash_writes_stdout(tmp_path):
    out = tmp_path / "pairs.csv"
    run(str(EXAMPLE), "--out", str(out))
    printed, summary = run(str(EXAMPLE), "--out", "-")

    assert printed == out.read_bytes().decode("utf-8-sig")
    assert printed.splitlines()[0] == ",".join(HEADER)
    assert summary.splitlines()[-1] == "written: standard output"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["pairs.csv"]


def test_match_csv_capacity_column_option(tmp_path):
    lines = example_lines()
    lines[0] = lines[0].replace(",capacity,", ",partners,")
    source = write_lines(tmp_path, lines)
    out = tmp_path / "pairs.csv"
    run(str(source), "--out", str(out), "--capacity-column", "Partners")

    assert {(row["left_id"], row["right_id"]) for row in read_pairs(out)} == EXAMPLE_PAIRS


def test_match_csv_left_option_swaps_sides(tmp_path):
    out = tmp_path / "pairs.csv"
    summary, _ = run(str(EXAMPLE), "--out", str(out), "--left", "partner")

    assert summary.splitlines()[1] == 'shape: two sides, "partner" (6) with "israel" (6), by column side'
    assert {(row["right_id"], row["left_id"]) for row in read_pairs(out)} == EXAMPLE_PAIRS


def test_match_csv_bom_accepted(tmp_path):
    source = tmp_path / "profiles.csv"
    source.write_bytes(b"\xef\xbb\xbf" + EXAMPLE.read_bytes())
    out = tmp_path / "pairs.csv"
    run(str(source), "--out", str(out))

    assert {(row["left_id"], row["right_id"]) for row in read_pairs(out)} == EXAMPLE_PAIRS


def test_match_csv_missing_columns_rejected(tmp_path):
    lines = [line.split(",") for line in example_lines()[:2]]
    source = write_lines(tmp_path, [",".join(cells[:6] + cells[9:]) for cells in lines])

    assert rejected(tmp_path, source) == (
        f"{source}: 1 problem, nothing written:\nline 1: missing required columns: age_to, languages, time_zone"
    )


def test_match_csv_semicolon_separated_rejected(tmp_path):
    source = write_lines(tmp_path, [line.replace(",", ";") for line in example_lines()[:2]])

    assert rejected(tmp_path, source).splitlines()[1] == (
        "line 1: missing required columns: id, country, age_from, age_to, languages, time_zone; "
        "the header seems to use semicolons between columns, the format uses commas"
    )


def test_match_csv_unknown_language_rejected(tmp_path):
    lines = example_lines()
    lines[6] = lines[6].replace("he:3;en:3", "he:3;xx:3")
    lines[7] = lines[7].replace("en:3;he:1", "en:3;iw:1")
    source = write_lines(tmp_path, lines)

    assert rejected(tmp_path, source) == (
        f"{source}: 2 problems, nothing written:\n"
        'line 7: languages: unknown language code "xx"\n'
        'line 8: languages: unknown language code "iw" (did you mean "he"?)'
    )


def test_match_csv_broken_encoding_rejected(tmp_path):
    source = tmp_path / "profiles.csv"
    source.write_bytes(EXAMPLE.read_text(encoding="utf-8").encode("cp1252"))  # Excel's plain "CSV"
    offset = source.read_bytes().index(b"Lyc\xe9e") + 3

    assert rejected(tmp_path, source) == (
        f"{source}: 1 problem, nothing written:\n"
        f'line 11: not valid UTF-8 (byte 0xE9 at byte offset {offset}); save the file as "CSV UTF-8 (comma delimited)"'
    )


def test_match_csv_utf16_rejected(tmp_path):
    source = tmp_path / "profiles.csv"
    source.write_bytes(b"\xff\xfe" + "id,country\n".encode("utf-16-le"))

    assert rejected(tmp_path, source).splitlines()[1] == (
        'line 1: not valid UTF-8: the file is UTF-16 (byte offset 0; e.g. Excel\'s "Unicode Text"); '
        'save it as "CSV UTF-8 (comma delimited)"'
    )


def test_match_csv_duplicate_schools_rejected(tmp_path):
    lines = example_lines()
    lines.append(lines[3].replace("IL-03,", "IL-07,"))  # the same school under a new id
    lines.append(lines[4].replace("Gesher", "Gesher Hadash"))  # a new school under a used id
    source = write_lines(tmp_path, lines)

    assert rejected(tmp_path, source) == (
        f"{source}: 2 problems, nothing written:\n"
        'line 14: duplicate school "Beersheba Science Middle School" in IL (first on line 4, id "IL-03")\n'
        'line 15: duplicate id "IL-04" (first on line 5)'
    )


def test_match_csv_bad_time_zone_rejected(tmp_path):
    lines = example_lines()
    lines[2] = lines[2].replace("Asia/Jerusalem", "Mars/Base")
    source = write_lines(tmp_path, lines)

    assert rejected(tmp_path, source) == (
        f"{source}: 1 problem, nothing written:\n"
        'line 3: time_zone: unknown time zone "Mars/Base" (write an IANA name, e.g. Europe/London)'
    )


def test_match_csv_every_problem_reported(tmp_path):
    lines = example_lines()
    lines[3] = lines[3].replace(",11,13,", ",13,11,")
    lines[4] = lines[4].replace("08:00,14:00", "14:00,08:00")
    lines[10] = lines[10].replace(",FR,", ",UK,")
    lines[11] = lines[11].replace(",AR,partner,1,", ",AR,partner,two,")
    lines.append("")  # blank lines are skipped, and still counted
    lines.append('"AR-02","Escuela ""Bialik""",AR,partner,1,13,15,es:3,America/Bogota,lun-vie,8,13:00,,,0,ZZ,')
    source = write_lines(tmp_path, lines)

    assert rejected(tmp_path, source).splitlines()[1:] == [
        "line 4: age_from 13 is after age_to 11",
        "line 5: day_end 08:00 is not after day_start 14:00",
        'line 11: country: unknown country code "UK" (did you mean "GB"?)',
        'line 12: capacity: "two" is not a whole number',
        'line 15: school_days: unknown day "lun" (write mon … sun, or 1 Monday … 7 Sunday)',
        'line 15: day_start: "8" is not a time (write HH:MM, e.g. 08:30)',
        "line 15: class_size: 0 is not 1 or more",
        'line 15: wanted_countries: unknown country code "ZZ"',
    ]


def test_match_csv_failure_keeps_previous_output(tmp_path):
    out = tmp_path / "pairs.csv"
    out.write_text("last week's pairs\n", encoding="utf-8")
    source = write_lines(tmp_path, example_lines()[:1])

    with pytest.raises(CommandError) as error:
        run(str(source), "--out", str(out))
    assert str(error.value) == f"{source}: 1 problem, nothing written:\nline 1: the file has a header but no schools"
    assert out.read_text(encoding="utf-8") == "last week's pairs\n"


def test_match_csv_empty_file_rejected(tmp_path):
    source = tmp_path / "profiles.csv"
    source.write_bytes(b"")

    assert rejected(tmp_path, source).splitlines()[1] == (
        "the file is empty (it needs a header row and one row per school)"
    )


def test_match_csv_side_missing_rejected(tmp_path):
    lines = example_lines()
    lines[9] = lines[9].replace(",partner,", ",,")
    source = write_lines(tmp_path, lines)

    assert rejected(tmp_path, source).splitlines()[1:] == [
        'line 10: side: empty, while the other schools are on side "israel" or "partner"'
    ]


def test_match_csv_unknown_side_rejected(tmp_path):
    with pytest.raises(CommandError) as error:
        run(str(EXAMPLE), "--out", str(tmp_path / "pairs.csv"), "--left", "diaspora")
    assert (
        str(error.value).splitlines()[1]
        == 'side "diaspora" is not in the side column (its values: "israel", "partner")'
    )


def test_code_lists_complete():
    assert (len(LANGUAGE_CODES), len(COUNTRY_CODES)) == (184, 249)
    assert {"he", "ar", "en", "fr", "es", "yi", "bh"} <= LANGUAGE_CODES
    assert {"IL", "PS", "GB", "US", "FR", "AR", "XK", "UK"} & COUNTRY_CODES == {"IL", "PS", "GB", "US", "FR", "AR"}
    assert len(OUTPUT_COLUMNS) == len(HEADER)


@pytest.mark.parametrize(
    ("cell", "days"),
    [
        ("sun-thu", (7, 1, 2, 3, 4)),
        ("mon-fri", (1, 2, 3, 4, 5)),
        ("sun-fri", (7, 1, 2, 3, 4, 5)),
        ("mon-sat", (1, 2, 3, 4, 5, 6)),
        ("sat-thu", (6, 7, 1, 2, 3, 4)),
        ("1;2;3;4;5", (1, 2, 3, 4, 5)),
        ("Monday; Wed", (1, 3)),
    ],
)
def test_parse_days_forms(cell, days):
    assert parse_days(cell) == days


def test_parse_languages_levels():
    assert parse_languages("he:3; EN:good ;fr:basic;ar:native") == {"he": 3, "en": 2, "fr": 1, "ar": 3}


def test_read_profiles_builds_engine_profiles():
    profile = read_profiles(EXAMPLE.read_bytes()).profiles[11]

    assert (profile.key, profile.school, profile.country, profile.side, profile.label) == (
        "PS-01",
        "PS-01",
        "PS",
        "partner",
        "Al-Amal Secondary School",
    )
    assert (profile.days, profile.day_start, profile.day_end, profile.capacity) == ((6, 7, 1, 2, 3, 4), 480, 810, 1)
    assert (profile.wanted_countries, profile.objectives) == (
        frozenset({"IL"}),
        frozenset({"peace_dialogue", "intercultural", "citizenship"}),
    )


def test_match_csv_vision_column_pairs_schools_whose_visions_agree_across_languages(tmp_path):
    # Everything else equal: the visions decide, and they are in three languages.
    common = "10,12,en:3,Europe/London,mon-fri,08:00,14:00,identity,history,25"
    source = write_lines(
        tmp_path,
        [
            "id,side,country,age_from,age_to,languages,time_zone,school_days,day_start,day_end,objectives,themes,"
            "class_size,vision",
            f'IL-1,il,IL,{common},"הכיתות שלנו יחגגו וישוו את החגים של שתי הקהילות שלנו."',
            f'IL-2,il,IL,{common},"התלמידים ימדדו את איכות האוויר ויטעו עצים סביב בית הספר."',
            f'GB-1,abroad,GB,{common},"Pupils will measure air quality and plant trees around the school."',
            f'PS-1,abroad,PS,{common},"ستحتفل صفوفنا بأعياد مجتمعينا وتقارن بينها."',
        ],
    )
    out = tmp_path / "pairs.csv"
    run(str(source), "--out", str(out))
    pairs = {(row["left_id"], row["right_id"]): row for row in read_pairs(out)}
    assert sorted(pairs) == [("GB-1", "IL-2"), ("PS-1", "IL-1")]  # "abroad" sorts first: the left side
    assert {float(row["vision_similarity"]) > 0.3 for row in pairs.values()} == {True}


def read_problems(lines: list[str]) -> list[str]:
    """The problems read_profiles reports for a file of these lines."""
    with pytest.raises(ProfileFileError) as error:
        read_profiles(("\n".join(lines) + "\n").encode())
    return error.value.problems


SHORT_HEADER = "id,name,country,age_from,age_to,languages,time_zone,wanted_countries,excluded_countries"


def test_read_profiles_row_problems_each_reported():
    assert read_problems(
        [
            SHORT_HEADER,
            ",School A,IL,12,14,he:3,Asia/Jerusalem,GB;FR,FR;US",  # no id: no duplicate check either
            ",School B,IL,12,14,he:3,Asia/Jerusalem,,",
            "C,School C,GB,12,14,en:3,Europe/London,,,FR",  # one cell too many, with text in it
            "D,School D,GB,12,14,en:3,Europe/London,,,,",  # empty cells past the header are harmless
            "E,School E,GB,12,,en:3,Europe/London,,",
        ]
    ) == [
        "line 2: id: empty",
        "line 2: FR both in wanted_countries and in excluded_countries",
        "line 3: id: empty",
        "line 4: 10 cells but the header has 9 columns (a comma inside a name needs the name in double quotes)",
        "line 6: age_to: empty",
    ]


def test_read_profiles_malformed_csv_stops_reading_there():
    assert read_problems(
        [
            SHORT_HEADER,
            "A,School A,IL,12,14,he:3,Asia/Jerusalem,,",
            "A,School B,GB,12,14,en:3,Europe/London,,",
            'C,"School" C,GB,12,14,en:3,Europe/London,,',
            "D,School D,GB,12,14,en:3,Mars/Base,,",
        ]
    ) == [
        "line 4: the CSV is malformed (',' expected after '\"'); check the quotes on that line",
        'line 3: duplicate id "A" (first on line 2)',
    ]


def test_read_profiles_malformed_header_rejected():
    assert read_problems(['id,"name']) == [
        "line 1: the CSV is malformed (unexpected end of data); check the quotes on that line"
    ]


def test_read_profiles_blank_cells_only_is_empty():
    assert read_problems([",,,", " , "]) == ["the file is empty (it needs a header row and one row per school)"]


def test_read_profiles_duplicate_column_rejected():
    assert read_problems(["id,ID,country,age_from,age_to,languages,time_zone", "A,A,IL,12,14,he:3,Asia/Jerusalem"]) == [
        'line 1: column "id" appears twice'
    ]


def test_read_profiles_ignored_columns_and_defaults():
    file = read_profiles(
        b"ID , Country,age_from,age_to,languages,time_zone,notes,,side\nA,il,12,14,he:3,Asia/Jerusalem,hello,,x\n"
    )

    assert (file.columns, file.ignored_columns, file.side_column, file.lines) == (
        ["id", "country", "age_from", "age_to", "languages", "time_zone", "notes", "", "side"],
        ["notes"],
        "side",
        {"A": 2},
    )
    profile = file.profiles[0]
    assert (profile.country, profile.days, profile.day_start, profile.day_end, profile.capacity) == (
        "IL",
        (1, 2, 3, 4, 5),
        480,
        840,
        1,
    )
    assert (profile.class_size, profile.label, profile.side, profile.objectives) == (None, "", "x", frozenset())


def test_read_profiles_long_list_of_problems_shortened_in_message():
    rows = [f",School {number},IL,12,14,he:3,Asia/Jerusalem,," for number in range(201)]
    with pytest.raises(ProfileFileError) as error:
        read_profiles(("\n".join([SHORT_HEADER, *rows]) + "\n").encode())

    assert len(error.value.problems) == 201
    assert str(error.value).splitlines()[-2:] == ["line 201: id: empty", "… and 1 more problems"]


@pytest.mark.parametrize(
    ("language", "ages", "expected"),
    [
        (
            "en",
            ("10", "12"),
            "No pair is possible; of 4 pairs examined, 4 ruled out: no language in common. Nothing was written.",
        ),
        ("he", ("10", "12"), "אין זוג אפשרי; מתוך 4 זוגות שנבדקו, 4 נפסלו: אין שפה משותפת. דבר לא נכתב."),
        (
            "en",
            None,  # the first side's classes are 6–7, the second's 15–17; and no language in common either
            "No pair is possible; of 4 pairs examined, 4 ruled out: ages too far apart. Nothing was written.",
        ),
    ],
)
def test_match_csv_where_no_pair_is_possible_says_why_in_the_users_language(tmp_path, language, ages, expected):
    lines = example_lines()
    header = next(csv.reader([lines[0]]))
    rows = [dict(zip(header, row, strict=True)) for row in csv.reader(lines[1:])]
    left = [r for r in rows if r["side"] == "israel"][:2]
    right = [r for r in rows if r["side"] != "israel"][:2]
    for row in left + right:
        row["age_from"], row["age_to"] = ages or (("6", "7") if row in left else ("15", "17"))
        row["languages"] = "he:3" if row in left else "fr:3"
    source = tmp_path / "profiles.csv"
    with source.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=header)
        writer.writeheader()
        writer.writerows(left + right)
    out = tmp_path / "pairs.csv"
    with pytest.raises(CommandError) as error:
        call_command("match_csv", str(source), "--out", str(out), "--date", DATE, "--language", language)
    assert str(error.value) == f"{source}: {expected}"
    assert not out.exists()
