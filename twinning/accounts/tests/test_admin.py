"""The admin site's pages for people."""

import pytest

pytestmark = pytest.mark.django_db


def test_admin_saves_a_teacher_who_has_no_username(client, cast):
    teacher = cast.teacher_a.user
    client.force_login(cast.admin)

    response = client.post(
        f"/admin/accounts/user/{teacher.pk}/change/",
        {
            "email": teacher.email,
            "username": "",
            "full_name": "Dana Levi-Katz",
            "preferred_language": "he",
            "time_zone": "Asia/Jerusalem",
            "is_active": "on",
            "roles-TOTAL_FORMS": "0",
            "roles-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    teacher.refresh_from_db()
    assert (teacher.full_name, teacher.username, teacher.preferred_language) == ("Dana Levi-Katz", None, "he")


def test_admin_keeps_a_pupils_username(client, cast):
    from twinning.accounts.pupils import create_pupils

    ((pupil, _password),) = create_pupils(school=cast.school_a, by=cast.teacher_a.user, names=["Maya K."])
    username = pupil.user.username
    client.force_login(cast.admin)

    response = client.post(
        f"/admin/accounts/user/{pupil.user.pk}/change/",
        {
            "email": "",
            "username": f"  {username}  ",
            "full_name": "Maya K.",
            "preferred_language": "en",
            "time_zone": "UTC",
            "is_active": "on",
            "roles-TOTAL_FORMS": "0",
            "roles-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    pupil.user.refresh_from_db()
    assert (pupil.user.username, pupil.user.email) == (username, None)
