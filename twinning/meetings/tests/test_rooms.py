"""Video rooms through the client: made when a meeting is confirmed, entered from its page by teachers
as hosts and pupils as attendees, recorded only with every family's consent, and a provider's outage
leaving the meeting confirmed with a "not ready, try again" and a job that keeps trying."""

import base64
import json
from datetime import timedelta
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.utils import timezone
from django.utils.translation import override

from twinning.common.models import Job
from twinning.meetings import services
from twinning.meetings.models import Meeting, MeetingRoom
from twinning.meetings.rooms import RoomError
from twinning.meetings.tasks import RoomNotReady, open_meeting_room, rooms_not_ready
from twinning.meetings.tests.conftest import agree, confirm, make_meeting
from twinning.meetings.tests.fake_video import closed_port
from twinning.schools.models import Programme
from twinning.testing import as_
from twinning.twinnings import services as twinning_services

pytestmark = pytest.mark.django_db

JITSI_SECRET = "a-long-jitsi-app-secret"


@pytest.fixture
def people(cast):
    cast.teacher_a.user.time_zone = "Asia/Jerusalem"
    cast.teacher_a.user.save(update_fields=["time_zone"])
    return cast


@pytest.fixture
def class_of_two(people, twinning, pupils):
    """A pupil of each school in the twinning, both families agreeing to live meetings and recording."""
    ours, theirs = pupils
    row_b = twinning.schools.get(school=people.school_b)
    twinning_services.add_pupils(twinning=twinning, row=row_b, pupils=[theirs], by=people.teacher_b.user)
    agree(ours, people.teacher_a.user)
    agree(theirs, people.teacher_b.user)
    return ours, theirs


@pytest.fixture
def jitsi(settings):
    settings.VIDEO_PROVIDERS = {
        "default": "link",
        "programmes": {"comenius-il-uk": "jitsi"},
        "timeout": 0.5,
        "jitsi": {"domain": "meet.example.org", "app_id": "twinning", "secret": JITSI_SECRET, "audience": "jitsi"},
    }


def starting_soon(meeting: Meeting, minutes: int = 10) -> str:
    """Move the meeting to start in a few minutes (the join button's time); its page's address."""
    start = timezone.now() + timedelta(minutes=minutes)
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=start, ends_at=start + timedelta(minutes=45))
    return f"/twinnings/{meeting.twinning_id}/meetings/{meeting.pk}/"


def query_of(address: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(address).query))


def test_a_confirmed_meeting_gets_a_bigbluebutton_room_that_keeps_pupils_safe(
    client, people, twinning, class_of_two, bbb
):
    meeting = confirm(client, people, twinning)
    room = MeetingRoom.objects.get(meeting=meeting)
    assert (room.state, room.provider, room.attempts) == ("ready", "bigbluebutton", 1)
    ((call, params),) = bbb.calls
    assert call == "create" and params["meetingID"] == room.room_id
    assert params["guestPolicy"] == "ASK_MODERATOR" and params["lockSettingsDisablePrivateChat"] == "true"
    assert params["record"] == params["allowStartStopRecording"] == "false"  # not planned to be recorded
    assert params["logoutURL"].endswith(f"/twinnings/{twinning.pk}/meetings/{meeting.pk}/")


def test_teachers_enter_as_hosts_and_pupils_as_guests_never_seeing_the_room(
    client, people, twinning, class_of_two, bbb
):
    ours, _theirs = class_of_two
    meeting = confirm(client, people, twinning)
    room = MeetingRoom.objects.get(meeting=meeting)
    page_url = starting_soon(meeting)
    join_url = f"{page_url}join/"

    response = as_(client, people.teacher_b.user).get(page_url)
    teacher_page = response.content.decode()
    assert 'data-testid="room-join"' in teacher_page and "Join as host" in teacher_page
    # The join form is answered with a redirect to the provider: the page's policy lets the form go there.
    assert f"form-action 'self' {bbb.url.removesuffix('/bigbluebutton/')};" in response["Content-Security-Policy"]
    host = as_(client, people.teacher_b.user).post(join_url)
    assert host.status_code == 302 and host["Cache-Control"] == "no-store"
    assert host["Location"].startswith(bbb.url + "api/join?")
    assert query_of(host["Location"])["role"] == "MODERATOR"

    pupil = as_(client, ours.user)
    page = pupil.get(page_url).content.decode()
    assert "Join the meeting" in page and "You wait in the lobby until a teacher lets you in." in page
    assert room.room_id not in page and bbb.url not in page and "MODERATOR" not in page
    # The platform's room replaces the teacher's typed link: nobody is told "your teacher opens the call".
    assert "Your teacher opens the call." not in page and "https://meet.example.org/abc" not in teacher_page
    entered = pupil.post(join_url)
    params = query_of(entered["Location"])
    assert (params["role"], params["guest"], params["fullName"]) == ("VIEWER", "true", "Maya K.")
    assert "MODERATOR" not in entered["Location"]
    # The server was asked again for the room before each way in (it forgets an empty room), never an error.
    assert [call for call, _ in bbb.calls] == ["create", "create", "create"]


def test_a_pupil_whose_family_refused_live_meetings_cannot_enter(client, people, twinning, class_of_two, bbb):
    ours, _theirs = class_of_two
    agree(ours, people.teacher_a.user, live=False)
    meeting = confirm(client, people, twinning)
    page_url = starting_soon(meeting)
    pupil = as_(client, ours.user)
    page = pupil.get(page_url).content.decode()
    assert 'data-testid="room-join"' not in page and 'data-testid="room-no-consent"' in page
    refused = pupil.post(f"{page_url}join/")
    assert refused.status_code == 302 and refused["Location"] == page_url
    assert [call for call, _ in bbb.calls] == ["create"]  # no way in was made for her


def test_the_join_button_shows_shortly_before_the_start_only(client, people, twinning, class_of_two, bbb):
    meeting = confirm(client, people, twinning)
    page_url = starting_soon(meeting, minutes=60)
    teacher = as_(client, people.teacher_a.user)
    page = teacher.get(page_url).content.decode()
    assert 'data-testid="room-join"' not in page and 'data-testid="room-later"' in page
    assert teacher.post(f"{page_url}join/")["Location"] == page_url
    starting_soon(meeting, minutes=14)
    assert 'data-testid="room-join"' in teacher.get(page_url).content.decode()
    starting_soon(meeting, minutes=-50)  # ended five minutes ago
    assert 'data-testid="room"' not in teacher.get(page_url).content.decode()
    assert teacher.post(f"{page_url}join/")["Location"] == page_url


def test_recording_only_while_every_pupil_of_every_school_consents(client, people, twinning, class_of_two, bbb):
    ours, theirs = class_of_two
    meeting = confirm(client, people, twinning, to_be_recorded="on")
    created = bbb.calls[-1][1]
    assert created["record"] == created["allowStartStopRecording"] == "true"
    page_url = starting_soon(meeting)
    assert "The room may be recorded" in as_(client, people.teacher_a.user).get(page_url).content.decode()

    # The partner school's pupil's family takes the recording consent back: the next way in leads to a
    # room made without recording, not to the one made while everyone agreed.
    agree(theirs, people.teacher_b.user, recording=False)
    teacher = as_(client, people.teacher_a.user)
    assert "Recording is off in this room." in teacher.get(page_url).content.decode()
    entered = teacher.post(f"{page_url}join/")
    recreated = bbb.calls[-1][1]
    assert recreated["record"] == recreated["allowStartStopRecording"] == "false"
    assert query_of(entered["Location"])["meetingID"] == recreated["meetingID"] != created["meetingID"]


def test_a_meeting_not_to_be_recorded_is_never_recorded_even_with_every_consent(
    client, people, twinning, class_of_two, bbb
):
    confirm(client, people, twinning)
    assert bbb.calls[-1][1]["record"] == "false"


@pytest.mark.parametrize(
    ("outage", "reason"),
    [("error", "unreachable"), ("slow", "unreachable"), ("failed", "refused"), ("closed", "unreachable")],
)
def test_an_outage_leaves_the_meeting_confirmed_with_not_ready_and_try_again(
    client, people, twinning, class_of_two, bbb, settings, outage, reason
):
    ours, _theirs = class_of_two
    if outage == "closed":
        settings.VIDEO_PROVIDERS["bigbluebutton"]["url"] = f"http://127.0.0.1:{closed_port()}/bigbluebutton/"
    else:
        bbb.mode, bbb.delay = outage, 1.5
    meeting = confirm(client, people, twinning)
    room = MeetingRoom.objects.get(meeting=meeting)
    assert (room.state, room.problem) == ("failed", reason)
    assert Job.objects.filter(name="meetings.open_room", args={"meeting_id": meeting.pk}, status="queued").exists()

    page_url = starting_soon(meeting)
    teacher = as_(client, people.teacher_a.user)
    page = teacher.get(page_url)
    assert page.status_code == 200
    body = page.content.decode()
    assert "The video room is not ready" in body and "Try again" in body and 'data-testid="room-retry"' in body
    assert 'data-testid="room-join"' not in body
    pupil_page = as_(client, ours.user).get(page_url).content.decode()
    assert 'data-testid="room-not-ready"' in pupil_page and 'data-testid="room-retry"' not in pupil_page
    assert "https://meet.example.org/abc" in body  # the teacher's own link, while the room is not ready
    assert "https://meet.example.org/abc" not in pupil_page
    assert as_(client, ours.user).post(f"{page_url}room/retry/").status_code == 404

    # The service is back: the teacher's "Try again" opens the room.
    bbb.mode = "ok"
    settings.VIDEO_PROVIDERS["bigbluebutton"]["url"] = bbb.url
    done = as_(client, people.teacher_a.user).post(f"{page_url}room/retry/", follow=True)
    assert "The video room is ready." in done.content.decode()
    assert MeetingRoom.objects.get(meeting=meeting).ready


def test_the_background_job_keeps_trying_until_the_provider_answers(client, people, twinning, class_of_two, bbb):
    bbb.mode = "error"
    meeting = confirm(client, people, twinning)
    with pytest.raises(RoomNotReady):  # the worker tries again later, waiting longer each time
        open_meeting_room(meeting_id=meeting.pk)
    assert MeetingRoom.objects.get(meeting=meeting).attempts == 2
    bbb.mode = "ok"
    assert rooms_not_ready() == 1
    assert MeetingRoom.objects.get(meeting=meeting).ready
    open_meeting_room(meeting_id=meeting.pk)  # ready: nothing more to do
    assert [call for call, _ in bbb.calls].count("create") == 3


def test_a_failure_while_entering_says_not_ready_and_no_server_error(client, people, twinning, class_of_two, bbb):
    meeting = confirm(client, people, twinning)
    page_url = starting_soon(meeting)
    bbb.mode = "failed"
    response = as_(client, people.teacher_a.user).post(f"{page_url}join/", follow=True)
    assert response.status_code == 200
    assert "the video service refused to open it" in response.content.decode()
    assert MeetingRoom.objects.get(meeting=meeting).state == "failed"


def test_cancelling_a_meeting_ends_its_room(client, people, twinning, class_of_two, bbb):
    meeting = confirm(client, people, twinning)
    room_id = MeetingRoom.objects.get(meeting=meeting).room_id
    as_(client, people.teacher_a.user).post(f"/twinnings/{twinning.pk}/meetings/{meeting.pk}/cancel/")
    assert ("end", {"meetingID": room_id}) in bbb.calls
    assert room_id not in bbb.rooms


def _claims(address: str) -> dict:
    token = query_of(address)["jwt"]
    body = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))


def test_jitsi_per_programme_teachers_get_moderator_tokens_pupils_never(client, people, twinning, class_of_two, jitsi):
    ours, theirs = class_of_two
    twinning.programme = Programme.objects.create(slug="comenius-il-uk", names={"en": "Comenius"})
    twinning.save(update_fields=["programme"])
    meeting = confirm(client, people, twinning)
    room = MeetingRoom.objects.get(meeting=meeting)
    assert (room.provider, room.state) == ("jitsi", "ready")
    page_url = starting_soon(meeting)

    host = as_(client, people.teacher_a.user).post(f"{page_url}join/")["Location"]
    assert host.startswith(f"https://meet.example.org/{room.room_id}?jwt=")
    assert _claims(host)["context"]["user"]["moderator"] is True
    for pupil in (ours, theirs):
        client_ = as_(client, pupil.user)
        page = client_.get(page_url).content.decode()
        assert room.room_id not in page and "meet.example.org" not in page
        address = client_.post(f"{page_url}join/")["Location"]
        user = _claims(address)["context"]["user"]
        assert user["moderator"] is False and user["name"] == pupil.display_name


def test_without_a_provider_the_typed_link_stays_for_teachers_only(client, people, twinning, class_of_two):
    ours, _theirs = class_of_two
    meeting = confirm(client, people, twinning)
    assert MeetingRoom.objects.get(meeting=meeting).provider == "link"
    page_url = starting_soon(meeting)
    assert as_(client, people.teacher_a.user).post(f"{page_url}join/")["Location"] == "https://meet.example.org/abc"
    pupil = as_(client, ours.user)
    page = pupil.get(page_url).content.decode()
    assert "meet.example.org" not in page and 'data-testid="room-join"' not in page
    assert pupil.post(f"{page_url}join/")["Location"] == page_url


def test_a_provider_without_settings_is_not_ready_in_words_not_an_error(
    client, people, twinning, class_of_two, settings
):
    settings.VIDEO_PROVIDERS = {"default": "bigbluebutton", "programmes": {}, "timeout": 0.5}
    meeting = confirm(client, people, twinning)
    assert MeetingRoom.objects.get(meeting=meeting).problem == RoomError.NOT_CONFIGURED
    page = as_(client, people.teacher_a.user).get(f"/twinnings/{twinning.pk}/meetings/{meeting.pk}/")
    assert "the video service is not set up for this programme yet" in page.content.decode()


def test_not_ready_is_said_in_hebrew_and_arabic():
    for reason in (RoomError.UNREACHABLE, RoomError.REFUSED, RoomError.NOT_CONFIGURED):
        english = services.room_problem_text(reason)
        for language in ("he", "ar"):
            with override(language):
                assert services.room_problem_text(reason) != english


def test_a_room_never_asked_for_is_being_prepared_and_its_teachers_can_ask(client, people, twinning, bbb):
    """A meeting confirmed before rooms existed (or whose first try was lost) has no room yet."""
    meeting = make_meeting(twinning, people, starts_at=timezone.now() + timedelta(minutes=10))
    page_url = f"/twinnings/{twinning.pk}/meetings/{meeting.pk}/"
    teacher = as_(client, people.teacher_a.user)
    body = teacher.get(page_url).content.decode()
    assert "The video room is being prepared. Try again in a moment." in body and 'data-testid="room-retry"' in body
    teacher.post(f"{page_url}room/retry/")
    assert MeetingRoom.objects.get(meeting=meeting).ready
    assert 'data-testid="room-join"' in teacher.get(page_url).content.decode()
