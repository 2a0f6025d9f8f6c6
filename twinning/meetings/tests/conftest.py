"""Meetings made for the meetings tests (``make_meeting`` also for the access network), and the
video rooms' helpers: families' answers, a meeting confirmed through the pages, a stand-in BigBlueButton."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from twinning.consent import services as consent_services
from twinning.consent.models import Use
from twinning.meetings.models import Meeting, MeetingSchool
from twinning.meetings.queries import common_time
from twinning.meetings.tests.fake_video import SECRET, FakeBigBlueButton
from twinning.testing import as_

JERUSALEM = ZoneInfo("Asia/Jerusalem")


def first_window(twinning, days_ahead: int = 3):
    today = timezone.localdate()
    windows = common_time(twinning, today + timedelta(days=days_ahead), today + timedelta(days=45)).windows
    return min(windows, key=lambda w: w.start)


def propose_form(window, *, minutes: int = 45, **extra) -> dict:
    local = window.start.astimezone(JERUSALEM)
    return {
        "title": "Hello from both classes",
        "day": local.date().isoformat(),
        "start": local.strftime("%H:%M"),
        "minutes": minutes,
        "video_link": "https://meet.example.org/abc",
        "agenda": "Names and a song",
        **extra,
    }


def make_meeting(twinning, cast, *, starts_at, status=Meeting.Status.CONFIRMED, minutes=45) -> Meeting:
    meeting = Meeting.objects.create(
        twinning=twinning,
        title="Our first Mifgash",
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=minutes),
        status=status,
        video_link="https://meet.example.org/abc",
        proposed_by=cast.teacher_a.user,
    )
    for school in (cast.school_a, cast.school_b):
        MeetingSchool.objects.create(meeting=meeting, school=school, answer=MeetingSchool.Answer.ACCEPTED)
    return meeting


def agree(pupil, teacher, *, live: bool = True, recording: bool = True) -> None:
    answers = {use: {Use.LIVE: live, Use.RECORDING: recording}.get(use, True) for use in Use.values}
    consent_services.record_paper_answers(pupil=pupil, by=teacher, answers=answers, language="en")


def confirm(client, people, twinning, **form) -> Meeting:
    """Teacher A proposes a meeting in the common hours, teacher B accepts: it is confirmed."""
    as_(client, people.teacher_a.user).post(
        f"/twinnings/{twinning.pk}/meetings/", propose_form(first_window(twinning), **form)
    )
    meeting = Meeting.objects.get()
    as_(client, people.teacher_b.user).post(f"/twinnings/{twinning.pk}/meetings/{meeting.pk}/accept/")
    meeting.refresh_from_db()
    assert meeting.status == "confirmed"
    return meeting


@pytest.fixture
def bbb(settings):
    with FakeBigBlueButton() as server:
        settings.VIDEO_PROVIDERS = {
            "default": "bigbluebutton",
            "programmes": {},
            "timeout": 0.5,
            "bigbluebutton": {"url": server.url, "secret": SECRET, "checksum": "sha1"},
        }
        yield server
