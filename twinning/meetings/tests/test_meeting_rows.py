"""The meetings page's list written in Python is what `meetings/_meeting_row.html` writes, meeting by meeting."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.template.loader import render_to_string
from django.utils import timezone, translation

from twinning.meetings.models import Meeting
from twinning.meetings.tests.conftest import make_meeting
from twinning.meetings.views import meeting_rows

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language", ["en", "he", "ar"])
@pytest.mark.parametrize("zone", ["Asia/Jerusalem", "Europe/London", "America/New_York"])
def test_meeting_rows_write_what_the_template_writes(cast, twinning, language, zone):
    start = timezone.now().replace(hour=7, minute=45, second=0, microsecond=0)
    meetings = [
        make_meeting(twinning, cast, starts_at=start + timedelta(days=7 * n), status=status)
        for n, status in enumerate(Meeting.Status.values)
    ]
    meetings[0].title = 'Tom & "Jerry" <b>שלום</b> مرحبا'
    meetings[0].save(update_fields=["title"])
    with translation.override(language), timezone.override(ZoneInfo(zone)):
        expected = "".join(
            render_to_string("meetings/_meeting_row.html", {"m": m, "twinning": twinning}) for m in meetings
        )
        assert meeting_rows(meetings, twinning) == expected
    assert expected.count('data-testid="meeting"') == len(Meeting.Status.values)
