"""API writes through the apps' own services: an NSO's system imports schools and teachers (the
onboarding dry run, its row-level problems, the import and its invitations, in the job queue when
large, audited with the token's name all the same), changes a school's details (the school page's
form and service) and its teachers (left the school; subjects and languages, through the profile
page's form and service). Bad input is refused and nothing is written."""

import json
import re

import pytest

from twinning.api.tests.conftest import ApiClient, token_for
from twinning.common.models import AuditEntry
from twinning.onboarding.models import ImportFile, Invitation
from twinning.schools.models import School

pytestmark = pytest.mark.django_db


def _body(response) -> dict:
    return json.loads(response.content)


def _in_hebrew(text: str) -> bool:
    return re.search("[\u05d0-\u05ea]", text) is not None


def _row(school="Galil School", email="rina@example.org", **more) -> dict:
    return {
        "school_name": school,
        "country": "IL",
        "city": "Karmiel",
        "school_type": "public",
        "age_from": 9,
        "age_to": 12,
        "languages": ["he", "en"],
        "teacher_name": "Rina Galil",
        "teacher_email": email,
        "teacher_language": "he",
        **more,
    }


def _counts() -> tuple:
    return (School.objects.count(), ImportFile.objects.count(), Invitation.objects.count(), AuditEntry.objects.count())


def test_an_nso_imports_schools_and_teachers_dry_run_first_with_invitations(cast, django_capture_on_commit_callbacks):
    api = ApiClient(token_for(cast.nso_il, name="Ministry register"))
    rows = [_row(), _row(email="omer@example.org", teacher_name="Omer Galil"), _row("Reali School", "x@example.org")]
    checked = api.post("/api/v1/imports", {"rows": rows})
    assert checked.status_code == 201, checked.content
    plan = _body(checked)
    assert plan["status"] == "checked" and plan["schools"] == 2 and plan["teachers"] == 3
    assert School.objects.filter(name="Galil School").count() == 0  # the dry run writes no school
    with django_capture_on_commit_callbacks(execute=True):
        done = api.post(f"/api/v1/imports/{plan['id']}/run", {})
    assert done.status_code == 200, done.content
    result = _body(done)
    assert result["status"] == "imported" and result["result"]["teachers"] == 3
    assert School.objects.filter(name="Galil School", country=cast.israel).count() == 1
    assert Invitation.objects.filter(user__email="omer@example.org").exists()
    entry = AuditEntry.objects.get(action="onboarding.imported")
    assert entry.actor == cast.nso_il and entry.data["via"] == "API token “Ministry register”"
    assert api.post(f"/api/v1/imports/{plan['id']}/run", {}).status_code == 409  # imported already
    assert _body(api.get(f"/api/v1/imports/{plan['id']}"))["status"] == "imported"


def test_rows_with_problems_get_the_spreadsheets_messages_per_row_and_nothing_is_kept(cast):
    api = ApiClient(token_for(cast.nso_il), language="he")
    before = _counts()
    refused = api.post(
        "/api/v1/imports", {"rows": [_row(), _row("Elsewhere", "b@example.org", country="GB", age_from=30)]}
    )
    assert refused.status_code == 422
    body = _body(refused)
    assert body["code"] == "invalid" and _in_hebrew(body["message"])
    places = {tuple(problem["where"]) for problem in body["problems"]}
    assert ("body", "rows", 1, "country") in places and ("body", "rows", 1, "age_from") in places
    assert all(_in_hebrew(problem["problem"]) for problem in body["problems"])
    taken = api.post("/api/v1/imports", {"rows": [_row(email=cast.teacher_a.user.email)]})
    assert taken.status_code == 422 and _body(taken)["problems"][0]["where"] == ["body", "rows", 0, "teacher_email"]
    assert _counts() == before


@pytest.mark.parametrize(
    "raw",
    [
        "{not json",
        json.dumps({"rows": [_row(colour="blue")]}),  # an unknown field
        json.dumps({"rows": [_row(age_from="nine")]}),  # a wrong type
        json.dumps({"rows": []}),
        json.dumps({"rows": [_row()], "dry_run": False}),
    ],
)
def test_malformed_unknown_or_wrongly_typed_input_writes_nothing(cast, raw):
    api = ApiClient(token_for(cast.nso_il), language="he")
    before = _counts()
    refused = api.post("/api/v1/imports", raw=raw)
    assert refused.status_code in (400, 422) and _in_hebrew(_body(refused)["message"])
    assert _counts() == before


def test_only_importers_with_the_write_scope_import(cast):
    reader = ApiClient(token_for(cast.nso_il, scopes_wanted=["schools:read"], name="r"))
    teacher = ApiClient(token_for(cast.teacher_a.user))
    uk = ApiClient(token_for(cast.nso_uk))
    before = _counts()
    assert reader.post("/api/v1/imports", {"rows": [_row()]}).status_code == 403
    assert teacher.post("/api/v1/imports", {"rows": [_row()]}).status_code == 404
    # Another NSO's import is not found; the UK's staff may not import into Israel.
    refused = uk.post("/api/v1/imports", {"rows": [_row()]})
    assert refused.status_code == 422 and _body(refused)["problems"][0]["where"] == ["body", "rows", 0, "country"]
    assert uk.post("/api/v1/imports", {"rows": [_row()], "nso_id": cast.il_nso.pk}).status_code == 404
    assert _counts() == before
    mine = _body(ApiClient(token_for(cast.nso_il)).post("/api/v1/imports", {"rows": [_row()]}))
    assert uk.get(f"/api/v1/imports/{mine['id']}").status_code == 404
    assert uk.post(f"/api/v1/imports/{mine['id']}/run", {}).status_code == 404
    assert not School.objects.filter(name="Galil School").exists()


def test_school_details_are_changed_as_on_its_page(cast):
    api = ApiClient(token_for(cast.nso_il, name="Ministry register"), language="he")
    changed = api.patch(f"/api/v1/schools/{cast.school_a.pk}", {"city": "Haifa Bay", "languages": ["he", "ar"]})
    assert changed.status_code == 200, changed.content
    assert _body(changed)["city"] == "Haifa Bay" and _body(changed)["languages"] == ["ar", "he"]
    cast.school_a.refresh_from_db()
    assert cast.school_a.city == "Haifa Bay"
    entry = AuditEntry.objects.get(action="school.updated")
    assert entry.data["via"] == "API token “Ministry register”" and set(entry.data["fields"]) == {"city", "languages"}
    before = _counts()
    bad = api.patch(f"/api/v1/schools/{cast.school_a.pk}", {"age_from": 14, "age_to": 10, "name": "ריאלי"})
    assert bad.status_code == 422 and {tuple(p["where"]) for p in _body(bad)["problems"]} >= {("body", "age_to")}
    assert all(_in_hebrew(p["problem"]) for p in _body(bad)["problems"])
    assert api.patch(f"/api/v1/schools/{cast.school_a.pk}", {"country": "GB"}).status_code == 422
    assert api.patch(f"/api/v1/schools/{cast.school_a.pk}", raw="{").status_code == 400
    # Another NSO's school, read-only for them: not found, as on the page.
    cast.school_a.refresh_from_db()
    assert cast.school_a.city == "Haifa Bay" and cast.school_a.age_from != 14 and _counts() == before
    uk = ApiClient(token_for(cast.nso_uk))
    assert uk.patch(f"/api/v1/schools/{cast.school_a.pk}", {"city": "X"}).status_code == 404
    cast.school_a.refresh_from_db()
    assert cast.school_a.city == "Haifa Bay"


# --- Proposals: matching's rules and services ------------------------------------------------------


@pytest.fixture
def profiles(cast):
    from twinning.matching.tests.conftest import make_profile

    return make_profile(cast.school_a, languages={"he": 3, "en": 2}), make_profile(cast.school_b)


def test_a_teacher_proposes_and_the_partner_accepts_through_the_api(cast, profiles):
    from twinning.matching.models import Proposal

    teacher_a = ApiClient(token_for(cast.teacher_a.user, name="Class app"))
    teacher_b = ApiClient(token_for(cast.teacher_b.user))
    asked = teacher_a.post("/api/v1/proposals", {"partner_profile_id": profiles[1].pk, "message": "Shalom!"})
    assert asked.status_code == 201, asked.content
    proposal = _body(asked)
    assert proposal["status"] == "pending" and proposal["asking"]["school_id"] == cast.school_a.pk
    assert proposal["asked"]["accepted"] is False and proposal["message"] == "Shalom!"
    entry = AuditEntry.objects.get(action="proposal.requested")
    assert entry.actor == cast.teacher_a.user and entry.data["via"] == "API token “Class app”"
    # Asking again is refused by the service, in words; the teacher of a third school does not see it.
    again = teacher_a.post("/api/v1/proposals", {"partner_profile_id": profiles[1].pk})
    assert again.status_code == 409 and _body(again)["code"] == "refused"
    assert [row["id"] for row in _body(teacher_b.get("/api/v1/proposals"))["items"]] == [proposal["id"]]
    nso = ApiClient(token_for(cast.nso_il))
    assert nso.get(f"/api/v1/proposals/{proposal['id']}").status_code == 404
    assert nso.post(f"/api/v1/proposals/{proposal['id']}/accept").status_code == 404
    accepted = teacher_b.post(f"/api/v1/proposals/{proposal['id']}/accept")
    assert accepted.status_code == 200 and _body(accepted)["status"] == "accepted"
    assert Proposal.objects.get().right_accepted_by == cast.teacher_b.user
    assert teacher_b.post(f"/api/v1/proposals/{proposal['id']}/accept").status_code == 409


def test_a_decline_needs_a_reason_and_bad_input_writes_nothing(cast, profiles):
    from twinning.matching.models import Proposal
    from twinning.matching.services import request_partnership

    proposal = request_partnership(from_profile=profiles[0], to_profile=profiles[1], by=cast.teacher_a.user)
    teacher_b = ApiClient(token_for(cast.teacher_b.user), language="he")
    reader = ApiClient(token_for(cast.teacher_b.user, scopes_wanted=["twinnings:read"], name="r"))
    own = ApiClient(token_for(cast.teacher_a.user), language="he")
    before = AuditEntry.objects.count()
    for raw in ("{", json.dumps({}), json.dumps({"reason": 3}), json.dumps({"reason": "x", "also": 1})):
        refused = teacher_b.post(f"/api/v1/proposals/{proposal.pk}/decline", raw=raw)
        assert refused.status_code in (400, 422) and _in_hebrew(_body(refused)["message"])
    assert reader.post(f"/api/v1/proposals/{proposal.pk}/decline", {"reason": "No."}).status_code == 403
    # A teacher's own profile is no partner; an unknown profile is not found.
    assert own.post("/api/v1/proposals", {"partner_profile_id": 10**9}).status_code == 404
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.PENDING and AuditEntry.objects.count() == before
    declined = teacher_b.post(f"/api/v1/proposals/{proposal.pk}/decline", {"reason": "Our classes are full."})
    assert declined.status_code == 200 and _body(declined)["status"] == "declined"
    assert _body(declined)["reason"] == "Our classes are full."


def test_an_import_run_by_the_job_queue_keeps_its_channel(cast, settings):
    from twinning.common.jobs.worker import run_job_now
    from twinning.common.models import Job

    settings.ONBOARDING_INLINE_ROWS = 1  # two schools and two teachers: large, for the queue
    settings.JOBS_IMMEDIATE = False  # a worker runs it later, outside the request
    api = ApiClient(token_for(cast.nso_il, name="Ministry register"))
    plan = _body(api.post("/api/v1/imports", {"rows": [_row(), _row("Reali School", "x@example.org")]}))
    queued = api.post(f"/api/v1/imports/{plan['id']}/run", {})
    assert queued.status_code == 202 and _body(queued)["status"] == "queued"
    job = Job.objects.get(name="onboarding.run_import")
    assert job.via == "API token “Ministry register”"
    run_job_now(job.pk)
    assert _body(api.get(f"/api/v1/imports/{plan['id']}"))["status"] == "imported"
    entry = AuditEntry.objects.get(action="onboarding.imported")
    assert entry.actor == cast.nso_il and entry.data["via"] == "API token “Ministry register”"


# --- Teachers: NSO staff record what their register knows -----------------------------------------


def _subjects(teacher) -> list[str]:
    return sorted(teacher.subjects.values_list("code", flat=True))


def test_nso_staff_change_a_teachers_subjects_and_languages_and_record_they_left(cast, twinning):
    from twinning.twinnings.models import TwinningSchool

    api = ApiClient(token_for(cast.nso_il, name="Ministry register"))
    teacher = cast.teacher_a
    changed = api.patch(f"/api/v1/teachers/{teacher.pk}", {"subjects": ["science", "history"], "languages": ["ar"]})
    assert changed.status_code == 200, changed.content
    body = _body(changed)
    assert (body["subjects"], body["languages"], body["left_at"]) == (["history", "science"], ["ar"], None)
    assert _subjects(teacher) == ["history", "science"]
    entry = AuditEntry.objects.get(action="teacher.updated")
    assert entry.actor == cast.nso_il and entry.data == {
        "fields": ["subjects", "languages"],
        "via": "API token “Ministry register”",
    }
    # Nothing sent, nothing changed: no entry.
    assert api.patch(f"/api/v1/teachers/{teacher.pk}", {"subjects": ["science", "history"]}).status_code == 200
    assert AuditEntry.objects.filter(action="teacher.updated").count() == 1
    left = api.patch(f"/api/v1/teachers/{teacher.pk}", {"left": True})
    assert left.status_code == 200 and _body(left)["left_at"] is not None
    teacher.refresh_from_db()
    assert teacher.left_at is not None
    # The twinnings' service ran: the teacher no longer holds their school's place in the twinning.
    assert not TwinningSchool.objects.filter(contact=teacher.user).exists()
    entry = AuditEntry.objects.get(action="teacher.left")
    assert entry.actor == cast.nso_il and entry.data["via"] == "API token “Ministry register”"


def test_a_teachers_change_refused_in_part_writes_nothing(cast):
    api = ApiClient(token_for(cast.nso_il), language="he")
    teacher = cast.teacher_a
    before = (_subjects(teacher), AuditEntry.objects.count())
    for raw in (
        "{",
        json.dumps({"email": "new@example.org"}),  # never the person's address
        json.dumps({"password": "Sekret-123456"}),  # nor their password
        json.dumps({"subjects": "history"}),  # a wrong type
        json.dumps({"left": False}),  # a departure is not undone
        json.dumps({"subjects": ["history", "alchemy"]}),  # not a subject
        json.dumps({"languages": ["xx"]}),
    ):
        refused = api.patch(f"/api/v1/teachers/{teacher.pk}", raw=raw)
        assert refused.status_code in (400, 422), raw
        assert _in_hebrew(_body(refused)["message"]), raw
    alchemy = api.patch(f"/api/v1/teachers/{teacher.pk}", {"subjects": ["alchemy"]})
    assert _body(alchemy)["problems"][0]["where"] == ["body", "subjects"]
    assert _in_hebrew(_body(alchemy)["problems"][0]["problem"])
    assert (_subjects(teacher), AuditEntry.objects.count()) == before
    # A teacher who left already: the service refuses, and the subjects sent with it are not kept.
    assert api.patch(f"/api/v1/teachers/{teacher.pk}", {"left": True}).status_code == 200
    before = (_subjects(teacher), AuditEntry.objects.count())
    again = api.patch(f"/api/v1/teachers/{teacher.pk}", {"left": True, "subjects": ["music"]})
    assert again.status_code == 409 and _body(again)["code"] == "refused" and _in_hebrew(_body(again)["message"])
    assert (_subjects(teacher), AuditEntry.objects.count()) == before


def test_only_the_teachers_own_nso_changes_them(cast):
    teacher = cast.teacher_a
    reader = ApiClient(token_for(cast.nso_il, scopes_wanted=["schools:read"], name="r"))
    others = [ApiClient(token_for(person)) for person in (cast.nso_uk, cast.teacher_a.user, cast.principal_a)]
    before = (_subjects(teacher), AuditEntry.objects.count())
    assert reader.patch(f"/api/v1/teachers/{teacher.pk}", {"left": True}).status_code == 403
    for api in others:
        assert api.patch(f"/api/v1/teachers/{teacher.pk}", {"subjects": ["music"]}).status_code == 404
        assert api.patch(f"/api/v1/teachers/{teacher.pk}", {"left": True}).status_code == 404
    teacher.refresh_from_db()
    assert teacher.left_at is None and (_subjects(teacher), AuditEntry.objects.count()) == before
