"""OAuth 2 client credentials for an NSO's own system (RFC 6749 §4.4): the clients page, the token
endpoint and its refusals (§5.2) in the caller's language, and what a client's token may do: what the
NSO's staff may, within the client's scopes, audited with the client's name."""

import base64
import json
import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from twinning import testing
from twinning.api import services
from twinning.api.models import AccessToken, OAuthClient
from twinning.api.tests.conftest import ApiClient
from twinning.common.models import AuditEntry
from twinning.schools.models import ValidationStatus

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/oauth/token"


def _client_for(cast, scopes_wanted=("schools:write",), name="Ministry register"):
    return services.create_client(by=cast.nso_il, nso=cast.il_nso, name=name, scopes_wanted=list(scopes_wanted))


def _ask(data: dict, *, basic: tuple[str, str] | None = None, language: str = "en"):
    headers = {"HTTP_ACCEPT_LANGUAGE": language}
    if basic:
        headers["HTTP_AUTHORIZATION"] = "Basic " + base64.b64encode(f"{basic[0]}:{basic[1]}".encode()).decode()
    from urllib.parse import urlencode

    return Client().post(TOKEN_URL, urlencode(data), content_type="application/x-www-form-urlencoded", **headers)


def _body(response) -> dict:
    return json.loads(response.content)


def _in_arabic(text: str) -> bool:
    return re.search("[\u0621-\u064a]", text) is not None


def _in_hebrew(text: str) -> bool:
    return re.search("[\u05d0-\u05ea]", text) is not None


def test_nso_staff_make_see_and_revoke_a_client_on_its_page(client, cast):
    page = testing.as_(client, cast.nso_il)
    assert page.get("/api/clients/").status_code == 200
    made = page.post(
        "/api/clients/new/", {"nso": cast.il_nso.pk, "name": "Ministry register", "scopes": ["schools:write"]}
    )
    assert made.status_code == 200 and "no-store" in made["Cache-Control"]
    found = OAuthClient.objects.get()
    html = made.content.decode()
    secret = re.search(r'token-value" dir="ltr">([A-Za-z0-9_\-]{40,})<', html).group(1)
    assert found.client_id in html and secret not in found.secret_digest
    assert services.find_client(found.client_id, secret) == found
    # The service identity holds the NSO's staff role and nothing to sign in with.
    assert not found.identity.has_usable_password() and found.identity.email is None
    # Another NSO's staff and teachers do not see it, nor revoke it.
    assert testing.as_(testing.Client(), cast.nso_uk).post(f"/api/clients/{found.pk}/revoke/").status_code == 404
    assert testing.as_(testing.Client(), cast.teacher_a.user).get("/api/clients/").status_code == 404
    listed = page.get("/api/clients/").content.decode()
    assert "Ministry register" in listed and secret not in listed
    page.post(f"/api/clients/{found.pk}/revoke/")
    found.refresh_from_db()
    assert found.revoked_at is not None
    assert _ask({"grant_type": "client_credentials"}, basic=(found.client_id, secret)).status_code == 401


def test_the_clients_page_speaks_hebrew_and_arabic(client, cast):
    cast.nso_il.preferred_language = "ar"
    cast.nso_il.save()
    _client_for(cast)
    page = testing.as_(client, cast.nso_il).get("/api/clients/", HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    assert "Ministry register" in page and _in_arabic(page.split("<main", 1)[-1][:3000])


def test_a_client_gets_a_short_lived_hashed_token_by_basic_or_body(cast, settings):
    settings.TWINNING_API_CLIENT_TOKEN_SECONDS = 600
    made = _client_for(cast, scopes_wanted=["schools:write", "reports:read"])
    by_basic = _ask({"grant_type": "client_credentials"}, basic=(made.client.client_id, made.secret))
    assert by_basic.status_code == 200 and by_basic["Cache-Control"] == "no-store"
    body = _body(by_basic)
    assert body["token_type"] == "Bearer" and body["expires_in"] == 600
    assert body["scope"] == "reports:read schools:write"
    token = AccessToken.objects.get(client=made.client)
    assert body["access_token"].split("_")[-1] not in token.digest
    assert timedelta(seconds=590) < token.expires_at - timezone.now() <= timedelta(seconds=600)
    narrow = _ask(
        {
            "grant_type": "client_credentials",
            "client_id": made.client.client_id,
            "client_secret": made.secret,
            "scope": "schools:read",
        }
    )
    assert narrow.status_code == 200, narrow.content
    assert _body(narrow)["scope"] == "schools:read"
    me = _body(ApiClient(_body(narrow)["access_token"]).get("/api/v1/me"))
    assert me["token"] == "Ministry register" and me["scopes"] == ["schools:read"]
    made.client.refresh_from_db()
    assert made.client.last_used_at is not None


@pytest.mark.parametrize(
    ("data", "basic", "status", "error"),
    [
        ({"grant_type": "client_credentials"}, None, 401, "invalid_client"),
        ({"grant_type": "client_credentials"}, ("twc_0000000000000000", "nope"), 401, "invalid_client"),
        ({"grant_type": "client_credentials"}, "wrong-secret", 401, "invalid_client"),
        ({"grant_type": "password"}, "good", 400, "unsupported_grant_type"),
        ({}, "good", 400, "invalid_request"),
        ({"grant_type": "client_credentials", "scope": "reports:read"}, "good", 400, "invalid_scope"),
        ({"grant_type": "client_credentials", "client_secret": "x"}, "good", 400, "invalid_request"),
    ],
)
def test_refusals_follow_rfc_6749_in_the_callers_language(cast, data, basic, status, error):
    made = _client_for(cast)
    if basic == "good":
        basic = (made.client.client_id, made.secret)
    elif basic == "wrong-secret":
        basic = (made.client.client_id, made.secret + "x")
    refused = _ask(data, basic=basic, language="ar")
    assert refused.status_code == status
    body = _body(refused)
    assert body["error"] == error and _in_arabic(body["error_description"]), body
    if status == 401 and basic:
        assert refused["WWW-Authenticate"].startswith("Basic")
    assert not AccessToken.objects.exists()


def test_a_json_body_is_refused(cast):
    made = _client_for(cast)
    refused = Client().post(
        TOKEN_URL,
        {"grant_type": "client_credentials", "client_id": made.client.client_id, "client_secret": made.secret},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="he",
    )
    assert refused.status_code == 400 and _body(refused)["error"] == "invalid_request"
    assert _in_hebrew(_body(refused)["error_description"]) and not AccessToken.objects.exists()


def _token(made) -> str:
    return _body(_ask({"grant_type": "client_credentials"}, basic=(made.client.client_id, made.secret)))["access_token"]


def test_a_client_does_what_its_nsos_staff_may_audited_with_its_name(cast):
    made = _client_for(cast)
    api = ApiClient(_token(made))
    waiting = testing.make_school(country=cast.israel, name="New School", status=ValidationStatus.PENDING)
    elsewhere = testing.make_school(country=cast.uk, name="London School", status=ValidationStatus.PENDING)
    assert api.post(f"/api/v1/schools/{waiting.pk}/validate").status_code == 200
    entry = AuditEntry.objects.get(action="school.validated")
    assert entry.actor == made.client.identity and entry.data["via"] == "API client “Ministry register”"
    # Another NSO's school is not its to see, as for the NSO's staff.
    before = AuditEntry.objects.count()
    assert api.post(f"/api/v1/schools/{elsewhere.pk}/validate").status_code == 404
    elsewhere.refresh_from_db()
    assert elsewhere.status == ValidationStatus.PENDING and AuditEntry.objects.count() == before


def test_a_client_token_without_the_scope_revoked_or_expired_is_refused(cast):
    made = _client_for(cast, scopes_wanted=["schools:read"])
    waiting = testing.make_school(country=cast.israel, status=ValidationStatus.PENDING)
    api = ApiClient(_token(made), language="he")
    refused = api.post(f"/api/v1/schools/{waiting.pk}/validate")
    assert refused.status_code == 403 and _body(refused)["code"] == "scope_missing"
    expired = _token(made)
    AccessToken.objects.filter(client=made.client).update(expires_at=timezone.now() - timedelta(seconds=1))
    old = ApiClient(expired, language="he").get("/api/v1/me")
    assert old.status_code == 401 and _in_hebrew(_body(old)["message"])
    fresh = _token(made)
    services.revoke_client(client=made.client, by=cast.nso_il)
    gone = ApiClient(fresh, language="ar").get("/api/v1/me")
    assert gone.status_code == 401 and _in_arabic(_body(gone)["message"])
    waiting.refresh_from_db()
    assert waiting.status == ValidationStatus.PENDING


def test_a_clients_tokens_share_its_rate_limit(cast, settings, clock):
    # The limit counts per minute of the site's clock: held half a minute into one, every call below falls in the
    # same minute however long the machine takes over them (a call after the turn of the minute starts a new count).
    clock.now = clock.now.replace(second=30, microsecond=0)
    settings.TWINNING_API_RATE_PER_MINUTE = 3
    made = _client_for(cast)
    first = _token(made)  # 1
    assert ApiClient(first).get("/api/v1/me").status_code == 200  # 2
    second = _token(made)  # 3
    limited = ApiClient(second).get("/api/v1/me")
    assert (limited.status_code, limited["Retry-After"]) == (429, "31")
    asked = _ask({"grant_type": "client_credentials"}, basic=(made.client.client_id, made.secret))
    assert (asked.status_code, asked["Retry-After"]) == (429, "31")
    # The next minute both tokens may call again, and the client may ask for another.
    clock.advance(seconds=30)
    assert ApiClient(second).get("/api/v1/me").status_code == 200
    assert ApiClient(first).get("/api/v1/me").status_code == 200
    assert _ask({"grant_type": "client_credentials"}, basic=(made.client.client_id, made.secret)).status_code == 200


def test_expired_client_tokens_are_forgotten(cast):
    made = _client_for(cast)
    _token(made)
    AccessToken.objects.filter(client=made.client).update(expires_at=timezone.now() - timedelta(days=2))
    personal = services.create_token(user=cast.nso_il, name="mine", scopes_wanted=["schools:read"], days=1)
    AccessToken.objects.filter(pk=personal.token.pk).update(expires_at=timezone.now() - timedelta(days=2))
    assert services.forget_expired_client_tokens() == 1
    assert list(AccessToken.objects.all()) == [personal.token]


def test_a_clients_import_goes_through_the_same_dry_run_and_is_audited_with_its_name(
    cast, django_capture_on_commit_callbacks
):
    from twinning.onboarding.models import Invitation

    made = _client_for(cast)
    api = ApiClient(_token(made))
    row = {
        "school_name": "Galil School",
        "country": "IL",
        "city": "Karmiel",
        "school_type": "public",
        "age_from": 9,
        "age_to": 12,
        "languages": ["he"],
        "teacher_name": "Rina Galil",
        "teacher_email": "rina@example.org",
        "teacher_language": "he",
    }
    # The UK's schools are not this NSO's to import: the spreadsheet's own message, nothing kept.
    refused = api.post("/api/v1/imports", {"rows": [{**row, "country": "GB"}]})
    assert refused.status_code == 422 and _body(refused)["problems"][0]["where"] == ["body", "rows", 0, "country"]
    checked = api.post("/api/v1/imports", {"rows": [row]})
    assert checked.status_code == 201
    with django_capture_on_commit_callbacks(execute=True):
        done = api.post(f"/api/v1/imports/{_body(checked)['id']}/run", {})
    assert done.status_code == 200 and _body(done)["result"]["schools_created"] == 1
    invitation = Invitation.objects.get(user__email="rina@example.org")
    assert invitation.invited_by == made.client.identity
    entry = AuditEntry.objects.get(action="onboarding.imported")
    assert entry.data["via"] == "API client “Ministry register”"
