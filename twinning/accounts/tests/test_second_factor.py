"""The second factor: required for platform admins, NSO staff and coordinators, offered to teachers;
the step after the password, setting up an app, recovery codes, removal and an administrator's reset."""

import re

import pytest
from django.test import Client as PlainClient
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from twinning import testing
from twinning.accounts import rules
from twinning.accounts.models import Role
from twinning.common.models import AuditEntry
from twinning.testing import PASSWORD, current_code, enrol_second_factor

SETUP = reverse("accounts:second_factor_setup")
STEP = reverse("accounts:second_step")
PAGES = ["/dashboard/", "/accounts/profile/", "/validation/", "/reports/", "/coordination/", "/admin/", "/nowhere/"]


def password_step(client, user, next_url=""):
    data = {"username": user.email, "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    return client.post(reverse("accounts:login"), data)


def set_up_app(client) -> tuple[object, list[str]]:
    """Go through the set-up page as a person with an app would: read the key, type the app's code."""
    page = client.get(SETUP).content.decode()
    key = re.search(r'data-testid="secret">([A-Z2-7 ]+)<', page).group(1).replace(" ", "")
    device = TOTPDevice(key=hex_key(key))
    response = client.post(SETUP, {"code": current_code(device)})
    codes = re.findall(r"<li><code class=\"ltr\">([a-z2-7]{4}-[a-z2-7]{4})</code></li>", response.content.decode())
    return response, codes


def hex_key(base32_key: str) -> str:
    from base64 import b32decode

    return b32decode(base32_key + "=" * (-len(base32_key) % 8)).hex()


@pytest.mark.parametrize("who", ["admin", "nso_il", "coordinator"])
def test_second_factor_required_roles_reach_no_page_before_setting_one_up(cast, who):
    client = PlainClient()
    user = getattr(cast, who)
    response = password_step(client, user)
    assert response["Location"] == f"{SETUP}?next=%2Fdashboard%2F"

    for page in PAGES:
        blocked = client.get(page)
        assert (page, blocked.status_code, blocked["Location"].split("?")[0]) == (page, 302, SETUP)
    assert client.post(reverse("schools:approve_teacher", args=[cast.pending_il.pk])).status_code == 302
    cast.pending_il.refresh_from_db()
    assert cast.pending_il.status == "pending"

    assert 'href="/dashboard/"' not in client.get(SETUP).content.decode(), "the header offers no other page"

    response, codes = set_up_app(client)
    assert response.status_code == 200
    assert len(codes) == 10
    assert 'href="/dashboard/"' in response.content.decode()
    assert client.get("/dashboard/").status_code == 200
    assert AuditEntry.objects.filter(action="mfa.enrolled", target_id=user.pk).count() == 1


def test_second_factor_htmx_request_is_sent_to_the_step_by_header(cast):
    client = PlainClient()
    client.force_login(cast.nso_il)

    response = client.get("/validation/", HTTP_HX_REQUEST="true")

    assert response["HX-Redirect"].startswith(SETUP)


def test_second_factor_force_login_without_the_helper_owes_the_step(cast):
    """Tests sign staff in with ``client.force_login`` of ``testing.Client``, which passes the step;
    Django's own client does not, and the person is sent to it."""
    enrol_second_factor(cast.nso_il)
    plain, helped = PlainClient(), testing.Client()
    plain.force_login(cast.nso_il)
    helped.force_login(cast.nso_il)

    assert plain.get("/validation/")["Location"] == f"{STEP}?next=%2Fvalidation%2F"
    assert helped.get("/validation/").status_code == 200


def test_second_factor_sign_in_asks_for_the_code_then_goes_on(cast):
    device = enrol_second_factor(cast.nso_il)
    client = PlainClient()

    response = password_step(client, cast.nso_il, next_url="/validation/")
    assert response["Location"] == f"{STEP}?next=%2Fvalidation%2F"
    assert client.get("/validation/")["Location"].startswith(STEP)

    response = client.post(STEP, {"code": current_code(device, steps_ahead=1), "next": "/validation/"})
    assert response["Location"] == "/validation/"
    assert client.get("/validation/").status_code == 200


def test_second_factor_wrong_code_is_refused_and_audited(cast, clock):
    device = enrol_second_factor(cast.nso_il)
    client = PlainClient()
    password_step(client, cast.nso_il)
    wrong = f"{(int(current_code(device)) + 500_000) % 1_000_000:06d}"

    response = client.post(STEP, {"code": wrong})

    assert response.status_code == 200
    assert "That code is not right" in response.content.decode()
    assert client.get("/dashboard/").status_code == 302
    entry = AuditEntry.objects.get(action="mfa.code_refused")
    assert (entry.target_id, entry.data["kind"]) == (cast.nso_il.pk, "app")
    assert wrong not in str(entry.data)
    # Right away, even the right code waits: each wrong code doubles the wait (1 s, 2 s, 4 s...).
    too_soon = client.post(STEP, {"code": current_code(device)})
    assert "Wait 1 second" in too_soon.content.decode()
    clock.advance(seconds=2)
    assert client.post(STEP, {"code": current_code(device)}).status_code == 302


def test_second_factor_a_code_is_accepted_once(cast):
    device = enrol_second_factor(cast.nso_il)
    first, second = PlainClient(), PlainClient()
    code = current_code(device)
    password_step(first, cast.nso_il)
    password_step(second, cast.nso_il)

    assert first.post(STEP, {"code": code}).status_code == 302
    assert second.post(STEP, {"code": code}).status_code == 200


def test_second_factor_recovery_code_works_once(cast):
    client = PlainClient()
    password_step(client, cast.coordinator)
    _response, codes = set_up_app(client)
    client.post(reverse("accounts:logout"))

    password_step(client, cast.coordinator)
    used = client.post(STEP, {"code": codes[3].upper().replace("-", " ")}, follow=True)
    assert used.status_code == 200
    assert "You used a recovery code: 9 are left." in used.content.decode()
    client.post(reverse("accounts:logout"))

    password_step(client, cast.coordinator)
    again = client.post(STEP, {"code": codes[3]})
    assert again.status_code == 200
    assert "That code is not right" in again.content.decode()
    entry = AuditEntry.objects.get(action="mfa.recovery_code_used")
    assert entry.data["left"] == 9
    assert codes[3].replace("-", "") not in str(AuditEntry.objects.values_list("data", flat=True))


def test_second_factor_new_recovery_codes_void_the_old_ones(client, cast):
    plain = PlainClient()
    password_step(plain, cast.nso_il)
    _response, old_codes = set_up_app(plain)

    response = plain.post(reverse("accounts:recovery_codes"))
    new_codes = re.findall(r"<code class=\"ltr\">([a-z2-7]{4}-[a-z2-7]{4})</code>", response.content.decode())

    assert response["Cache-Control"] == "no-store"
    assert len(new_codes) == 10 and not set(new_codes) & set(old_codes)
    stored = set(StaticToken.objects.filter(device__user=cast.nso_il).values_list("token", flat=True))
    assert stored == {code.replace("-", "") for code in new_codes}
    assert AuditEntry.objects.filter(action="mfa.recovery_codes_regenerated", target_id=cast.nso_il.pk).count() == 1


def test_second_factor_setup_refused_to_someone_who_only_has_the_password(cast):
    enrol_second_factor(cast.nso_il)
    client = PlainClient()
    password_step(client, cast.nso_il)

    response = client.get(SETUP)

    assert response.status_code == 302
    assert response["Location"].startswith(STEP)
    assert TOTPDevice.objects.filter(user=cast.nso_il).count() == 1


def test_second_factor_setup_page_draws_the_qr_code_here_and_shows_the_secret(cast):
    client = PlainClient()
    client.force_login(cast.teacher_a.user)

    first = client.get(SETUP)
    again = client.get(SETUP)

    body = first.content.decode()
    assert first["Cache-Control"] == "no-store"
    assert re.search(r'<img class="qr-code" src="data:image/svg\+xml;charset=utf-8,%3Csvg', body)
    secret = re.search(r'data-testid="secret">([A-Z2-7 ]+)<', body).group(1)
    assert len(secret.replace(" ", "")) == 32
    assert secret in again.content.decode(), "reloading the page keeps the same key"
    assert "https://" not in body and "http://" not in body.replace("http://www.w3.org", "")


def test_second_factor_setup_with_a_wrong_code_keeps_the_page(cast):
    client = PlainClient()
    client.force_login(cast.teacher_a.user)
    client.get(SETUP)

    response = client.post(SETUP, {"code": "12345x"})

    assert response.status_code == 200
    assert "That code is not the one your app shows" in response.content.decode()
    assert not TOTPDevice.objects.exists()


def test_second_factor_is_optional_for_teachers_and_then_asked_at_sign_in(cast):
    client = PlainClient()
    teacher = cast.teacher_a.user
    assert password_step(client, teacher)["Location"] == "/dashboard/"
    assert client.get("/accounts/profile/").status_code == 200

    set_up_app(client)
    client.post(reverse("accounts:logout"))

    assert password_step(client, teacher)["Location"].startswith(STEP)


def test_second_factor_removal_needs_a_current_code(client, cast, clock):
    device = enrol_second_factor(cast.teacher_a.user)
    client.force_login(cast.teacher_a.user)
    remove = reverse("accounts:second_factor_remove")

    refused = client.post(remove, {"code": "000000" if current_code(device) != "000000" else "111111"})
    assert refused.status_code == 400
    assert TOTPDevice.objects.filter(pk=device.pk).exists()
    clock.advance(seconds=2)  # the app's throttle after a wrong code

    removed = client.post(remove, {"code": current_code(device, steps_ahead=1)})
    assert removed.status_code == 302
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()
    assert AuditEntry.objects.filter(action="mfa.removed", target_id=cast.teacher_a.user.pk).count() == 1


def test_second_factor_removal_is_refused_when_the_role_needs_it(client, cast):
    device = enrol_second_factor(cast.coordinator)
    client.force_login(cast.coordinator)

    response = client.post(reverse("accounts:second_factor_remove"), {"code": current_code(device, steps_ahead=1)})

    assert response.status_code == 400
    assert "Your role needs a second factor" in response.content.decode()
    assert TOTPDevice.objects.filter(pk=device.pk).exists()
    assert not AuditEntry.objects.filter(action="mfa.removed").exists()


def test_second_factor_reset_by_a_platform_admin_with_a_reason(client, cast):
    enrol_second_factor(cast.nso_il)
    StaticDevice.objects.create(user=cast.nso_il, name="recovery codes")
    client.force_login(cast.admin)
    url = reverse("accounts:second_factor_reset", args=[cast.nso_il.pk])

    without_reason = client.post(url, {"reason": "  "})
    response = client.post(url, {"reason": "Lost phone; called back on her office number."})

    assert without_reason.status_code == 200
    assert "Say why" in without_reason.content.decode()
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=cast.nso_il).exists()
    assert not StaticDevice.objects.filter(user=cast.nso_il).exists()
    entry = AuditEntry.objects.get(action="mfa.reset")
    assert (entry.actor, entry.target_id, entry.reason) == (
        cast.admin,
        cast.nso_il.pk,
        "Lost phone; called back on her office number.",
    )
    # Her session that had passed the step with that app now leads her to set up a new one.
    hers = testing.Client()
    hers.force_login(cast.nso_il)
    TOTPDevice.objects.filter(user=cast.nso_il).delete()
    assert hers.get("/validation/")["Location"].startswith(SETUP)


def test_second_factor_reset_only_by_platform_admins_and_never_their_own(client, cast):
    enrol_second_factor(cast.admin)
    for who, person in [(cast.nso_il, cast.teacher_a.user), (cast.coordinator, cast.nso_il), (cast.admin, cast.admin)]:
        client.force_login(who)
        url = reverse("accounts:second_factor_reset", args=[person.pk])
        assert client.get(url).status_code == 404
        assert client.post(url, {"reason": "because"}).status_code == 404
    assert TOTPDevice.objects.filter(user=cast.admin).exists()


def test_second_factor_admin_site_links_to_the_reset(client, cast):
    client.force_login(cast.admin)

    page = client.get(reverse("admin:accounts_user_change", args=[cast.nso_il.pk])).content.decode()

    assert reverse("accounts:second_factor_reset", args=[cast.nso_il.pk]) in page
    assert client.get("/admin/otp_totp/totpdevice/").status_code == 404


def test_second_factor_admin_login_page_is_the_sites_sign_in(client, db):
    response = client.get("/admin/login/?next=/admin/")

    assert response["Location"] == f"{reverse('accounts:login')}?next=/admin/"


def test_second_factor_required_for_admins_nso_staff_coordinators_only(cast):
    principal_teacher = cast.teacher_a.user
    testing.grant(principal_teacher, Role.Kind.PRINCIPAL, school=cast.school_a)
    pupil = testing.make_person(email=None, username="s1-dan1")

    required = {
        name: rules.mfa_required(type(user).objects.get(pk=user.pk))
        for name, user in [
            ("admin", cast.admin),
            ("nso", cast.nso_il),
            ("coordinator", cast.coordinator),
            ("principal", cast.principal_a),
            ("teacher and principal", principal_teacher),
            ("pupil", pupil),
        ]
    }

    assert required == {
        "admin": True,
        "nso": True,
        "coordinator": True,
        "principal": False,
        "teacher and principal": False,
        "pupil": False,
    }


def test_second_factor_a_role_granted_later_leads_to_set_up(client, cast):
    client.force_login(cast.teacher_a.user)
    assert client.get("/dashboard/").status_code == 200

    testing.grant(cast.teacher_a.user, Role.Kind.COORDINATOR, nso=cast.il_nso)

    assert client.get("/dashboard/")["Location"].startswith(SETUP)
