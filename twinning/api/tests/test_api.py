"""The JSON API: tokens, the same rules as the pages, cursors, writes through the services, and
refusals with a code and a message in the caller's language. Every answer is checked against the
published schema (``ApiClient``)."""

import json
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from twinning import testing
from twinning.accounts.models import Pupil
from twinning.api import services
from twinning.api.models import AccessToken
from twinning.api.tests.conftest import ApiClient, token_for
from twinning.common.models import AuditEntry
from twinning.library.models import Activity, Version
from twinning.meetings.models import Meeting, MeetingSchool
from twinning.schools.models import Language, School, ValidationStatus

pytestmark = pytest.mark.django_db


def _body(response) -> dict:
    return json.loads(response.content)


def _in_hebrew(text: str) -> bool:
    return re.search("[\u05d0-\u05ea]", text) is not None


def _in_arabic(text: str) -> bool:
    return re.search("[\u0621-\u064a]", text) is not None


# --- Tokens and refusals ------------------------------------------------------------------------


def test_no_token_wrong_token_revoked_and_expired_are_refused_in_the_callers_language(cast):
    assert _body(ApiClient().get("/api/v1/me"))["code"] == "unauthenticated"
    wrong = ApiClient("tw_deadbeef_not-the-secret", language="ar").get("/api/v1/me")
    assert wrong.status_code == 401
    assert wrong["WWW-Authenticate"].startswith("Bearer")
    body = _body(wrong)
    assert body["code"] == "unauthenticated"
    assert _in_arabic(body["message"]), body["message"]

    value = token_for(cast.nso_il)
    token = AccessToken.objects.get(user=cast.nso_il)
    assert ApiClient(value).get("/api/v1/me").status_code == 200
    services.revoke_token(token=token, by=cast.nso_il)
    revoked = ApiClient(value, language="he").get("/api/v1/me")
    assert revoked.status_code == 401 and _in_hebrew(_body(revoked)["message"])

    other = token_for(cast.nso_il, name="Old")
    AccessToken.objects.filter(name="Old").update(expires_at=timezone.now() - timedelta(seconds=1))
    assert ApiClient(other).get("/api/v1/me").status_code == 401


def test_only_a_digest_is_kept_and_the_token_names_its_person(cast):
    value = token_for(cast.teacher_a.user, name="School register")
    token = AccessToken.objects.get()
    assert value not in (token.digest, token.prefix) and value.split("_")[-1] not in token.digest
    me = _body(ApiClient(value).get("/api/v1/me"))
    assert me["email"] == cast.teacher_a.user.email and me["token"] == "School register"
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_pupils_cannot_hold_a_token(client, cast, pupils):
    pupil_user = pupils[0].user
    with pytest.raises(Exception, match="cannot use the API"):
        token_for(pupil_user)
    # And a token made before the account became a pupil's opens nothing.
    made = services.create_token(user=cast.teacher_a.user, name="x", scopes_wanted=["schools:read"], days=5)
    AccessToken.objects.filter(pk=made.token.pk).update(user=pupil_user)
    assert ApiClient(made.value).get("/api/v1/me").status_code == 401
    assert testing.as_(client, pupil_user).get("/api/tokens/").status_code == 404


def test_a_token_does_only_what_its_scopes_say(cast):
    reader = ApiClient(token_for(cast.nso_il, scopes_wanted=["twinnings:read"], name="r"))
    schools_reader = ApiClient(token_for(cast.nso_il, scopes_wanted=["schools:read"], name="s"))
    refused = reader.get("/api/v1/schools")
    assert refused.status_code == 403 and _body(refused)["code"] == "scope_missing"
    pending = testing.make_school(country=cast.israel, status=ValidationStatus.PENDING)
    assert schools_reader.get("/api/v1/schools").status_code == 200
    before = AuditEntry.objects.count()
    assert schools_reader.post(f"/api/v1/schools/{pending.pk}/validate").status_code == 403
    pending.refresh_from_db()
    assert pending.status == ValidationStatus.PENDING and AuditEntry.objects.count() == before


def test_each_token_has_a_rate_limit_with_retry_after(cast, settings, clock):
    # Minutes of the site's clock, held 15 s into one: the four calls are counted in the same minute.
    clock.now = clock.now.replace(second=15, microsecond=0)
    settings.TWINNING_API_RATE_PER_MINUTE = 3
    caller = ApiClient(token_for(cast.teacher_a.user), language="he")
    assert [caller.get("/api/v1/me").status_code for _ in range(3)] == [200, 200, 200]
    limited = caller.get("/api/v1/me")
    assert limited.status_code == 429 and _in_hebrew(_body(limited)["message"])
    assert limited["Retry-After"] == "46"
    assert _body(limited)["code"] == "rate_limited"
    # Another token of another person is counted apart.
    assert ApiClient(token_for(cast.teacher_b.user)).get("/api/v1/me").status_code == 200
    # At the turn of the minute the count starts again.
    clock.advance(seconds=45)
    assert caller.get("/api/v1/me").status_code == 200


# --- Schools: the same rules as the pages -------------------------------------------------------


def test_nso_staff_see_their_schools_validation_and_others_only_what_teachers_see(cast):
    pending_il = testing.make_school(country=cast.israel, name="Waiting School", status=ValidationStatus.PENDING)
    pending_uk = testing.make_school(country=cast.uk, name="Pending in London", status=ValidationStatus.PENDING)
    nso = ApiClient(token_for(cast.nso_il))
    listed = {row["id"]: row for row in _body(nso.get("/api/v1/schools?limit=200"))["items"]}
    assert listed[pending_il.pk]["validation"]["status"] == "pending"
    assert listed[cast.school_a.pk]["validation"]["status"] == "validated"
    assert listed[cast.school_b.pk]["validation"] is None  # the UK's NSO validates it
    assert pending_uk.pk not in listed
    assert nso.get(f"/api/v1/schools/{pending_uk.pk}").status_code == 404

    teacher = ApiClient(token_for(cast.teacher_b.user))
    seen = {row["id"]: row for row in _body(teacher.get("/api/v1/schools"))["items"]}
    assert pending_il.pk not in seen and seen[cast.school_a.pk]["validation"] is None
    assert _body(teacher.get(f"/api/v1/schools/{pending_il.pk}"))["code"] == "not_found"
    # Filtering by validation state is the validators' business: a teacher's filter finds nothing.
    assert _body(teacher.get("/api/v1/schools?status=pending"))["items"] == []
    assert [row["id"] for row in _body(nso.get("/api/v1/schools?status=pending"))["items"]] == [pending_il.pk]


def test_the_cursor_walks_the_whole_list_once_and_a_page_costs_the_same_deep_in(cast):
    for n in range(9):
        testing.make_school(country=cast.israel, name=f"School {n:02}")
    caller = ApiClient(token_for(cast.nso_il))
    caller.get("/api/v1/me")  # its first use notes "last used": not a cost of the list
    ids, url, costs = [], "/api/v1/schools?limit=3&country=il", []
    while url:
        with CaptureQueriesContext(connection) as queries:
            page = _body(caller.get(url))
        costs.append(len(queries))
        ids += [row["id"] for row in page["items"]]
        url = f"/api/v1/schools?limit=3&country=il&cursor={page['next']}" if page["next"] else None
    expected = list(School.objects.filter(country=cast.israel).order_by("pk").values_list("pk", flat=True))
    assert ids == expected and len(costs) == 4
    assert len(set(costs[:3])) == 1, costs  # full pages cost the same, first or third


def test_a_cursor_from_another_list_or_tampered_with_is_refused(cast):
    for _ in range(3):
        testing.make_school(country=cast.israel)
    caller = ApiClient(token_for(cast.nso_il), language="ar")
    cursor = _body(caller.get("/api/v1/schools?limit=1"))["next"]
    other_list = caller.get(f"/api/v1/teachers?cursor={cursor}")
    assert other_list.status_code == 400 and _body(other_list)["code"] == "bad_cursor"
    other_filter = caller.get(f"/api/v1/schools?limit=1&country=GB&cursor={cursor}")
    assert other_filter.status_code == 400
    tampered = caller.get(f"/api/v1/schools?cursor={cursor[:-2]}xx")
    assert tampered.status_code == 400 and _in_arabic(_body(tampered)["message"])
    assert caller.get("/api/v1/schools?limit=0").status_code == 422
    assert caller.get("/api/v1/schools?limit=5000").status_code == 422


# --- Writes go through the services, audited with the token's name ------------------------------


def test_nso_staff_validate_and_reject_through_the_api_audited_with_the_token(cast):
    waiting = testing.make_school(country=cast.israel, name="New School", status=ValidationStatus.PENDING)
    other = testing.make_school(country=cast.israel, name="Doubtful", status=ValidationStatus.PENDING)
    nso = ApiClient(token_for(cast.nso_il, name="Ministry register"))
    done = nso.post(f"/api/v1/schools/{waiting.pk}/validate")
    assert done.status_code == 200 and _body(done)["validation"]["status"] == "validated"
    entry = AuditEntry.objects.filter(action="school.validated").latest("pk")
    assert entry.actor == cast.nso_il and entry.data["via"] == "API token “Ministry register”"
    again = nso.post(f"/api/v1/schools/{waiting.pk}/validate")
    assert again.status_code == 409 and _body(again)["code"] == "refused"

    rejected = nso.post(f"/api/v1/schools/{other.pk}/reject", {"reason": "No such school in the register."})
    assert _body(rejected)["validation"] == {
        "status": "rejected",
        "decided_at": _body(rejected)["validation"]["decided_at"],
        "reason": "No such school in the register.",
    }


def test_a_school_outside_the_nso_is_not_found_and_nothing_is_written(cast):
    waiting = testing.make_school(country=cast.israel, status=ValidationStatus.PENDING)
    uk, teacher = ApiClient(token_for(cast.nso_uk)), ApiClient(token_for(cast.teacher_a.user))
    before = AuditEntry.objects.count()
    assert uk.post(f"/api/v1/schools/{waiting.pk}/validate").status_code == 404
    assert teacher.post(f"/api/v1/schools/{waiting.pk}/validate").status_code == 404
    waiting.refresh_from_db()
    assert waiting.status == ValidationStatus.PENDING and AuditEntry.objects.count() == before


def test_bad_bodies_are_refused_with_what_is_wrong_and_nothing_written(cast):
    waiting = testing.make_school(country=cast.israel, status=ValidationStatus.PENDING)
    nso = ApiClient(token_for(cast.nso_il), language="he")
    malformed = nso.post(f"/api/v1/schools/{waiting.pk}/reject", raw="{not json")
    assert malformed.status_code == 400 and _body(malformed)["code"] == "malformed"
    unknown = nso.post(f"/api/v1/schools/{waiting.pk}/reject", {"reason": "x", "also": 1})
    assert unknown.status_code == 422 and _body(unknown)["problems"][0]["where"][-1] == "also"
    missing = nso.post(f"/api/v1/schools/{waiting.pk}/reject", {})
    assert missing.status_code == 422 and _in_hebrew(_body(missing)["message"])
    wrong_type = nso.post(f"/api/v1/schools/{waiting.pk}/reject", {"reason": 12})
    assert wrong_type.status_code == 422
    waiting.refresh_from_db()
    assert waiting.status == ValidationStatus.PENDING


def test_teachers_waiting_are_listed_and_validated_for_their_nso_only(cast):
    nso = ApiClient(token_for(cast.nso_il))
    waiting = _body(nso.get("/api/v1/teachers?status=pending"))["items"]
    assert [row["id"] for row in waiting] == [cast.pending_il.pk]
    assert nso.client.get(f"/api/v1/teachers/{cast.pending_uk.pk}/validate").status_code == 405
    assert nso.post(f"/api/v1/teachers/{cast.pending_uk.pk}/validate").status_code == 404
    done = nso.post(f"/api/v1/teachers/{cast.pending_il.pk}/validate")
    assert _body(done)["status"] == "validated"
    no = nso.post(f"/api/v1/teachers/{cast.pending_il.pk}/reject", {"reason": "Not at this school."})
    assert no.status_code == 409


# --- Twinnings, meetings, the library -----------------------------------------------------------


def test_a_twinning_shows_its_schools_and_teachers_never_its_pupils(client, cast, twinning, pupils):
    member = ApiClient(token_for(cast.teacher_b.user))
    listed = _body(member.get("/api/v1/twinnings"))["items"]
    assert [row["id"] for row in listed] == [twinning.pk]
    one = member.get(f"/api/v1/twinnings/{twinning.pk}")
    body = _body(one)
    assert {row["school_id"] for row in body["schools"]} == {cast.school_a.pk, cast.school_b.pk}
    assert "Dana Levi" in {row["name"] for row in body["teachers"]}
    for pupil in Pupil.objects.select_related("user"):
        assert pupil.user.full_name.encode() not in one.content
        assert pupil.user.username.encode() not in one.content
    outsider = testing.make_teacher(school=testing.make_school(country=cast.uk))
    assert ApiClient(token_for(outsider.user)).get(f"/api/v1/twinnings/{twinning.pk}").status_code == 404
    # Its overseers read it as on its page.
    assert ApiClient(token_for(cast.coordinator)).get(f"/api/v1/twinnings/{twinning.pk}").status_code == 200


def test_meetings_and_their_calendar_file(cast, twinning):
    start = timezone.now() + timedelta(days=3)
    meeting = Meeting.objects.create(
        twinning=twinning, title="First Mifgash", starts_at=start, ends_at=start + timedelta(minutes=45)
    )
    for school in (cast.school_a, cast.school_b):
        MeetingSchool.objects.create(meeting=meeting, school=school)
    member = ApiClient(token_for(cast.teacher_a.user))
    listed = _body(member.get(f"/api/v1/twinnings/{twinning.pk}/meetings"))["items"]
    assert [row["title"] for row in listed] == ["First Mifgash"]
    calendar = member.get(listed[0]["calendar"])
    assert calendar["Content-Type"].startswith("text/calendar") and b"First Mifgash" in calendar.content
    stranger = ApiClient(token_for(cast.nso_uk))
    assert stranger.get(f"/api/v1/twinnings/{twinning.pk}/meetings/{meeting.pk}").status_code in (200, 404)
    outsider = testing.make_teacher(school=testing.make_school(country=cast.uk))
    assert ApiClient(token_for(outsider.user)).get(listed[0]["calendar"]).status_code == 404


def test_the_library_lists_published_activities_only(cast):
    english = Language.objects.get(code="en")

    def activity(title: str, status: str) -> Activity:
        made = Activity.objects.create(status=status, author=cast.teacher_a.user)
        version = Version.objects.create(
            activity=made,
            number=1,
            title=title,
            summary="s",
            goals="g",
            steps="1",
            age_from=9,
            age_to=12,
            duration_minutes=45,
            text_language=english,
        )
        if status == Activity.Status.PUBLISHED:
            made.published = version
            made.published_at = timezone.now()
            made.save()
        return made

    shown = activity("Postcards", Activity.Status.PUBLISHED)
    hidden = activity("Draft idea", Activity.Status.DRAFT)
    caller = ApiClient(token_for(cast.teacher_b.user))
    assert [row["title"] for row in _body(caller.get("/api/v1/activities"))["items"]] == ["Postcards"]
    assert _body(caller.get("/api/v1/activities?age=10"))["items"][0]["id"] == shown.pk
    assert _body(caller.get("/api/v1/activities?age=16"))["items"] == []
    assert caller.get(f"/api/v1/activities/{hidden.pk}").status_code == 404


# --- The schema and its page --------------------------------------------------------------------


def test_the_schema_and_its_documentation_are_served_from_here(client):
    schema = client.get("/api/v1/openapi.json")
    assert schema.status_code == 200 and json.loads(schema.content)["openapi"].startswith("3.")
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200
    assert b"cdn." not in docs.content and b"swagger-ui" in docs.content


def test_the_schema_is_written_once_per_address_and_language_and_each_caller_gets_a_copy(client, monkeypatch):
    from ninja import NinjaAPI

    from twinning.api.v1 import api

    written = []
    original = NinjaAPI.get_openapi_schema

    def counted(self, **kwargs):
        written.append(kwargs["path_prefix"])
        return original(self, **kwargs)

    monkeypatch.setattr(NinjaAPI, "get_openapi_schema", counted)
    monkeypatch.setattr(api, "_schemas", {})
    first = client.get("/api/v1/openapi.json").content
    mine = api.get_openapi_schema()
    mine["paths"].clear()  # a caller changing its copy changes nobody else's
    assert client.get("/api/v1/openapi.json").content == first
    assert written == ["/api/v1/"]
    client.get("/api/v1/openapi.json", HTTP_ACCEPT_LANGUAGE="he")
    assert written == ["/api/v1/", "/api/v1/"]
    assert json.loads(first)["paths"]


# --- The tokens page ----------------------------------------------------------------------------


def test_the_tokens_page_makes_a_token_shown_once_and_revokes_it(client, cast):
    page = testing.as_(client, cast.teacher_a.user)
    made = page.post("/api/tokens/new/", {"name": "School register", "scopes": ["schools:read"], "days": "30"})
    assert made.status_code == 200 and made["Cache-Control"] == "no-store"
    value = made.context["new_token"].value
    assert value.encode() in made.content
    listed = page.get("/api/tokens/")
    assert value.encode() not in listed.content and b"School register" in listed.content
    token = AccessToken.objects.get()
    assert ApiClient(value).get("/api/v1/schools").status_code == 200
    page.post(f"/api/tokens/{token.pk}/revoke/")
    assert ApiClient(value).get("/api/v1/schools").status_code == 401
    entries = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"api.token_created", "api.token_revoked"} <= entries


def test_the_tokens_page_refuses_bad_input_in_the_persons_language(client, cast):
    page = testing.as_(client, cast.teacher_a.user, "ar")
    refused = page.post("/api/tokens/new/", {"name": "", "days": "9999"})
    assert refused.status_code == 400
    form = refused.context["form"]
    assert set(form.errors) == {"name", "scopes", "days"}
    assert _in_arabic(str(form.errors["scopes"][0]))
    assert AccessToken.objects.count() == 0
    page.post("/api/tokens/new/", {"name": "Twice", "scopes": ["schools:read"], "days": "3"})
    again = page.post("/api/tokens/new/", {"name": "Twice", "scopes": ["schools:read"], "days": "3"})
    assert again.status_code == 400 and AccessToken.objects.count() == 1


def test_someone_elses_token_cannot_be_revoked(client, cast):
    made = services.create_token(user=cast.teacher_b.user, name="Theirs", scopes_wanted=["schools:read"], days=3)
    response = testing.as_(client, cast.teacher_a.user).post(f"/api/tokens/{made.token.pk}/revoke/")
    assert response.status_code == 404
    made.token.refresh_from_db()
    assert made.token.revoked_at is None
