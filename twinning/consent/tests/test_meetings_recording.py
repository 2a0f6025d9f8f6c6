"""A meeting to be recorded: only when every pupil of each school taking part agreed to be recorded."""

import pytest

from twinning.consent import services
from twinning.consent.models import Use
from twinning.meetings.models import Meeting
from twinning.meetings.tests.conftest import first_window, propose_form
from twinning.testing import as_
from twinning.twinnings import services as twinning_services

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(cast):
    """Teacher A types times on Jerusalem's clock, as the meetings' tests do."""
    cast.teacher_a.user.time_zone = "Asia/Jerusalem"
    cast.teacher_a.user.save(update_fields=["time_zone"])
    return cast


def agree(pupil, teacher, *, recording: bool) -> None:
    answers = {use: use != Use.RECORDING or recording for use in Use.values}
    services.record_paper_answers(pupil=pupil, by=teacher, answers=answers, language="en")


def test_a_recorded_meeting_is_refused_naming_the_pupils_without_consent_then_allowed(client, people, twinning, pupils):
    ours, theirs = pupils
    row_b = twinning.schools.get(school=people.school_b)
    twinning_services.add_pupils(twinning=twinning, row=row_b, pupils=[theirs], by=people.teacher_b.user)
    window = first_window(twinning)
    teacher = as_(client, people.teacher_a.user)
    url = f"/twinnings/{twinning.pk}/meetings/"
    agree(ours, people.teacher_a.user, recording=False)
    response = teacher.post(url, propose_form(window, to_be_recorded="on"))
    assert response.status_code == 200
    assert "the families of Maya K. have not agreed to it" in response.content.decode()
    assert Meeting.objects.count() == 0
    # Without recording, the same meeting is fine.
    assert teacher.post(url, propose_form(window)).status_code == 302
    Meeting.objects.all().delete()

    agree(ours, people.teacher_a.user, recording=True)
    assert teacher.post(url, propose_form(window, to_be_recorded="on")).status_code == 302
    meeting = Meeting.objects.get()
    assert meeting.to_be_recorded
    # The partner school cannot accept while its pupil's family has not agreed: refused, naming him.
    partner = as_(client, people.teacher_b.user)
    answer_url = f"/twinnings/{twinning.pk}/meetings/{meeting.pk}/accept/"
    page = partner.post(answer_url, follow=True).content.decode()
    assert "the families of Tom W. have not agreed to it" in page
    meeting.refresh_from_db()
    assert meeting.status == "proposed"
    agree(theirs, people.teacher_b.user, recording=True)
    partner.post(answer_url)
    meeting.refresh_from_db()
    assert meeting.status == "confirmed"


def test_the_teacher_is_told_which_pupils_to_keep_out_of_a_live_meeting(client, people, twinning, pupils):
    ours, _theirs = pupils
    services.record_paper_answers(
        pupil=ours, by=people.teacher_a.user, answers={use: use != Use.LIVE for use in Use.values}, language="en"
    )
    window = first_window(twinning)
    teacher = as_(client, people.teacher_a.user)
    teacher.post(f"/twinnings/{twinning.pk}/meetings/", propose_form(window))
    meeting = Meeting.objects.get()
    url = f"/twinnings/{twinning.pk}/meetings/{meeting.pk}/"
    page = teacher.get(url)
    assert [p.display_name for p in page.context["not_live"]] == ["Maya K."]
    assert 'data-testid="not-live"' in page.content.decode()
    # The partner school's teacher is not told about another school's pupils.
    assert as_(client, people.teacher_b.user).get(url).context["not_live"] == []
