import pytest
from django.core import mail
from django.urls import reverse

from twinning.accounts.services import confirmation_token


@pytest.fixture
def unconfirmed(cast):
    user = cast.pending_il.user
    user.email_confirmed_at = None
    user.save(update_fields=["email_confirmed_at"])
    return user


def test_confirm_link_confirms_address(client, unconfirmed):
    response = client.get(reverse("accounts:confirm_email", args=[confirmation_token(unconfirmed)]), follow=True)

    unconfirmed.refresh_from_db()
    assert unconfirmed.email_confirmed
    assert "your e-mail address is confirmed" in response.content.decode()


def test_confirm_link_twice_says_already_confirmed(client, unconfirmed):
    token = confirmation_token(unconfirmed)
    client.get(reverse("accounts:confirm_email", args=[token]))

    response = client.get(reverse("accounts:confirm_email", args=[token]), follow=True)

    assert "Your e-mail address was already confirmed." in response.content.decode()


def test_confirm_expired_link_offers_a_new_one(client, unconfirmed, settings, django_capture_on_commit_callbacks):
    token = confirmation_token(unconfirmed)
    settings.EMAIL_CONFIRMATION_MAX_AGE = -1

    response = client.get(reverse("accounts:confirm_email", args=[token]))

    assert response.status_code == 410
    assert "This confirmation link has expired" in response.content.decode()
    unconfirmed.refresh_from_db()
    assert not unconfirmed.email_confirmed

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:resend_confirmation"), {"email": unconfirmed.email})

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [unconfirmed.email]


def test_confirm_tampered_link_is_refused(client, unconfirmed):
    token = confirmation_token(unconfirmed)

    response = client.get(reverse("accounts:confirm_email", args=[token[:-2] + "xx"]))

    assert response.status_code == 400
    assert "This confirmation link is not valid" in response.content.decode()
    unconfirmed.refresh_from_db()
    assert not unconfirmed.email_confirmed


def test_confirm_link_for_an_old_address_does_not_confirm_the_new_one(client, unconfirmed):
    token = confirmation_token(unconfirmed)
    unconfirmed.email = "new-address@example.org"
    unconfirmed.save(update_fields=["email"])

    response = client.get(reverse("accounts:confirm_email", args=[token]))

    assert response.status_code == 400
    unconfirmed.refresh_from_db()
    assert not unconfirmed.email_confirmed


def test_resend_does_not_reveal_whether_an_address_is_registered(client, cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        known = client.post(reverse("accounts:resend_confirmation"), {"email": cast.teacher_a.user.email}, follow=True)
        unknown = client.post(reverse("accounts:resend_confirmation"), {"email": "nobody@example.org"}, follow=True)

    assert [str(m) for m in known.context["messages"]] == [str(m) for m in unknown.context["messages"]]
    assert known.redirect_chain == unknown.redirect_chain
    assert mail.outbox == []


def test_resend_from_dashboard_sends_to_signed_in_person(client, unconfirmed, django_capture_on_commit_callbacks):
    client.force_login(unconfirmed)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:resend_confirmation"))

    assert [m.to for m in mail.outbox] == [[unconfirmed.email]]


def test_confirmation_email_link_works_end_to_end(client, unconfirmed, django_capture_on_commit_callbacks):
    client.force_login(unconfirmed)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:resend_confirmation"))
    link = next(line for line in mail.outbox[0].body.splitlines() if "/accounts/confirm/" in line).strip()

    client.get(link.replace("http://127.0.0.1:8000", ""))

    unconfirmed.refresh_from_db()
    assert unconfirmed.email_confirmed
