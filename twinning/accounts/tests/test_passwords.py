"""Password changes and resets are in the audit log (never the password), and the reset and
confirm-again forms answer alike whether or not an account exists."""

import re

from django.core import mail
from django.urls import reverse

from twinning import testing
from twinning.common.models import AuditEntry
from twinning.testing import PASSWORD

NEW = "a-new-long-passphrase-7"


def test_password_change_is_audited_without_the_password(client, cast):
    user = cast.teacher_a.user
    client.force_login(user)

    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW},
        REMOTE_ADDR="198.51.100.4",
    )

    assert response["Location"] == reverse("accounts:profile")
    user.refresh_from_db()
    assert user.check_password(NEW)
    entry = AuditEntry.objects.get(action="password.changed")
    assert (entry.actor, entry.target_id, entry.data) == (user, user.pk, {"address": "198.51.100.4"})
    assert client.get(reverse("accounts:profile")).status_code == 200, "this session stays signed in"


def test_password_change_with_a_wrong_old_password_changes_nothing(client, cast):
    client.force_login(cast.teacher_a.user)

    response = client.post(
        reverse("accounts:password_change"), {"old_password": "wrong", "new_password1": NEW, "new_password2": NEW}
    )

    assert response.status_code == 200
    assert not AuditEntry.objects.filter(action="password.changed").exists()


def test_password_reset_is_audited_and_ends_other_sessions(client, cast, django_capture_on_commit_callbacks):
    user = cast.teacher_a.user
    elsewhere = testing.Client()
    elsewhere.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:password_reset"), {"email": user.email.upper()})
    link = re.search(r"http://testserver(/accounts/password/reset/\S+/)", mail.outbox[0].body).group(1)
    form = client.get(link)["Location"]

    client.post(form, {"new_password1": NEW, "new_password2": NEW})

    user.refresh_from_db()
    assert user.check_password(NEW)
    entry = AuditEntry.objects.get(action="password.reset")
    assert (entry.actor, entry.target_id) == (user, user.pk)
    assert NEW not in str(AuditEntry.objects.values_list("data", "reason"))
    assert elsewhere.get("/dashboard/").status_code == 302


def test_password_reset_answers_alike_for_unknown_addresses(client, cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        known = client.post(reverse("accounts:password_reset"), {"email": cast.teacher_a.user.email})
        unknown = client.post(reverse("accounts:password_reset"), {"email": "nobody@example.org"})

    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert len(mail.outbox) == 1


def test_confirm_again_answers_alike_for_unknown_addresses(client, cast, django_capture_on_commit_callbacks):
    waiting = testing.make_person(confirmed=False)

    with django_capture_on_commit_callbacks(execute=True):
        known = client.post(reverse("accounts:resend_confirmation"), {"email": waiting.email}, follow=True)
        unknown = client.post(reverse("accounts:resend_confirmation"), {"email": "nobody@example.org"}, follow=True)
        confirmed = client.post(
            reverse("accounts:resend_confirmation"), {"email": cast.teacher_a.user.email}, follow=True
        )

    def answer(response):
        return response.redirect_chain, [str(m) for m in response.context["messages"]]

    assert answer(known) == answer(unknown) == answer(confirmed)
    assert [message.to for message in mail.outbox] == [[waiting.email]]
