"""Meetings made for the meetings tests (``make_meeting`` also for the access network)."""

from datetime import timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from twinning.meetings.models import Meeting, MeetingSchool
from twinning.meetings.queries import common_time

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
