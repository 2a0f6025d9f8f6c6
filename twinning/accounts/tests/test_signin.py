import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from twinning.accounts.models import User
from twinning.testing import PASSWORD, make_person


def test_sign_in_with_email_in_any_case(client, cast):
    response = client.post(
        reverse("accounts:login"), {"username": cast.teacher_a.user.email.upper(), "password": PASSWORD}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard")


def test_sign_in_with_pupil_username(client, db):
    pupil = make_person(email=None, username="dana.l", name="Dana L.")

    client.post(reverse("accounts:login"), {"username": "dana.l", "password": PASSWORD})

    assert int(client.session["_auth_user_id"]) == pupil.pk


def test_sign_in_wrong_password_is_a_clear_error(client, cast):
    response = client.post(reverse("accounts:login"), {"username": cast.teacher_a.user.email, "password": "wrong"})

    assert response.status_code == 200
    assert "do not match an account" in response.content.decode()


def test_sign_in_is_throttled_after_five_failures(client, cast):
    email = cast.teacher_a.user.email
    for _ in range(5):
        client.post(reverse("accounts:login"), {"username": email, "password": "wrong"})

    response = client.post(reverse("accounts:login"), {"username": email, "password": PASSWORD})

    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_pages_need_sign_in(client, db):
    for name in ["dashboard", "accounts:profile", "schools:queue", "schools:directory"]:
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


def test_sign_out_is_post_only(client, cast):
    client.force_login(cast.teacher_a.user)

    assert client.get(reverse("accounts:logout")).status_code == 405
    client.post(reverse("accounts:logout"))
    assert "_auth_user_id" not in client.session


def test_email_is_unique_ignoring_case_even_outside_the_services(cast):
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(email=cast.teacher_a.user.email.upper(), full_name="Copy")
