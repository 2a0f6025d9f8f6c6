"""Pages that show a secret are never kept by a browser or a proxy (Cache-Control: no-store)."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from twinning.testing import PASSWORD, enrol_second_factor


def assert_not_stored(response):
    assert (response["Cache-Control"], response["Pragma"]) == ("no-store", "no-cache")


@pytest.fixture
def reset_link(client, cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:password_reset"), {"email": cast.teacher_a.user.email})
    return re.search(r"http://testserver(/accounts/password/reset/\S+/)", mail.outbox[0].body).group(1)


def test_no_store_pupils_login_sheet(client, cast):
    client.force_login(cast.teacher_a.user)

    response = client.post(reverse("accounts:pupils"), {"names": "Maya K."})

    assert 'data-testid="password"' in response.content.decode()
    assert_not_stored(response)


def test_no_store_pupils_new_passwords(client, cast):
    client.force_login(cast.teacher_a.user)
    client.post(reverse("accounts:pupils"), {"names": "Maya K."})
    pupil = cast.school_a.pupils.get()

    response = client.post(reverse("accounts:reset_pupil_passwords"), {"pupil": [pupil.pk]})

    assert 'data-testid="password"' in response.content.decode()
    assert_not_stored(response)


def test_no_store_password_reset_pages(client, cast, reset_link):
    assert_not_stored(client.get(reverse("accounts:password_reset")))
    assert_not_stored(client.get(reverse("accounts:password_reset_done")))
    link = client.get(reset_link)
    assert_not_stored(link)
    form = client.get(link["Location"])
    assert 'name="new_password1"' in form.content.decode()
    assert_not_stored(form)
    done = client.post(
        link["Location"], {"new_password1": "a-new-long-passphrase-7", "new_password2": "a-new-long-passphrase-7"}
    )
    assert_not_stored(done)
    assert_not_stored(client.get(reverse("accounts:password_reset_complete")))


def test_no_store_password_change(client, cast):
    client.force_login(cast.teacher_a.user)

    assert_not_stored(client.get(reverse("accounts:password_change")))


def test_no_store_second_factor_setup_with_qr_code_and_secret(client, cast):
    client.force_login(cast.teacher_a.user)

    response = client.get(reverse("accounts:second_factor_setup"))

    assert 'data-testid="secret"' in response.content.decode()
    assert_not_stored(response)


def test_no_store_recovery_codes(client, cast):
    enrol_second_factor(cast.teacher_a.user)
    client.force_login(cast.teacher_a.user)

    response = client.post(reverse("accounts:recovery_codes"))

    assert 'data-testid="recovery-codes"' in response.content.decode()
    assert_not_stored(response)


def test_no_store_second_step(cast):
    from django.test import Client

    enrol_second_factor(cast.nso_il)
    client = Client()
    client.post(reverse("accounts:login"), {"username": cast.nso_il.email, "password": PASSWORD})

    assert_not_stored(client.get(reverse("accounts:second_step")))
