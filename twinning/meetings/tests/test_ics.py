"""A meeting's .ics and the personal feed never fail, whatever people typed into a title."""

from datetime import timedelta

import pytest
from icalendar import Calendar

from twinning.meetings.models import CalendarFeed, Meeting
from twinning.meetings.tests.conftest import first_window, make_meeting, propose_form
from twinning.testing import as_

pytestmark = pytest.mark.django_db

# What a title may hold once it is in the database: line breaks of every kind, control characters,
# right-to-left text with direction marks, iCalendar's own separators, and the longest title allowed.
HOSTILE_TITLES = {
    "Line\nbreak": "Line break",
    "Windows\r\nline\rbreaks": "Windows line breaks",
    # (No NUL: PostgreSQL cannot store it in a text column; common.tests.test_ics covers it.)
    "Bell\x07 escape\x1b[31m tab\there del\x7f": "Bell escape[31m tab here del",
    "Unicode\u2028line\u2029separators\x85next": "Unicode line separators next",
    "מפגש ראשון\nעם הכיתה": "מפגש ראשון עם הכיתה",
    "لقاء\u200f أول;مع, الصف\\": "لقاء\u200f أول;مع, الصف\\",
    "END:VEVENT\nBEGIN:VEVENT\nSUMMARY:injected": "END:VEVENT BEGIN:VEVENT SUMMARY:injected",
    "א" * 160: "א" * 160,
}


def parsed_titles(content: bytes) -> list[str]:
    calendar = Calendar.from_ical(content)
    return [str(event["summary"]) for event in calendar.walk("VEVENT")]


def test_ics_meeting_file_survives_hostile_titles(client, cast, twinning):
    meeting = make_meeting(twinning, cast, starts_at=first_window(twinning).start)
    reader = as_(client, cast.teacher_b.user)
    for title, shown in HOSTILE_TITLES.items():
        Meeting.objects.filter(pk=meeting.pk).update(title=title, agenda=f"Agenda:\n{title}")

        response = reader.get(f"/twinnings/{twinning.pk}/meetings/{meeting.pk}/meeting.ics")

        assert (response.status_code, parsed_titles(response.content)) == (200, [shown])
        (event,) = Calendar.from_ical(response.content).walk("VEVENT")
        assert str(event["description"]).startswith("Agenda:\n")
        # One event, and every line of the file is a content line: no control character escaped into it.
        lines = response.content.decode().split("\r\n")
        assert [line for line in lines if any(ord(ch) < 32 and ch != "\t" for ch in line)] == []


def test_ics_personal_feed_survives_hostile_titles(client, cast, twinning):
    start = first_window(twinning).start
    for number, title in enumerate(HOSTILE_TITLES):
        meeting = make_meeting(twinning, cast, starts_at=start + timedelta(days=number))
        Meeting.objects.filter(pk=meeting.pk).update(title=title)
    as_(client, cast.teacher_a.user).get("/meetings/calendar/")
    token = CalendarFeed.objects.get(user=cast.teacher_a.user).token
    client.logout()

    response = client.get(f"/meetings/calendar/{token}.ics")

    assert response.status_code == 200
    assert sorted(parsed_titles(response.content)) == sorted(HOSTILE_TITLES.values())


def test_ics_title_typed_with_a_line_break_is_proposed_and_exported(client, cast, twinning):
    form = propose_form(first_window(twinning), title="Hello\nfrom both classes")
    as_(client, cast.teacher_a.user).post(f"/twinnings/{twinning.pk}/meetings/", form)
    meeting = Meeting.objects.get()

    response = client.get(f"/twinnings/{twinning.pk}/meetings/{meeting.pk}/meeting.ics")

    assert (response.status_code, parsed_titles(response.content)) == (200, ["Hello from both classes"])
