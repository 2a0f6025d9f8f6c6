"""A real browser on the meeting's page: the room's state and its join button, for a teacher and a
pupil, in English and in a right-to-left language, on a desktop and a 390 px phone; entering takes each
to their own signed address at the provider (a stand-in on 127.0.0.1). Screenshots go to
``$TWINNING_SHOTS`` when it is set, to be looked at."""

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.conf import settings
from django.utils import timezone

from twinning.meetings import services
from twinning.meetings.models import Meeting, MeetingRoom
from twinning.meetings.tests.conftest import agree, confirm
from twinning.testing import signed_in_session
from twinning.twinnings import services as twinning_services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
WIDTHS = (1280, 390)  # a desktop, a phone


def _shoot(page, name: str) -> None:
    folder = os.environ.get("TWINNING_SHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{folder}/{name}.png", full_page=True)


def _as(page, live_server, user, language: str) -> None:
    user.preferred_language = language
    user.save(update_fields=["preferred_language"])
    page.context.clear_cookies()
    key = signed_in_session(user)
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": key, "url": live_server.url}])


def test_the_room_on_the_meeting_page_for_teachers_and_pupils(page, live_server, client, cast, twinning, pupils, bbb):
    ours, theirs = pupils
    row_b = twinning.schools.get(school=cast.school_b)
    twinning_services.add_pupils(twinning=twinning, row=row_b, pupils=[theirs], by=cast.teacher_b.user)
    agree(ours, cast.teacher_a.user)
    agree(theirs, cast.teacher_b.user)
    cast.teacher_a.user.time_zone = "Asia/Jerusalem"
    cast.teacher_a.user.save(update_fields=["time_zone"])
    meeting = confirm(client, cast, twinning)
    start = timezone.now() + timedelta(minutes=10)
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=start, ends_at=start + timedelta(minutes=45))
    room = MeetingRoom.objects.get(meeting=meeting)
    url = f"{live_server.url}/twinnings/{twinning.pk}/meetings/{meeting.pk}/"

    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        for who, user, language in (("teacher", cast.teacher_a.user, "en"), ("pupil", ours.user, "he")):
            _as(page, live_server, user, language)
            page.goto(url)
            join = page.locator("[data-testid=room-join]")
            assert join.is_visible()
            box = join.bounding_box()
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width
            assert room.room_id not in page.content()
            page.locator("[data-testid=room]").scroll_into_view_if_needed()
            _shoot(page, f"room-{who}-{language}-{width}")

    # The pupil enters: a new tab opens at the provider with her own attendee address.
    with page.context.expect_page() as opened:
        page.locator("[data-testid=room-join]").click()
    address = opened.value.url
    opened.value.close()
    params = dict(parse_qsl(urlsplit(address).query))
    assert address.startswith(bbb.url + "api/join?")
    assert (params["role"], params["guest"], params["meetingID"]) == ("VIEWER", "true", room.room_id)

    # The provider is away: the page says so, in Arabic, and the teacher tries again once it is back.
    MeetingRoom.objects.filter(pk=room.pk).update(state=MeetingRoom.State.PENDING)
    bbb.mode = "error"
    services.open_room(meeting=meeting)
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        _as(page, live_server, cast.teacher_a.user, "ar")
        page.goto(url)
        assert page.get_attribute("html", "dir") == "rtl"
        assert page.locator("[data-testid=room-not-ready]").is_visible()
        page.locator("[data-testid=room]").scroll_into_view_if_needed()
        _shoot(page, f"room-not-ready-teacher-ar-{width}")
    bbb.mode = "ok"
    page.locator("[data-testid=room-retry]").click()
    page.wait_for_selector("[data-testid=room-join]")
    assert MeetingRoom.objects.get(pk=room.pk).ready
