"""Sign-in throttling through the sign-in page: one counter per account whatever the spelling or the
address, short pauses that grow, a cap per client address, and the audit log."""

from unittest import mock

import pytest
from django.urls import reverse

from twinning import testing
from twinning.accounts.models import Throttle, User
from twinning.accounts.pupils import create_pupils
from twinning.common.models import AuditEntry
from twinning.testing import PASSWORD

LOGIN = reverse("accounts:login")


def sign_in(client, login, password, address="198.51.100.1", **headers):
    return client.post(LOGIN, {"username": login, "password": password}, REMOTE_ADDR=address, **headers)


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_throttle_every_spelling_of_an_account_shares_one_counter(client, cast):
    email = cast.teacher_a.user.email
    spellings = [email.upper(), f"  {email}", email.title(), f"{email}\t", email.swapcase()]
    for n, spelling in enumerate(spellings):
        assert sign_in(client, spelling, "wrong", address=f"198.51.100.{n + 1}").status_code == 200

    response = sign_in(client, email, PASSWORD, address="203.0.113.50")

    assert response.status_code == 429
    assert not signed_in(client)
    failures = AuditEntry.objects.filter(action="signin.failed").order_by("pk")
    assert [entry.data["account"] for entry in failures] == [email] * 5
    assert {entry.target_id for entry in failures} == {cast.teacher_a.user.pk}


def test_throttle_checks_at_most_five_passwords_per_pause(client, cast):
    email = cast.teacher_a.user.email
    with mock.patch.object(User, "check_password", autospec=True, return_value=False) as check:
        statuses = [sign_in(client, email, "guess", address=f"198.51.100.{n}").status_code for n in range(1, 9)]

    assert statuses == [200] * 5 + [429] * 3
    assert check.call_count == 5


def test_throttle_pause_is_short_grows_with_each_pause_and_ends_with_a_right_password(client, cast, clock):
    email = cast.teacher_a.user.email
    waits = []
    for _round in range(6):
        for _ in range(5):
            sign_in(client, email, "wrong")
        refused = sign_in(client, email, PASSWORD)
        assert refused.status_code == 429
        waits.append(int(refused["Retry-After"]))
        clock.advance(seconds=waits[-1])

    # 1, 2, 4, 8 minutes, then the 15-minute cap (Retry-After rounds one second up).
    assert waits == [61, 121, 241, 481, 901, 901]
    assert sign_in(client, email, PASSWORD).status_code == 302
    client.logout()
    for _ in range(5):
        sign_in(client, email, "wrong")
    assert int(sign_in(client, email, PASSWORD)["Retry-After"]) == 61, "a right password starts afresh"


def test_throttle_a_classmate_delays_a_pupil_by_a_minute_only(client, cast, clock):
    [(pupil, password)] = create_pupils(school=cast.school_a, by=cast.teacher_a.user, names=["Maya K."])
    username = pupil.user.username
    for _ in range(5):
        sign_in(client, username.upper(), "not-her-password", address="10.20.30.41")

    at_the_same_time = sign_in(client, username, password, address="10.20.30.42")
    clock.advance(seconds=61)
    a_minute_later = sign_in(client, username, password, address="10.20.30.42")

    assert at_the_same_time.status_code == 429
    assert "1 minute" in at_the_same_time.content.decode()
    assert a_minute_later.status_code == 302
    assert int(client.session["_auth_user_id"]) == pupil.user.pk


def test_throttle_one_address_cannot_spray_many_accounts(client, cast, settings):
    settings.SIGNIN_THROTTLE = {**settings.SIGNIN_THROTTLE, "ADDRESS_FAILURES": 6}
    for n in range(6):
        sign_in(client, f"nobody{n}@example.org", "wrong", address="192.0.2.9")

    from_that_address = sign_in(client, cast.teacher_a.user.email, PASSWORD, address="192.0.2.9")
    from_elsewhere = sign_in(client, cast.teacher_a.user.email, PASSWORD, address="192.0.2.10")

    assert from_that_address.status_code == 429
    assert from_elsewhere.status_code == 302
    paused = AuditEntry.objects.get(action="signin.paused")
    assert (paused.target_id, paused.data["scope"], paused.data["address"]) == (None, "address", "192.0.2.9")


def test_throttle_ipv6_clients_are_counted_by_their_network(client, cast, settings):
    settings.SIGNIN_THROTTLE = {**settings.SIGNIN_THROTTLE, "ADDRESS_FAILURES": 3}
    for n in range(3):
        sign_in(client, f"nobody{n}@example.org", "wrong", address=f"2001:db8:1:2::{n + 1}")

    response = sign_in(client, cast.teacher_a.user.email, PASSWORD, address="2001:db8:1:2:ffff::9")

    assert response.status_code == 429
    assert Throttle.objects.filter(scope="address", key="2001:db8:1:2::/64").exists()


def test_throttle_unknown_account_is_audited_without_a_target_and_without_the_password(client, db):
    sign_in(client, " Nobody@Example.org ", "my-secret-guess", address="203.0.113.7")

    entry = AuditEntry.objects.get(action="signin.failed")
    assert (entry.actor, entry.target_type, entry.target_id) == (None, None, None)
    assert entry.data == {"account": "nobody@example.org", "address": "203.0.113.7"}
    assert "my-secret-guess" not in str(AuditEntry.objects.values_list("data", "reason"))


def test_throttle_the_pause_is_audited_once(client, cast):
    for _ in range(7):
        sign_in(client, cast.teacher_a.user.email, "wrong", address="203.0.113.8")

    paused = AuditEntry.objects.get(action="signin.paused")
    assert (paused.target_id, paused.data["scope"], paused.data["account"]) == (
        cast.teacher_a.user.pk,
        "account",
        cast.teacher_a.user.email,
    )
    assert AuditEntry.objects.filter(action="signin.failed").count() == 5


def test_throttle_pause_page_says_how_long_in_the_readers_language(client, cast):
    client.cookies["twinning_language"] = "ar"
    for _ in range(5):
        sign_in(client, cast.teacher_a.user.email, "wrong")

    response = sign_in(client, cast.teacher_a.user.email, PASSWORD)

    assert response.status_code == 429
    body = response.content.decode()
    assert 'lang="ar" dir="rtl"' in body
    assert "محاولات كثيرة" in body
    assert "دقيقة" in body


def test_throttle_right_password_on_the_fifth_try_signs_in(client, cast):
    for _ in range(4):
        sign_in(client, cast.teacher_a.user.email, "wrong")

    assert sign_in(client, cast.teacher_a.user.email, PASSWORD).status_code == 302
    assert not Throttle.objects.filter(scope="account").exists()


@pytest.mark.parametrize("login", ["admin", "ADMIN", " admin "])
def test_throttle_username_and_email_of_one_person_share_a_counter(client, db, login):
    person = testing.make_person(email="both@example.org", username="admin")
    for _ in range(5):
        sign_in(client, login, "wrong")

    assert sign_in(client, "Both@Example.org", PASSWORD).status_code == 429
    assert Throttle.objects.get(scope="account").key == f"user:{person.pk}"


def test_throttle_old_counters_are_forgotten_but_not_running_pauses(client, cast, clock):
    from twinning.accounts import throttle

    for _ in range(5):
        sign_in(client, cast.teacher_a.user.email, "wrong")
    sign_in(client, "nobody@example.org", "wrong", address="192.0.2.77")
    clock.advance(hours=25)
    for _ in range(5):
        sign_in(client, cast.teacher_b.user.email, "wrong")

    assert throttle.forget_old() == 3  # the first account's, the unknown login's, and their address's
    assert set(Throttle.objects.values_list("scope", "key")) == {
        ("account", f"user:{cast.teacher_b.user.pk}"),
        ("address", "198.51.100.1"),
    }
