"""The retention pages through the client: the public defaults, an NSO's policy for its scope, the
change (bounded, audited, in the reader's language) and the dry run for its staff."""

from datetime import timedelta

import pytest

from twinning import testing
from twinning.accounts.models import Pupil, Role
from twinning.common.models import AuditEntry
from twinning.retention import rules, services
from twinning.retention.models import RetentionPolicy
from twinning.schools.models import Programme
from twinning.testing import as_
from twinning.twinnings import services as twinning_services
from twinning.workspace import services as workspace

pytestmark = pytest.mark.django_db


def test_the_defaults_are_public_and_linked_from_the_privacy_notice(client):
    notice = client.get("/privacy/").content.decode()
    assert 'href="/privacy/retention/"' in notice
    page = client.get("/privacy/retention/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "30 days after the end of the last school year" in text
    assert "12 months after a twinning closes" in text
    assert "kept for 5 years" in text


def test_the_defaults_in_hebrew_and_arabic(client, cast):
    hebrew = as_(client, cast.teacher_a.user, "he").get("/privacy/retention/").content.decode()
    assert 'dir="rtl"' in hebrew and "30 days" not in hebrew and "30" in hebrew
    arabic = as_(client, cast.teacher_b.user, "ar").get("/privacy/retention/").content.decode()
    assert 'dir="rtl"' in arabic and "12 months" not in arabic


def test_an_nsos_policy_is_read_in_its_scope_only(client, cast):
    RetentionPolicy.objects.create(nso=cast.il_nso, pupil_work_months=6)
    page = as_(client, cast.teacher_a.user, "en").get("/privacy/retention/il/")
    assert page.status_code == 200 and "6 months after a twinning closes" in page.content.decode()
    assert "Change the policy" not in page.content.decode()
    assert as_(client, cast.teacher_b.user).get("/privacy/retention/il/").status_code == 404
    assert as_(client, cast.nso_uk).get("/privacy/retention/il/").status_code == 404
    assert as_(client, cast.teacher_b.user).get("/privacy/retention/nowhere/").status_code == 404
    staff = as_(client, cast.nso_il, "en").get("/privacy/retention/il/").content.decode()
    assert "Change the policy" in staff and "/privacy/retention/il/next-run/" in staff


def test_staff_change_the_policy_and_the_change_is_audited(client, cast):
    staff = as_(client, cast.nso_il, "en")
    assert staff.get("/privacy/retention/il/change/").status_code == 200
    answer = staff.post(
        "/privacy/retention/il/change/", {"pupil_account_days": 60, "pupil_work_months": 6, "audit_years": 7}
    )
    assert answer.status_code == 302 and answer["Location"] == "/privacy/retention/il/"
    row = RetentionPolicy.objects.get(nso=cast.il_nso)
    assert (row.pupil_account_days, row.pupil_work_months, row.audit_years, row.updated_by) == (60, 6, 7, cast.nso_il)
    entry = AuditEntry.objects.get(action="retention.policy_changed")
    assert entry.actor == cast.nso_il and entry.target_id == cast.il_nso.pk
    assert entry.data == {
        "before": {"pupil_account_days": 30, "pupil_work_months": 12, "audit_years": 5},
        "after": {"pupil_account_days": 60, "pupil_work_months": 6, "audit_years": 7},
    }
    staff.post("/privacy/retention/il/change/", {"pupil_account_days": 60, "pupil_work_months": 3, "audit_years": 7})
    second = AuditEntry.objects.filter(action="retention.policy_changed").latest("pk")
    assert second.data["before"]["pupil_work_months"] == 6 and second.data["after"]["pupil_work_months"] == 3


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "Choose between 1 and 36 months."),
        ("he", "יש לבחור בין 1 ל־36 חודשים."),
        ("ar", "يُرجى اختيار قيمة ما بين 1 و36 شهرًا."),
    ],
)
def test_a_period_out_of_bounds_is_refused_in_the_readers_language(client, cast, language, message):
    RetentionPolicy.objects.create(nso=cast.il_nso, pupil_work_months=6)
    staff = as_(client, cast.nso_il, language)
    answer = staff.post(
        "/privacy/retention/il/change/", {"pupil_account_days": 30, "pupil_work_months": 0, "audit_years": 5}
    )
    assert answer.status_code == 400 and message in answer.content.decode()
    assert RetentionPolicy.objects.get(nso=cast.il_nso).pupil_work_months == 6
    assert not AuditEntry.objects.filter(action="retention.policy_changed").exists()


def test_only_the_nsos_staff_change_it(client, cast):
    for person in (cast.nso_uk, cast.teacher_a.user, cast.principal_a, cast.coordinator):
        answer = as_(client, person).post(
            "/privacy/retention/il/change/", {"pupil_account_days": 1, "pupil_work_months": 1, "audit_years": 1}
        )
        assert answer.status_code == 404
    assert not RetentionPolicy.objects.exists()


def test_the_dry_run_lists_what_the_next_run_removes_and_writes_nothing(client, cast, twinning, pupils, clock):
    maya, _tom = pupils
    thread = workspace.start_thread(twinning=twinning, by=cast.teacher_a.user, title="Towns", body="Hello")
    hers = workspace.reply(thread=thread, by=maya.user, body="My town has a river called Yarkon.")
    twinning_services.close_twinning(twinning=twinning, by=cast.teacher_a.user)
    RetentionPolicy.objects.create(nso=cast.il_nso, pupil_work_months=1)
    clock.advance(days=40)
    staff = as_(client, cast.nso_il, "en")
    page = staff.get("/privacy/retention/il/next-run/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Our towns" in text and "emptied of who and what" in text
    assert [line.count for line in page.context["mine"]] == [1]
    hers.refresh_from_db()
    assert hers.body.startswith("My town")
    assert as_(client, cast.nso_uk).get("/privacy/retention/il/next-run/").status_code == 404
    assert as_(client, cast.teacher_a.user).get("/privacy/retention/il/next-run/").status_code == 404


def test_the_dry_run_pages_through_many_pupils(client, cast, clock):
    testing.create_pupils_on_the_page(client, cast.teacher_a, [f"Pupil {n}" for n in range(55)])
    assert Pupil.objects.count() == 55
    clock.advance(days=400)  # their school year is over, and the grace too
    staff = as_(client, cast.nso_il, "en")
    first = staff.get("/privacy/retention/il/next-run/")
    assert len(first.context["pupils"]) == 50 and "Page 1 of 2" in first.content.decode()
    second = staff.get("/privacy/retention/il/next-run/?pupils=2")
    assert len(second.context["pupils"]) == 5


def test_the_dry_run_page_shows_the_last_runs(client, cast):
    services.apply_policies(now=services.timezone.now() + timedelta(days=1))
    page = as_(client, cast.nso_il, "en").get("/privacy/retention/il/next-run/")
    assert len(page.context["runs"]) == 1


# --- rules, directly -----------------------------------------------------------------------------


def test_rules_scope_of_an_nso(cast, pupils):
    maya, tom = pupils
    il = cast.il_nso
    assert il in rules.nsos_in_scope_of(cast.teacher_a.user)
    assert il in rules.nsos_in_scope_of(maya.user)
    assert il not in rules.nsos_in_scope_of(tom.user)
    assert il in rules.nsos_in_scope_of(cast.principal_a)
    assert il in rules.nsos_in_scope_of(cast.coordinator)
    assert list(rules.nsos_in_scope_of(cast.nso_uk)) == [cast.uk_nso]
    assert set(rules.nsos_in_scope_of(cast.admin)) == {il, cast.uk_nso}
    programme_admin = testing.make_person(name="Programme Admin")
    programme = Programme.objects.create(slug="global", names={"en": "Global"})
    programme.countries.set([cast.israel])
    testing.grant(programme_admin, Role.Kind.PROGRAMME_ADMIN, programme=programme)
    assert list(rules.nsos_in_scope_of(programme_admin)) == [il]


def test_rules_who_changes_a_policy_and_sees_the_dry_run(cast):
    il = cast.il_nso
    assert rules.may_change_policy(cast.nso_il, il) and rules.may_see_dry_run(cast.nso_il, il)
    assert rules.may_change_policy(cast.admin, il)
    for person in (cast.nso_uk, cast.coordinator, cast.principal_a, cast.teacher_a.user):
        assert not rules.may_change_policy(person, il) and not rules.may_see_dry_run(person, il)
