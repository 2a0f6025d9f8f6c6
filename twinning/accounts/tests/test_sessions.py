"""Sessions end when left unused (30 minutes for pupils, 2 hours for staff, 8 for teachers) and
after 12 hours whatever happens; a pupil's also ends with the browser."""

import pytest
from django.urls import reverse

from twinning import testing
from twinning.accounts import sessions
from twinning.accounts.pupils import create_pupils
from twinning.testing import PASSWORD

LOGIN = reverse("accounts:login")


@pytest.fixture
def pupil(cast):
    """A pupil's account as their teacher makes it (no e-mail); its password is the cast's."""
    [(made, _password)] = create_pupils(school=cast.school_a, by=cast.teacher_a.user, names=["Noa B."])
    made.user.set_password(PASSWORD)
    made.user.save(update_fields=["password"])
    return made.user


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_session_pupil_idle_half_an_hour_is_signed_out_teacher_is_not(client, cast, pupil, clock):
    pupil_client, teacher_client = testing.Client(), testing.Client()
    pupil_client.post(LOGIN, {"username": pupil.username, "password": PASSWORD})
    teacher_client.post(LOGIN, {"username": cast.teacher_a.user.email, "password": PASSWORD})

    clock.advance(minutes=31)
    pupil_page = pupil_client.get("/twinnings/")
    teacher_page = teacher_client.get("/twinnings/")

    assert pupil_page.status_code == 302
    assert pupil_page["Location"] == f"{LOGIN}?ended=idle&next=%2Ftwinnings%2F"
    assert not signed_in(pupil_client)
    assert teacher_page.status_code == 200
    assert "signed out because the page was not used" in pupil_client.get(pupil_page["Location"]).content.decode()


def test_session_in_use_stays_open(client, pupil, clock):
    client.post(LOGIN, {"username": pupil.username, "password": PASSWORD})
    for _ in range(6):
        clock.advance(minutes=20)
        assert client.get("/twinnings/").status_code == 200


@pytest.mark.parametrize(("who", "limit_hours"), [("teacher", 8), ("staff", 2)])
def test_session_adults_idle_limits(cast, clock, who, limit_hours):
    user = cast.teacher_a.user if who == "teacher" else cast.nso_il
    back_in_time, too_late = testing.Client(), testing.Client()
    back_in_time.force_login(user)
    too_late.force_login(user)

    clock.advance(hours=limit_hours, minutes=-1)
    assert back_in_time.get("/dashboard/").status_code == 200
    clock.advance(minutes=2)
    response = too_late.get("/dashboard/")

    assert response["Location"].startswith(f"{LOGIN}?ended=idle")
    assert not signed_in(too_late)
    assert back_in_time.get("/dashboard/").status_code == 200


def test_session_ends_after_twelve_hours_even_in_use(client, cast, clock):
    client.force_login(cast.teacher_a.user)
    for _ in range(11):
        clock.advance(hours=1)
        assert client.get("/dashboard/").status_code == 200

    clock.advance(hours=1, minutes=1)
    response = client.get("/dashboard/")

    assert response["Location"].startswith(f"{LOGIN}?ended=max")


def test_session_limits_come_from_settings(client, cast, clock, settings):
    settings.SESSION_IDLE_LIMITS = {**settings.SESSION_IDLE_LIMITS, "adult": 600}
    client.force_login(cast.teacher_a.user)

    clock.advance(minutes=11)

    assert client.get("/dashboard/").status_code == 302


def test_session_last_use_is_written_at_most_once_a_minute(client, cast, clock):
    client.force_login(cast.teacher_a.user)
    started = client.session[sessions.SEEN]

    clock.advance(seconds=30)
    client.get("/dashboard/")
    after_half_a_minute = client.session[sessions.SEEN]
    clock.advance(seconds=31)
    client.get("/dashboard/")

    assert after_half_a_minute == started
    assert client.session[sessions.SEEN] == pytest.approx(started + 61)


def test_session_pupil_cookie_ends_with_the_browser_adults_last_a_day_at_most(client, cast, pupil):
    pupil_client, teacher_client = testing.Client(), testing.Client()
    pupil_client.post(LOGIN, {"username": pupil.username, "password": PASSWORD})
    teacher_client.post(LOGIN, {"username": cast.teacher_a.user.email, "password": PASSWORD})

    assert pupil_client.cookies["sessionid"]["max-age"] == ""
    assert int(teacher_client.cookies["sessionid"]["max-age"]) == 12 * 3600


def test_session_ended_message_in_the_readers_language(client, cast, clock):
    client.force_login(cast.teacher_a.user)
    client.cookies["twinning_language"] = "he"
    clock.advance(hours=9)

    page = client.get("/dashboard/", follow=True)

    assert page.request["PATH_INFO"] == LOGIN
    assert 'data-testid="session-ended"' in page.content.decode()
    assert 'lang="he"' in page.content.decode()
    assert "נותקת" in page.content.decode()


def test_session_htmx_request_is_sent_to_sign_in_by_header(client, cast, clock):
    client.force_login(cast.teacher_a.user)
    clock.advance(hours=9)

    response = client.get("/notifications/", HTTP_HX_REQUEST="true")

    assert response["HX-Redirect"].startswith(f"{LOGIN}?ended=idle")
