"""`manage.py meeting_windows` on schools from the database."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db


def run(*args):
    out = io.StringIO()
    call_command("meeting_windows", *args, stdout=out)
    return out.getvalue()


def test_lists_the_windows_of_two_schools_as_json(cast):
    # The cast: Israel (Sunday–Thursday, Asia/Jerusalem) and the UK (Monday–Friday, Europe/London), 08:00–14:00.
    data = json.loads(
        run(
            "--school",
            str(cast.school_a.pk),
            "--school",
            str(cast.school_b.pk),
            "--from",
            "2026-11-23",
            "--to",
            "2026-11-27",
            "--json",
        )
    )
    assert [w["start"][:10] for w in data["windows"]] == ["2026-11-23", "2026-11-24", "2026-11-25", "2026-11-26"]
    # Jerusalem 08:00–14:00 is 06:00–12:00 UTC; London 08:00–14:00 UTC: 08:00–12:00 UTC.
    assert (data["windows"][0]["start"], data["windows"][0]["end"]) == (
        "2026-11-23T08:00:00+00:00",
        "2026-11-23T12:00:00+00:00",
    )
    table = run(
        "--school",
        str(cast.school_a.pk),
        "--school",
        str(cast.school_b.pk),
        "--from",
        "2026-11-23",
        "--to",
        "2026-11-23",
    )
    assert table.splitlines() == [
        "2026-11-23 08:00–12:00 UTC (240 min)  Reali School: Mon 23 Nov 10:00–14:00  King David School: "
        "Mon 23 Nov 08:00–12:00"
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "2026-11-23", "--to", "2029-01-01"], "the range is longer than two years"),
        (["--from", "23/11/2026", "--to", "2026-12-01"], "dates are written YYYY-MM-DD"),
        (["--from", "2026-12-01", "--to", "2026-11-01"], "the range ends (2026-11-01) before it starts (2026-12-01)"),
    ],
)
def test_bad_input_is_refused_with_the_reason(cast, args, message):
    with pytest.raises(CommandError) as error:
        run("--school", str(cast.school_a.pk), "--school", str(cast.school_b.pk), *args)
    assert message in str(error.value)


def test_unknown_school_is_refused(cast):
    with pytest.raises(CommandError, match="unknown school id"):
        run("--school", str(cast.school_a.pk), "--school", "999999", "--from", "2026-11-23", "--to", "2026-11-27")
