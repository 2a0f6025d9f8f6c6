"""The meetings page's parts written a quicker way write what they wrote before: the list of meetings read with
the fields its rows show, the proposal form's fields kept per language, the windows' rows."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.template import engines
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from twinning import testing
from twinning.meetings import queries
from twinning.meetings.forms import MeetingForm
from twinning.meetings.models import Meeting
from twinning.meetings.tests.conftest import first_window, make_meeting, propose_form
from twinning.meetings.views import _proposal_fields, meeting_rows
from twinning.testing import as_

pytestmark = pytest.mark.django_db

# The proposal form's fields as the page wrote them before they were kept: one include per field.
FIELDS_AS_BEFORE = """{% include "common/form_errors.html" %}
    {% include "common/field.html" with field=form.title %}
    <div class="row">{% include "common/field.html" with field=form.day %}{% include "common/field.html" with field=form.start %}{% include "common/field.html" with field=form.minutes %}</div>
    {% include "common/field.html" with field=form.video_link %}
    {% include "common/field.html" with field=form.agenda %}
    {% include "common/field.html" with field=form.to_be_recorded %}"""  # noqa: E501


def _as_before(form) -> str:
    return engines["django"].from_string(FIELDS_AS_BEFORE).render({"form": form})


def test_the_meeting_list_reads_the_meetings_in_order_with_what_the_rows_show(cast, twinning):
    start = timezone.now().replace(minute=0, second=0, microsecond=0)
    for n, status in enumerate(Meeting.Status.values):
        make_meeting(twinning, cast, starts_at=start + timedelta(days=3 - n), status=status)
    other_twinning = testing.approved_twinning_with_new_partner(cast, name="Another school")
    make_meeting(other_twinning, cast, starts_at=start + timedelta(days=9))
    listed = queries.meeting_list_of(twinning)
    everything = list(Meeting.objects.filter(twinning=twinning).order_by("starts_at", "pk"))
    assert [m.pk for m in listed] == [m.pk for m in everything] and len(listed) == len(Meeting.Status.values)
    assert meeting_rows(listed, twinning) == meeting_rows(everything, twinning)
    assert [(m.open, m.ends_at) for m in listed] == [(m.open, m.ends_at) for m in everything]


def test_the_meetings_page_makes_the_same_queries_for_one_and_three_meetings(client, cast, twinning):
    reader = as_(client, cast.teacher_a.user)
    url = f"/twinnings/{twinning.pk}/meetings/"

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert reader.get(url).status_code == 200
        return len(captured)

    start = first_window(twinning).start
    make_meeting(twinning, cast, starts_at=start)
    count()  # the first request of a session also writes the session
    one = count()
    for n in (1, 2):
        make_meeting(twinning, cast, starts_at=start + timedelta(days=7 * n))
    assert count() == one


@pytest.mark.parametrize("language", ["en", "he", "ar"])
def test_the_kept_proposal_fields_are_what_the_includes_wrote(language):
    with translation.override(language):
        first, again = _proposal_fields(MeetingForm()), _proposal_fields(MeetingForm())
        assert first == again == _as_before(MeetingForm())
    assert first.count('class="field"') == 7 and 'id="id_video_link_helptext"' in first


def test_a_form_with_a_chosen_time_or_errors_is_written_for_its_reader_alone(client, cast, twinning):
    window = first_window(twinning)
    chosen = MeetingForm(initial={"day": window.start.date(), "start": window.start.time(), "minutes": 45})
    assert _proposal_fields(chosen) == _as_before(chosen)
    typed = MeetingForm(propose_form(window, title="A secret of class 4", minutes=5))
    assert not typed.is_valid()
    assert _proposal_fields(typed) == _as_before(typed)
    assert "A secret of class 4" in _proposal_fields(typed) and "field-error" in _proposal_fields(typed)

    url = f"/twinnings/{twinning.pk}/meetings/"
    refused = as_(client, cast.teacher_a.user).post(url, propose_form(window, title="A secret of class 4", minutes=5))
    assert refused.status_code == 200 and "A secret of class 4" in refused.content.decode()
    assert "A secret of class 4" not in as_(client, cast.teacher_b.user).get(url).content.decode()
    assert "A secret of class 4" not in _proposal_fields(MeetingForm())


@pytest.mark.parametrize("language", ["en", "he", "ar"])
def test_rows_over_a_year_of_clock_changes_write_what_the_template_writes(cast, twinning, language):
    # The same hour of the day all year: its local clock moves with summer time, each weekday and month comes back.
    start = timezone.now().replace(hour=11, minute=30, second=0, microsecond=0)
    meetings = [make_meeting(twinning, cast, starts_at=start + timedelta(days=23 * n)) for n in range(17)]
    for zone in ("Europe/London", "America/New_York", "Asia/Jerusalem"):
        with translation.override(language), timezone.override(ZoneInfo(zone)):
            expected = "".join(
                render_to_string("meetings/_meeting_row.html", {"m": m, "twinning": twinning}) for m in meetings
            )
            assert meeting_rows(meetings, twinning) == expected, zone
