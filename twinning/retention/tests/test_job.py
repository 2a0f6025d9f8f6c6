"""The nightly retention job: what it removes and empties, as the register and each NSO's policy say;
that the dry run is the run without writing; that a second run does nothing; and that the partner
school sees nothing of what it emptied."""

import io
from datetime import timedelta

import pytest
from django.apps import apps
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import DateField, DateTimeField
from PIL import Image

from twinning.accounts.models import Pupil, User
from twinning.common import privacy
from twinning.common.jobs import registry
from twinning.common.models import AuditEntry, DataExport
from twinning.common.uploads.tests.corpus import stored_files
from twinning.consent import services as consent
from twinning.consent.models import Use
from twinning.retention import services
from twinning.retention.models import RetentionPolicy, RetentionRun
from twinning.testing import as_
from twinning.twinnings import services as twinning_services
from twinning.twinnings.models import Twinning
from twinning.workspace import services as workspace
from twinning.workspace.models import Event, MediaItem, Post

pytestmark = pytest.mark.django_db


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (16, 12), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


def _upload(twinning, by, *, title, pupils=()):
    return workspace.upload_media(
        twinning=twinning, by=by, upload=SimpleUploadedFile("photo.png", _png()), title=title, pupils=pupils
    )


@pytest.fixture
def closed(client, cast, twinning, pupils, media_root):
    """The twinning of A and B, closed, where Maya (school A) wrote, uploaded and appears in a photo,
    and the teachers wrote and uploaded too."""
    maya, _tom = pupils
    # Her family agreed on paper to everything but showing her full name.
    consent.record_paper_answers(
        pupil=maya,
        by=cast.teacher_a.user,
        answers={use: use != Use.FULL_NAME for use in Use.values},
        language="he",
    )
    thread = workspace.start_thread(twinning=twinning, by=cast.teacher_a.user, title="Our towns", body="Hello all")
    hers = workspace.reply(thread=thread, by=maya.user, body="My town has a river called Yarkon.")
    workspace.moderate(item=hers, by=cast.teacher_a.user, approve=True)
    workspace.reply(thread=thread, by=cast.teacher_b.user, body="Lovely river!")
    drawing = _upload(twinning, maya.user, title="My drawing")
    workspace.moderate(item=drawing, by=cast.teacher_a.user, approve=True)
    _upload(twinning, cast.teacher_a.user, title="Class photo", pupils=[maya])
    _upload(twinning, cast.teacher_a.user, title="The school garden")
    twinning_services.close_twinning(twinning=twinning, by=cast.teacher_a.user)
    twinning.refresh_from_db()
    return twinning, thread, hers


def _after(twinning, **delta):
    return twinning.closed_at + timedelta(**delta)


def _snapshot() -> dict:
    """Every row of every model of the project's apps, but the runs' own record."""
    found = {}
    for model in apps.get_models():
        if model is RetentionRun or not model.__module__.startswith("twinning."):
            continue
        found[model._meta.label] = sorted(map(repr, model._default_manager.values_list()))
    return found


def test_nothing_is_due_before_the_policys_time(cast, closed):
    twinning, _thread, hers = closed
    outcome = services.apply_policies(now=_after(twinning, days=200))  # before the school year ends
    assert cast.il_nso.pk not in outcome.counts and cast.uk_nso.pk not in outcome.counts
    hers.refresh_from_db()
    assert hers.body.startswith("My town")


def test_pupils_posts_are_emptied_and_media_removed_after_the_twinning_closed(
    client, cast, closed, media_root, django_capture_on_commit_callbacks
):
    twinning, thread, hers = closed
    files_before = len(stored_files(media_root))
    maya_user = Pupil.objects.get(display_name="Maya K.").user_id
    assert Event.objects.filter(actor_id=maya_user).count() == 2
    with django_capture_on_commit_callbacks(execute=True):
        outcome = services.apply_policies(now=_after(twinning, days=400))
    mine = outcome.counts[cast.il_nso.pk]
    assert mine["workspace.Post"] == 1 and mine["workspace.MediaItem"] == 2
    hers.refresh_from_db()
    assert hers.body == "" and hers.author is None
    assert Post.objects.filter(body="Lovely river!").exists()  # a teacher's message stays
    assert sorted(MediaItem.objects.values_list("title", flat=True)) == ["The school garden"]
    assert len(stored_files(media_root)) == files_before - 2
    partner = as_(client, cast.teacher_b.user, "en")
    page = partner.get(f"/twinnings/{twinning.pk}/forum/{thread.pk}/").content.decode()
    assert "Yarkon" not in page and "Maya K." not in page and "This message was removed." in page
    media = partner.get(f"/twinnings/{twinning.pk}/media/").content.decode()
    assert "My drawing" not in media and "Class photo" not in media and "The school garden" in media
    feed = partner.get(f"/twinnings/{twinning.pk}/workspace/").content.decode()
    assert "Maya K." not in feed
    assert not Event.objects.filter(actor_id=maya_user).exists()
    assert mine["workspace.Event"] == 2  # her reply and her upload, now of no one


def test_the_title_of_a_thread_a_pupil_started_is_emptied_with_her_messages(client, cast, twinning, pupils):
    maya, _tom = pupils
    hers = workspace.start_thread(twinning=twinning, by=maya.user, title="Maya's football club", body="Who plays?")
    theirs = workspace.start_thread(twinning=twinning, by=cast.teacher_b.user, title="Our towns", body="Hello")
    twinning_services.close_twinning(twinning=twinning, by=cast.teacher_a.user)
    twinning.refresh_from_db()
    services.apply_policies(now=_after(twinning, days=200))  # within the 12 months: kept
    hers.refresh_from_db()
    assert hers.title == "Maya's football club"
    outcome = services.apply_policies(now=_after(twinning, days=400))
    assert outcome.counts[cast.il_nso.pk]["workspace.Thread"] == 1
    hers.refresh_from_db()
    theirs.refresh_from_db()
    assert (hers.title, hers.author_id) == ("", None) and theirs.title == "Our towns"
    forum = as_(client, cast.teacher_b.user, "en").get(f"/twinnings/{twinning.pk}/forum/").content.decode()
    assert "football" not in forum and "A removed topic" in forum and "Our towns" in forum


def test_a_shorter_policy_applies_sooner_and_only_in_its_nsos_countries(cast, closed):
    twinning, _thread, hers = closed
    RetentionPolicy.objects.create(nso=cast.uk_nso, pupil_work_months=1)
    services.apply_policies(now=_after(twinning, days=40))
    hers.refresh_from_db()
    assert hers.body.startswith("My town")  # Maya's school is in Israel: 12 months there
    RetentionPolicy.objects.create(nso=cast.il_nso, pupil_work_months=1)
    services.apply_policies(now=_after(twinning, days=40))
    hers.refresh_from_db()
    assert hers.body == ""


def test_pupil_accounts_go_after_the_end_of_their_last_school_year_and_grace(cast, closed):
    twinning, _thread, _hers = closed
    maya = Pupil.objects.get(display_name="Maya K.")
    year_end = services.year_end(twinning.school_year)
    services.apply_policies(now=year_end + timedelta(days=29))
    assert Pupil.objects.filter(pk=maya.pk).exists()
    outcome = services.apply_policies(now=year_end + timedelta(days=31))
    assert not Pupil.objects.filter(pk=maya.pk).exists()
    assert not User.objects.filter(pk=maya.user_id).exists()
    assert outcome.counts[cast.il_nso.pk]["accounts.Pupil"] == 1
    assert outcome.counts[cast.uk_nso.pk]["accounts.Pupil"] == 1  # Tom, never in a twinning
    entry = AuditEntry.objects.filter(action="privacy.pupil_erased").latest("pk")
    assert entry.actor is None


def test_a_pupil_in_an_open_twinning_stays(cast, twinning, pupils):
    maya, _tom = pupils
    services.apply_policies(now=services.year_end(twinning.school_year) + timedelta(days=400))
    assert Pupil.objects.filter(pk=maya.pk).exists()


def test_a_pupil_whose_copy_waits_is_kept_and_counted(cast, closed, django_capture_on_commit_callbacks):
    twinning, _thread, _hers = closed
    maya = Pupil.objects.get(display_name="Maya K.")
    DataExport.objects.create(subject=maya.user, requested_by=cast.teacher_a.user, status=DataExport.Status.READY)
    now = services.year_end(twinning.school_year) + timedelta(days=31)
    dry = services.apply_policies(dry_run=True, nso=cast.il_nso, now=now, collect=True)
    real = services.apply_policies(now=now)
    assert dry.counts[cast.il_nso.pk][services.REFUSED] == 1 == real.counts[cast.il_nso.pk][services.REFUSED]
    assert Pupil.objects.filter(pk=maya.pk).exists()
    assert maya.pk not in dry.pupils.get(cast.il_nso.pk, set())


def test_the_dry_run_writes_nothing_and_matches_the_run(cast, closed, media_root):
    twinning, _thread, _hers = closed
    old = AuditEntry.objects.create(action="schools.approved", actor=cast.nso_il, reason="Looked fine")
    AuditEntry.objects.filter(pk=old.pk).update(at=_after(twinning, days=-6 * 366))
    now = services.year_end(twinning.school_year) + timedelta(days=400)
    before = _snapshot()
    dry = services.apply_policies(dry_run=True, nso=cast.il_nso, now=now, collect=True)
    assert _snapshot() == before and not RetentionRun.objects.exists()
    assert dry.twinnings[cast.il_nso.pk] == {twinning.pk}
    assert dry.pupils[cast.il_nso.pk] == {Pupil.objects.get(display_name="Maya K.").pk}
    real = services.apply_policies(now=now)
    assert dry.counts[cast.il_nso.pk] == real.counts[cast.il_nso.pk]
    assert dry.counts[services.NETWORK] == real.counts[services.NETWORK]
    assert real.counts[services.NETWORK]["common.AuditEntry"] >= 1
    old.refresh_from_db()
    assert old.actor is None and old.reason == "" and old.action == "schools.approved"


def test_running_twice_changes_nothing_the_second_time(cast, closed):
    twinning, _thread, _hers = closed
    now = services.year_end(twinning.school_year) + timedelta(days=400)
    first = services.apply_policies(now=now)
    assert first.total()
    after_first = _snapshot()
    second = services.apply_policies(now=now)
    assert not second.total()
    assert _snapshot() == after_first
    runs = RetentionRun.objects.order_by("pk")
    assert [bool(run.counts["total"]) for run in runs] == [True, False]


def test_the_nightly_job_is_declared_and_records_its_run(cast, closed):
    spec = registry["retention.apply_policies"]
    assert spec.schedule is not None and spec.schedule.period == timedelta(days=1)
    spec()
    assert RetentionRun.objects.get().finished_at is not None


def test_expired_sessions_are_deleted_by_the_job(cast, clock):
    store = SessionStore()
    store["_auth_user_id"] = str(cast.teacher_a.user.pk)
    store.create()
    Session.objects.filter(session_key=store.session_key).update(expire_date=clock.now - timedelta(days=2))
    fresh = SessionStore()
    fresh.create()
    outcome = services.apply_policies()
    assert outcome.counts[services.NETWORK]["sessions.Session"] == 1
    assert list(Session.objects.values_list("session_key", flat=True)) == [fresh.session_key]


# --- The register and the job agree --------------------------------------------------------------


def test_every_fixed_period_in_the_register_is_applied_by_a_periodic_job():
    """A registered period nobody applies is a promise the notice makes and the platform breaks: an
    entry with `days` is applied by this job, or names the periodic job that applies it."""
    fixed = [entry for entry in privacy.entries() if entry.retention.days is not None]
    assert fixed
    for entry in fixed:
        named = entry.retention.applied_by
        if named:
            assert named in registry and registry[named].schedule is not None, entry.model
        else:
            assert entry in services.fixed_entries(), entry.model
            since = entry.model_class._meta.get_field(entry.retention.since)
            assert isinstance(since, DateTimeField | DateField), entry.model


def test_every_policy_category_has_entries_and_their_lookups_resolve(cast):
    for entry in privacy.entries():
        assert entry.retention.category in ("", *privacy.POLICY_CATEGORIES), entry.model
    for category in privacy.POLICY_CATEGORIES:
        found = privacy.policy_entries(category)
        assert found, category
        for entry in found:
            # Each query is built and run: a lookup that no longer exists raises here.
            if category == privacy.PUPIL_WORK:
                list(services.pupil_work_due(entry, cast.il_nso.pk, services.DEFAULTS, services.timezone.now()))
                assert entry.retention.twinning and entry.retention.nso
            elif category == privacy.PUPIL_ACCOUNTS:
                list(services.pupils_due(entry, cast.il_nso.pk, services.DEFAULTS, services.timezone.localdate()))
            else:
                list(services.audit_due(entry, 5, services.timezone.now()))


def test_the_command_prints_the_dry_run_and_changes_nothing(cast, closed):
    from io import StringIO

    from django.core.management import call_command

    twinning, _thread, hers = closed
    RetentionPolicy.objects.create(nso=cast.il_nso, pupil_work_months=1)
    Twinning.objects.filter(pk=twinning.pk).update(closed_at=_after(twinning, days=-40))
    out = StringIO()
    call_command("apply_retention", "--dry-run", "--nso", "il", stdout=out)
    assert f"{cast.il_nso.pk}: workspace.Event: 2, workspace.MediaItem: 2, workspace.Post: 1" in out.getvalue()
    assert not RetentionRun.objects.exists()
    hers.refresh_from_db()
    assert hers.body.startswith("My town")
