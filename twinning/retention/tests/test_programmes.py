"""A programme's own retention policy: it overrides the NSOs' for the programme's twinnings (and the
pupils whose latest twinning is one of them), in every country; each NSO's run leaves those rows
alone. The pages through the client, and the rules directly."""

from datetime import timedelta

import pytest
from django.apps import apps

from twinning import testing
from twinning.accounts.models import Pupil, Role
from twinning.common.models import AuditEntry
from twinning.retention import rules, services
from twinning.retention.models import RetentionPolicy, RetentionRun
from twinning.schools.models import Programme
from twinning.testing import as_
from twinning.twinnings import services as twinning_services
from twinning.twinnings.models import Twinning
from twinning.workspace import services as workspace
from twinning.workspace.models import Post

pytestmark = pytest.mark.django_db


def _twinning(client, cast, title: str, maya: Pupil) -> Twinning:
    """Another twinning of A (with a new British school: A and B are twinned already this year), where
    Maya writes a published message, then closed."""
    partner = testing.make_school(country=cast.uk, name=f"Partner in {title}")
    teacher = testing.make_teacher(school=partner, name=f"Teacher in {title}")
    twinning = twinning_services.propose_twinning(
        from_school=cast.school_a,
        to_schools=[partner],
        by=cast.teacher_a.user,
        school_year=2026,
        titles={"en": title},
    )
    row = twinning.schools.get(school=partner)
    twinning_services.answer_invitation(twinning=twinning, row=row, by=teacher.user, accept=True)
    twinning_services.approve_twinning(twinning=twinning, by=cast.coordinator)
    twinning_services.start_twinning(twinning=twinning, by=cast.teacher_a.user)
    as_(client, cast.teacher_a.user).post(f"/twinnings/{twinning.pk}/members/", {"pupil": [maya.pk]})
    thread = workspace.start_thread(twinning=twinning, by=cast.teacher_a.user, title=title, body="Hello all")
    hers = workspace.reply(thread=thread, by=maya.user, body=f"Maya in {title}")
    workspace.moderate(item=hers, by=cast.teacher_a.user, approve=True)
    twinning_services.close_twinning(twinning=twinning, by=cast.teacher_a.user)
    twinning.refresh_from_db()
    return twinning


@pytest.fixture
def programme():
    found = Programme.objects.create(slug="bridges", names={"en": "Bridges", "he": "גשרים", "ar": "جسور"})
    return found


@pytest.fixture
def two(client, cast, pupils, programme):
    """Two closed twinnings where Maya wrote: 'In the programme' (of the programme) and 'On its own'."""
    maya, _tom = pupils
    ours = _twinning(client, cast, "In the programme", maya)
    Twinning.objects.filter(pk=ours.pk).update(programme=programme)
    other = _twinning(client, cast, "On its own", maya)
    return ours, other


def _emptied(title: str) -> bool:
    """Whether Maya's message in the twinning of this title is emptied."""
    return not Post.objects.filter(thread__title=title, body=f"Maya in {title}").exists()


def _snapshot() -> dict:
    found = {}
    for model in apps.get_models():
        if model is RetentionRun or not model.__module__.startswith("twinning."):
            continue
        found[model._meta.label] = sorted(map(repr, model._default_manager.values_list()))
    return found


def test_a_shorter_programme_policy_applies_to_its_twinnings_only(cast, two, programme):
    ours, other = two
    RetentionPolicy.objects.create(programme=programme, pupil_work_months=1)
    outcome = services.apply_policies(now=ours.closed_at + timedelta(days=40))
    assert _emptied("In the programme") and not _emptied("On its own")
    assert outcome.counts[services.programme_key(programme.pk)]["workspace.Post"] == 1
    assert cast.il_nso.pk not in outcome.counts
    assert outcome.as_json()["programme"][str(programme.pk)]["workspace.Post"] == 1


def test_a_longer_programme_policy_keeps_its_twinnings_and_the_nsos_run_leaves_them(cast, two, programme):
    ours, other = two
    RetentionPolicy.objects.create(programme=programme, pupil_work_months=36)
    RetentionPolicy.objects.create(nso=cast.il_nso, pupil_work_months=1, pupil_account_days=365)
    later = ours.closed_at + timedelta(days=400)
    nso_run = services.apply_policies(nso=cast.il_nso, now=later)
    assert _emptied("On its own") and not _emptied("In the programme")
    assert nso_run.counts[cast.il_nso.pk]["workspace.Post"] == 1
    services.apply_policies(programme=programme, now=later)
    assert not _emptied("In the programme")  # 36 months
    services.apply_policies(programme=programme, now=ours.closed_at + timedelta(days=37 * 31))
    assert _emptied("In the programme")


def test_a_programme_without_a_policy_leaves_its_twinnings_to_the_nso(cast, two, programme):
    ours, _other = two
    key = services.programme_key(programme.pk)
    assert key not in services.apply_policies(programme=programme, now=ours.closed_at + timedelta(days=400)).counts
    assert not _emptied("In the programme")
    services.apply_policies(nso=cast.il_nso, now=ours.closed_at + timedelta(days=400))
    assert _emptied("In the programme") and _emptied("On its own")


def test_the_programmes_dry_run_equals_its_run_and_a_second_run_does_nothing(cast, two, programme):
    ours, _other = two
    RetentionPolicy.objects.create(programme=programme, pupil_work_months=1)
    now = ours.closed_at + timedelta(days=40)
    key = services.programme_key(programme.pk)
    before = _snapshot()
    dry = services.apply_policies(dry_run=True, programme=programme, now=now, collect=True)
    assert _snapshot() == before
    assert dry.twinnings[key] == {ours.pk}
    real = services.apply_policies(now=now)
    assert dry.counts[key] == real.counts[key] and real.counts[key]["workspace.Post"] == 1
    again = services.apply_policies(now=now)
    assert key not in again.counts and cast.il_nso.pk not in again.counts


def test_a_pupils_account_follows_the_programme_of_their_latest_twinning(cast, twinning, two, programme):
    ours, other = two
    twinning_services.close_twinning(twinning=twinning, by=cast.teacher_a.user)  # her first, closed too
    maya = Pupil.objects.get(display_name="Maya K.")
    RetentionPolicy.objects.create(programme=programme, pupil_account_days=200)
    year_end = services.year_end(2026)
    # Her latest twinning ("On its own", made last) has no programme: Israel's 30 days apply.
    key = services.programme_key(programme.pk)
    assert (
        key not in services.apply_policies(dry_run=True, programme=programme, now=year_end + timedelta(days=31)).counts
    )
    dry = services.apply_policies(dry_run=True, now=year_end + timedelta(days=31), collect=True)
    assert maya.pk in dry.pupils[cast.il_nso.pk]
    # Once it is the programme's too, the programme's 200 days apply, in place of the NSO's.
    Twinning.objects.filter(pk=other.pk).update(programme=programme)
    kept = services.apply_policies(now=year_end + timedelta(days=31))
    assert Pupil.objects.filter(pk=maya.pk).exists()
    assert kept.counts[cast.uk_nso.pk]["accounts.Pupil"] == 1  # Tom, never in a twinning
    gone = services.apply_policies(now=year_end + timedelta(days=201))
    assert not Pupil.objects.filter(pk=maya.pk).exists()
    assert gone.counts[services.programme_key(programme.pk)]["accounts.Pupil"] == 1


def test_the_audit_log_is_kept_for_the_longest_time_a_programme_or_nso_asks(programme):
    RetentionPolicy.objects.create(programme=programme, audit_years=9)
    assert services.audit_years() == 9


# --- Rules --------------------------------------------------------------------------------------


@pytest.fixture
def people(cast, programme, twinning, pupils):
    Twinning.objects.filter(pk=twinning.pk).update(programme=programme)
    admin = testing.make_person(name="Programme Admin")
    testing.grant(admin, Role.Kind.PROGRAMME_ADMIN, programme=programme)
    coordinator = testing.make_person(name="Programme Coordinator")
    testing.grant(coordinator, Role.Kind.COORDINATOR, programme=programme)
    outsider_school = testing.make_school(country=cast.israel, name="Other School")
    outsider = testing.make_teacher(school=outsider_school, name="Outside Teacher")
    return admin, coordinator, outsider


def test_rules_read_in_the_programme_change_by_its_administrators(cast, programme, pupils, people):
    admin, coordinator, outsider = people
    maya, tom = pupils
    readers = [admin, coordinator, cast.teacher_a.user, cast.teacher_b.user, cast.pending_il.user, maya.user]
    for user in [*readers, cast.admin]:
        assert programme in rules.programmes_in_scope_of(user), user
    for user in (outsider.user, tom.user, cast.nso_il, cast.principal_a):
        assert programme not in rules.programmes_in_scope_of(user), user
    assert rules.may_change_programme_policy(admin, programme)
    assert rules.may_change_programme_policy(cast.admin, programme)
    for user in (coordinator, cast.nso_il, cast.teacher_a.user, maya.user):
        assert not rules.may_change_programme_policy(user, programme)
        assert not rules.may_see_programme_dry_run(user, programme)
    assert rules.may_see_programme_dry_run(admin, programme)


# --- Pages --------------------------------------------------------------------------------------


def test_the_programme_page_is_read_in_its_scope_and_404_outside(client, cast, programme, people):
    admin, coordinator, outsider = people
    url = "/privacy/retention/programme/bridges/"
    page = as_(client, cast.teacher_b.user, "en").get(url).content.decode()
    assert "has no policy of its own" in page and "Set a policy" not in page
    RetentionPolicy.objects.create(programme=programme, pupil_work_months=6)
    page = as_(client, coordinator, "en").get(url).content.decode()
    assert "6 months after a twinning closes" in page and "Change the policy" not in page
    assert as_(client, outsider.user).get(url).status_code == 404
    assert as_(client, cast.nso_il).get(url).status_code == 404
    assert as_(client, cast.teacher_a.user).get("/privacy/retention/programme/nowhere/").status_code == 404
    for path in ("change/", "next-run/"):
        assert as_(client, coordinator).get(url + path).status_code == 404
        assert as_(client, cast.teacher_a.user).get(url + path).status_code == 404
    mine = as_(client, admin, "en").get(url).content.decode()
    assert "Change the policy" in mine and f"{url}next-run/" in mine
    assert (
        "/privacy/retention/programme/bridges/"
        in as_(client, cast.teacher_a.user).get("/privacy/retention/").content.decode()
    )


def test_the_programmes_administrator_sets_its_policy_audited(client, cast, programme, people):
    admin, _coordinator, _outsider = people
    url = "/privacy/retention/programme/bridges/change/"
    page = as_(client, admin, "en")
    refused = page.post(url, {"pupil_account_days": 400, "pupil_work_months": 0, "audit_years": 5})
    assert refused.status_code == 400
    text = refused.content.decode()
    assert "Choose between 0 and 365 days." in text and "Choose between 1 and 36 months." in text
    assert not RetentionPolicy.objects.filter(programme=programme).exists()
    answer = page.post(url, {"pupil_account_days": 60, "pupil_work_months": 6, "audit_years": 7})
    assert answer.status_code == 302 and answer["Location"] == "/privacy/retention/programme/bridges/"
    row = RetentionPolicy.objects.get(programme=programme)
    assert (row.nso, row.pupil_account_days, row.pupil_work_months, row.updated_by) == (None, 60, 6, admin)
    entry = AuditEntry.objects.get(action="retention.policy_changed")
    assert entry.actor == admin and entry.target_id == programme.pk
    assert entry.data == {
        "before": {"pupil_account_days": 30, "pupil_work_months": 12, "audit_years": 5},
        "after": {"pupil_account_days": 60, "pupil_work_months": 6, "audit_years": 7},
    }
    page.post(url, {"pupil_account_days": 10, "pupil_work_months": 6, "audit_years": 7})
    latest = AuditEntry.objects.filter(action="retention.policy_changed").latest("pk")
    assert latest.data["before"]["pupil_account_days"] == 60 and latest.data["after"]["pupil_account_days"] == 10
    hebrew = as_(client, admin, "he").post(url, {"pupil_account_days": 999, "pupil_work_months": 6, "audit_years": 7})
    assert hebrew.status_code == 400 and "Choose between 0 and 365 days." not in hebrew.content.decode()
    assert RetentionPolicy.objects.get(programme=programme).pupil_account_days == 10


def test_the_programmes_dry_run_page(client, cast, two, programme, people):
    admin, _coordinator, _outsider = people
    RetentionPolicy.objects.create(programme=programme, pupil_work_months=1)
    for closed in two:  # both closed two months ago: the programme's month is over for its own
        Twinning.objects.filter(pk=closed.pk).update(closed_at=closed.closed_at - timedelta(days=60))
    page = as_(client, admin, "en").get("/privacy/retention/programme/bridges/next-run/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "In Bridges&#x27;s twinnings, in every country" in text or "In Bridges's twinnings" in text
    assert "In the programme" in text and "On its own" not in text
    arabic = as_(client, admin, "ar").get("/privacy/retention/programme/bridges/next-run/").content.decode()
    assert 'dir="rtl"' in arabic and "every country" not in arabic


def test_the_command_runs_a_programmes_part(cast, two, programme):
    from io import StringIO

    from django.core.management import call_command
    from django.core.management.base import CommandError

    ours, _other = two
    RetentionPolicy.objects.create(programme=programme, pupil_work_months=1)
    Twinning.objects.filter(pk=ours.pk).update(closed_at=ours.closed_at - timedelta(days=40))
    out = StringIO()
    call_command("apply_retention", "--dry-run", "--programme", "bridges", stdout=out)
    assert f"programme {programme.pk}: workspace.Event: 1, workspace.Post: 1" in out.getvalue()
    assert not _emptied("In the programme")
    with pytest.raises(CommandError):
        call_command("apply_retention", "--programme", "nowhere", stdout=out)
