"""Sign in, link and sign up with a school's account, against a real OpenID Connect provider
(``oidc_support``: panva's oidc-provider on 127.0.0.1), through the test client."""

import pytest
from django.conf import settings
from django.urls import reverse

from twinning import testing
from twinning.accounts.models import LinkedIdentity, User
from twinning.accounts.tests import oidc_support
from twinning.accounts.tests.oidc_support import NAME
from twinning.common.models import AuditEntry
from twinning.schools.models import TeacherProfile, ValidationStatus

pytestmark = pytest.mark.django_db


def _back_to() -> str:
    return settings.SITE_URL + reverse("accounts:oidc_return", args=[NAME])


def _through_provider(client, start: str, *, login: str, cancel: bool = False):
    """Press a button that starts a flow, go through the provider, and come back: the site's answer."""
    started = client.post(start)
    assert started.status_code == 302, started.content[:300]
    back = oidc_support.at_provider(started["Location"], login=login, back_to=_back_to(), cancel=cancel)
    return client.get(oidc_support.path_of(back))


def _messages(response) -> list[str]:
    return [str(message) for message in response.wsgi_request._messages]


def _link(client, user, login):
    testing.as_(client, user)
    return _through_provider(client, reverse("accounts:oidc_link", args=[NAME]), login=login)


def _sign_in(client, login, **kwargs):
    return _through_provider(client, reverse("accounts:oidc_sign_in", args=[NAME]), login=login, **kwargs)


def test_oidc_link_then_sign_in_with_the_linked_account(client, cast, oidc_provider):
    teacher = cast.teacher_a.user

    linked = _link(client, teacher, "dana@school.example")

    assert linked.status_code == 302 and linked["Location"] == reverse("accounts:profile")
    identity = LinkedIdentity.objects.get(user=teacher)
    assert (identity.provider, identity.subject, identity.email) == (NAME, "dana@school.example", "dana@school.example")
    page = client.get(reverse("accounts:profile"))
    assert b"dana@school.example" in page.content
    assert reverse("accounts:oidc_unlink", args=[identity.pk]).encode() in page.content

    client.logout()
    signed_in = _sign_in(client, "dana@school.example")

    assert signed_in.status_code == 302 and signed_in["Location"] == reverse("dashboard")
    assert client.session["_auth_user_id"] == str(teacher.pk)
    assert client.get(reverse("dashboard")).status_code == 200
    identity.refresh_from_db()
    assert identity.last_used_at is not None
    actions = list(
        AuditEntry.objects.filter(target_id=teacher.pk, action__startswith="identity.").values_list("action", flat=True)
    )
    assert sorted(actions) == ["identity.linked", "identity.signed_in"]


def test_oidc_sign_in_with_an_account_nobody_linked_is_refused(client, cast, oidc_provider):
    response = _sign_in(client, "stranger@school.example")

    assert response.status_code == 302 and response["Location"] == reverse("accounts:login")
    assert "_auth_user_id" not in client.session
    assert any("No account here is linked" in text for text in _messages(response))
    assert not AuditEntry.objects.filter(action="identity.signed_in").exists()


def test_oidc_sign_in_of_staff_with_a_second_factor_still_asks_for_it(client, cast, oidc_provider):
    staff = cast.nso_il
    testing.enrol_second_factor(staff)
    LinkedIdentity.objects.create(user=staff, provider=NAME, subject="noa@moe.example")

    response = _sign_in(client, "noa@moe.example")

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:second_step"))
    # Signed in, but every page sends her to the second step until she gives a code.
    assert client.get(reverse("schools:queue"))["Location"].startswith(reverse("accounts:second_step"))


def test_oidc_sign_in_to_a_deactivated_account_is_refused(client, cast, oidc_provider):
    teacher = cast.teacher_a.user
    LinkedIdentity.objects.create(user=teacher, provider=NAME, subject="dana@school.example")
    teacher.is_active = False
    teacher.save(update_fields=["is_active"])

    response = _sign_in(client, "dana@school.example")

    assert "_auth_user_id" not in client.session
    assert any("deactivated" in text for text in _messages(response))


def test_oidc_link_of_an_account_linked_to_someone_else_is_refused(client, cast, oidc_provider):
    LinkedIdentity.objects.create(user=cast.teacher_b.user, provider=NAME, subject="shared@school.example")

    response = _link(client, cast.teacher_a.user, "shared@school.example")

    assert response["Location"] == reverse("accounts:profile")
    assert any("already linked to another account" in text for text in _messages(response))
    assert not LinkedIdentity.objects.filter(user=cast.teacher_a.user).exists()


def test_oidc_cancelled_at_the_provider_changes_nothing(client, cast, oidc_provider):
    testing.as_(client, cast.teacher_a.user)
    response = _through_provider(client, reverse("accounts:oidc_link", args=[NAME]), login="x", cancel=True)

    assert any("did not agree" in text for text in _messages(response))
    assert not LinkedIdentity.objects.exists()


def test_oidc_tampered_state_is_refused_and_writes_nothing(client, cast, oidc_provider):
    testing.as_(client, cast.teacher_a.user)
    started = client.post(reverse("accounts:oidc_link", args=[NAME]))
    back = oidc_support.at_provider(started["Location"], login="dana@school.example", back_to=_back_to())
    tampered = back.replace("state=", "state=x")

    response = client.get(oidc_support.path_of(tampered))

    assert response["Location"] == reverse("accounts:profile")
    assert any("does not belong to a sign-in started here" in text for text in _messages(response))
    # The genuine answer still works once; a second time (a replay) it is refused.
    assert client.get(oidc_support.path_of(back))["Location"] == reverse("accounts:profile")
    assert LinkedIdentity.objects.filter(user=cast.teacher_a.user).count() == 1
    replay = client.get(oidc_support.path_of(back))
    assert any("already used" in text for text in _messages(replay))
    assert AuditEntry.objects.filter(action="identity.linked").count() == 1


def test_oidc_flow_that_took_too_long_is_refused(client, cast, oidc_provider, clock):
    testing.as_(client, cast.teacher_a.user)
    started = client.post(reverse("accounts:oidc_link", args=[NAME]))
    back = oidc_support.at_provider(started["Location"], login="dana@school.example", back_to=_back_to())
    clock.advance(minutes=11)

    response = client.get(oidc_support.path_of(back))

    assert any("took too long" in text for text in _messages(response))
    assert not LinkedIdentity.objects.exists()


def test_oidc_provider_that_is_down_gets_a_clear_message(client, cast, settings):
    settings.OIDC_PROVIDERS = {
        "down": {"label": "Down Provider", "issuer": "http://127.0.0.1:9", "client_id": "x", "client_secret": "y"}
    }

    response = client.post(reverse("accounts:oidc_sign_in", args=["down"]))

    assert response["Location"] == reverse("accounts:login")
    assert any("Down Provider cannot be reached just now" in text for text in _messages(response))


def test_oidc_unlink_and_the_only_way_in_is_kept(client, cast, oidc_provider):
    teacher = cast.teacher_a.user
    _link(client, teacher, "dana@school.example")
    identity = LinkedIdentity.objects.get(user=teacher)
    teacher.set_unusable_password()  # as after a sign-up through the provider
    teacher.save(update_fields=["password"])
    client.force_login(teacher)

    refused = client.post(reverse("accounts:oidc_unlink", args=[identity.pk]))
    assert any("only way you sign in" in text for text in _messages(refused))
    assert LinkedIdentity.objects.filter(pk=identity.pk).exists()

    teacher.set_password(testing.PASSWORD)
    teacher.save(update_fields=["password"])
    client.force_login(teacher)
    client.post(reverse("accounts:oidc_unlink", args=[identity.pk]))
    assert not LinkedIdentity.objects.filter(pk=identity.pk).exists()
    assert AuditEntry.objects.filter(action="identity.unlinked", target_id=teacher.pk).count() == 1


def test_oidc_someone_elses_link_cannot_be_unlinked(client, cast):
    theirs = LinkedIdentity.objects.create(user=cast.teacher_b.user, provider=NAME, subject="b")
    testing.as_(client, cast.teacher_a.user)

    assert client.post(reverse("accounts:oidc_unlink", args=[theirs.pk])).status_code == 404
    assert LinkedIdentity.objects.filter(pk=theirs.pk).exists()


def test_oidc_pupils_cannot_link(client, cast, pupils, oidc_provider):
    pupil = pupils[0].user if hasattr(pupils[0], "user") else pupils[0]
    client.force_login(pupil)

    assert client.post(reverse("accounts:oidc_link", args=[NAME])).status_code == 404


def test_oidc_buttons_appear_only_with_a_provider_configured(client, cast, settings, oidc_provider):
    page = client.get(reverse("accounts:login"))
    assert b'data-provider="school"' in page.content
    # The button's answer is a redirect to the provider: the page's form-action lets the browser follow it.
    assert f"form-action 'self' {oidc_provider.issuer};" in page["Content-Security-Policy"]
    assert b'data-provider="school"' in client.get(reverse("schools:signup")).content
    settings.OIDC_PROVIDERS = {}
    page = client.get(reverse("accounts:login"))
    assert b"data-provider" not in page.content
    assert "form-action 'self';" in page["Content-Security-Policy"]
    assert b"data-provider" not in client.get(reverse("schools:signup")).content
    assert client.post(reverse("accounts:oidc_sign_in", args=[NAME])).status_code == 404


# --- Sign-up through the provider ------------------------------------------------------------------


def _sign_up_data(cast, **overrides):
    data = {
        "full_name": "Miriam Katz",
        "country": "IL",
        "school": str(cast.school_a.pk),
        "subjects": ["history"],
        "languages": ["en", "he"],
    }
    data.update(overrides)
    return data


def _start_sign_up(client, login):
    return _through_provider(client, reverse("accounts:oidc_sign_up", args=[NAME]), login=login)


def test_oidc_sign_up_then_the_nso_validates_the_teacher(
    client, cast, oidc_provider, django_capture_on_commit_callbacks
):
    back = _start_sign_up(client, "miriam@school.example")
    assert back["Location"] == reverse("schools:signup_with_account")
    form = client.get(back["Location"])
    assert b"miriam@school.example" in form.content
    assert b'name="password1"' not in form.content

    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(reverse("schools:signup_with_account"), _sign_up_data(cast))

    assert done.status_code == 302 and done["Location"] == reverse("dashboard")
    user = User.objects.get(email="miriam@school.example")
    assert client.session["_auth_user_id"] == str(user.pk)
    assert user.email_confirmed and not user.has_usable_password()
    assert LinkedIdentity.objects.get(user=user).subject == "miriam@school.example"
    teacher = user.teacher
    assert teacher.status == ValidationStatus.PENDING

    # The NSO validates her exactly as a teacher who chose a password.
    testing.as_(client, cast.nso_il)
    assert client.post(reverse("schools:approve_teacher", args=[teacher.pk])).status_code == 302
    teacher.refresh_from_db()
    assert teacher.status == ValidationStatus.VALIDATED


def test_oidc_sign_up_with_an_unverified_address_is_refused(client, cast, oidc_provider):
    response = _start_sign_up(client, "unverified.bob@school.example")

    assert response["Location"] == reverse("schools:signup")
    assert any("has not confirmed your e-mail address" in text for text in _messages(response))
    assert client.get(reverse("schools:signup_with_account"))["Location"] == reverse("schools:signup")
    assert not User.objects.filter(email="bob@school.example").exists()


def test_oidc_sign_up_outside_the_nsos_domains_is_refused(client, cast, oidc_provider):
    testing.as_(client, cast.nso_il)
    saved = client.post(
        reverse("schools:nso_settings", args=[cast.il_nso.pk]), {"domains": "*.edu.il\neducation.gov.il"}
    )
    assert saved.status_code == 302
    client.logout()

    _start_sign_up(client, "miriam@gmail.example")
    refused = client.post(reverse("schools:signup_with_account"), _sign_up_data(cast))

    assert refused.status_code == 200
    assert (
        "join with an address of their education system (\u2066*.edu.il\u2069, \u2066education.gov.il\u2069)"
        in refused.content.decode()
    )
    assert not User.objects.filter(email="miriam@gmail.example").exists()

    client.cookies.clear()
    _start_sign_up(client, "miriam@haifa.edu.il")
    accepted = client.post(reverse("schools:signup_with_account"), _sign_up_data(cast))
    assert accepted.status_code == 302
    assert TeacherProfile.objects.filter(user__email="miriam@haifa.edu.il", status=ValidationStatus.PENDING).exists()


def test_oidc_sign_up_with_an_address_that_has_an_account_says_to_link(client, cast, oidc_provider):
    existing = cast.teacher_a.user
    _start_sign_up(client, existing.email)

    response = client.post(reverse("schools:signup_with_account"), _sign_up_data(cast))

    assert response.status_code == 200
    assert "already has an account here" in response.content.decode()
    assert not LinkedIdentity.objects.exists()


def test_oidc_sign_up_refusal_reads_in_arabic(client, cast, oidc_provider):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ar"
    response = _start_sign_up(client, "unverified.bob@school.example")

    text = " ".join(_messages(response))
    assert "School Account" in text
    assert any("\u0600" <= ch <= "\u06ff" for ch in text)


# --- Personal data ----------------------------------------------------------------------------------


def test_oidc_linked_accounts_are_in_the_copy_of_ones_data_and_go_with_the_account(
    client, cast, django_capture_on_commit_callbacks
):
    import io
    import json
    import zipfile

    from twinning.common import privacy
    from twinning.common.models import DataExport

    teacher = cast.teacher_b.user
    LinkedIdentity.objects.create(user=teacher, provider=NAME, subject="sarah", email="sarah@school.example")
    testing.as_(client, teacher)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:request_own_export"))
    export = DataExport.objects.latest("pk")
    response = client.post(reverse("accounts:download_export", args=[export.pk]))
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    rows = json.loads(archive.read("accounts.json"))["accounts.LinkedIdentity"]
    assert [(row["provider"], row["email"]) for row in rows] == [(NAME, "sarah@school.example")]

    privacy.erase_person(person=privacy.person_for(teacher), by=teacher)
    assert not LinkedIdentity.objects.filter(subject="sarah").exists()


def test_oidc_provider_that_goes_down_before_the_code_is_exchanged_changes_nothing(client, cast, settings):
    running = oidc_support.start(_back_to())
    try:
        settings.OIDC_PROVIDERS = running.settings()
        testing.as_(client, cast.teacher_a.user)
        started = client.post(reverse("accounts:oidc_link", args=[NAME]))
        back = oidc_support.at_provider(started["Location"], login="dana@school.example", back_to=_back_to())
    finally:
        oidc_support.stop(running)

    response = client.get(oidc_support.path_of(back))

    assert response["Location"] == reverse("accounts:profile")
    assert any("School Account cannot be reached just now" in text for text in _messages(response))
    assert not LinkedIdentity.objects.exists()
