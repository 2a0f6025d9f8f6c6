"""The caseload dashboard, the daily health job and its nudges, and the guidance log, through the client."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from twinning import testing
from twinning.accounts.models import Role
from twinning.common.models import Notification
from twinning.coordination.models import GuidanceEntry, Nudge, NudgePolicy, TwinningHealth
from twinning.coordination.services import compute_health
from twinning.schools.models import Programme
from twinning.testing import as_
from twinning.twinnings import services as twinning_services
from twinning.workspace import services as workspace
from twinning.workspace.models import Event, Post

pytestmark = pytest.mark.django_db


def age(twinning, days: int) -> None:
    """Move everything that happened in the twinning `days` into the past."""
    back = timedelta(days=days)
    type(twinning).objects.filter(pk=twinning.pk).update(created_at=twinning.created_at - back)
    for event in Event.objects.filter(twinning=twinning):
        Event.objects.filter(pk=event.pk).update(at=event.at - back)
    for post in Post.objects.filter(thread__twinning=twinning):
        Post.objects.filter(pk=post.pk).update(created_at=post.created_at - back)


def test_states_follow_the_twinnings_life(cast, twinning):
    thread = workspace.start_thread(twinning=twinning, by=cast.teacher_a.user, title="Hello", body="Shalom!")
    workspace.reply(thread=thread, by=cast.teacher_b.user, body="Hello from London")
    compute_health()
    health = TwinningHealth.objects.get(twinning=twinning)
    assert (health.state, health.silent_days) == ("thriving", 0)
    assert health.median_reply_hours is not None and health.median_reply_hours < 1
    age(twinning, 15)
    compute_health()
    health.refresh_from_db()
    assert (health.state, health.silent_days, health.reasons) == ("silent", 15, ["silent"])
    twinning_services.close_twinning(twinning=twinning, by=cast.coordinator, reason="End of the year")
    compute_health()
    health.refresh_from_db()
    assert health.state == "closed"


def test_the_job_run_twice_sends_each_reminder_once(cast, twinning, django_capture_on_commit_callbacks):
    workspace.start_thread(twinning=twinning, by=cast.teacher_a.user, title="Hello", body="Shalom!")
    age(twinning, 20)
    # Reali (Israel) wrote 20 days ago; King David never did: both are silent past the 14-day limit.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        first = compute_health()
        second = compute_health()
    assert (first["nudges"], second["nudges"]) == (2, 0)
    reminded = sorted(Notification.objects.filter(kind="nudge_silent").values_list("recipient__full_name", flat=True))
    assert reminded == ["Dana Levi", "Sarah Cohen"]
    assert len(mail.outbox) == 2
    # Past 28 days the coordinator is alerted, once; the school's reminder is not repeated for the same silence.
    later = timezone.now() + timedelta(days=10)
    with django_capture_on_commit_callbacks(execute=True):
        compute_health(now=later)
        compute_health(now=later + timedelta(days=1))
    assert Notification.objects.filter(kind="nudge_silent").count() == 2
    assert list(Notification.objects.filter(kind="nudge_coordinator").values_list("recipient", flat=True)) == [
        cast.coordinator.pk,
        cast.coordinator.pk,
    ]  # one alert per silent school
    # A new post ends the silence: a later silence is a new event and gets its own reminder.
    workspace.start_thread(twinning=twinning, by=cast.teacher_b.user, title="Back", body="Sorry, exams!")
    compute_health(now=timezone.now() + timedelta(days=15))
    assert Nudge.objects.filter(kind="reminder", school=cast.school_b).count() == 2


def test_a_programme_sets_its_own_silence_limit(cast, twinning):
    programme = Programme.objects.create(slug="slow", names={"en": "Slow"})
    type(twinning).objects.filter(pk=twinning.pk).update(programme=programme)
    NudgePolicy.objects.create(programme=programme, remind_after_days=30, alert_after_days=60)
    workspace.start_thread(twinning=twinning, by=cast.teacher_a.user, title="Hello", body="Shalom!")
    age(twinning, 20)
    compute_health()
    assert TwinningHealth.objects.get(twinning=twinning).state == "attention"
    assert not Nudge.objects.exists()


def test_a_contact_gone_a_week_with_no_second_contact_asks_the_principal_once(cast, twinning):
    def told() -> int:
        return Notification.objects.filter(recipient=cast.principal_a, kind="twinning_contact_needed").count()

    twinning_services.teacher_leaves(teacher=cast.teacher_a, by=cast.principal_a)
    assert told() == 1  # at once, by the service that recorded the departure
    compute_health()  # the same day: nothing more
    assert told() == 1
    a_week_later = timezone.now() + timedelta(days=8)
    compute_health(now=a_week_later)
    compute_health(now=a_week_later + timedelta(days=1))
    assert told() == 2


def test_caseload_lists_health_and_nso_of_another_country_sees_nothing(client, cast, twinning):
    compute_health()
    page = as_(client, cast.coordinator).get("/coordination/")
    assert page.status_code == 200
    (row,) = page.context["rows"]
    assert (row["twinning"], row["health"].state) == (twinning, "thriving")
    france = testing.make_nso("fr", "France NSO")
    testing.make_country("FR", "France", nso=france)
    staff = testing.make_person(name="Staff FR")
    testing.grant(staff, Role.Kind.NSO_STAFF, nso=france)
    assert as_(client, staff).get("/coordination/").status_code == 404
    assert as_(client, staff).get(f"/coordination/{twinning.pk}/").status_code == 404
    # The UK NSO does see it: its school is in the twinning.
    assert as_(client, cast.nso_uk).get(f"/coordination/{twinning.pk}/").status_code == 200


def test_caseload_filters_by_state(client, cast, twinning):
    compute_health()
    coordinator = as_(client, cast.coordinator)
    assert len(coordinator.get("/coordination/?state=thriving").context["rows"]) == 1
    assert coordinator.get("/coordination/?state=silent").context["rows"] == []


def test_guidance_log_is_for_coordinators_and_the_nso_only(client, cast, twinning):
    coordinator = as_(client, cast.coordinator)
    response = coordinator.post(
        f"/coordination/{twinning.pk}/",
        {"kind": "next_step", "text": "Call the partner school", "happened_on": "2026-11-20", "due_on": "2026-11-27"},
    )
    assert response.status_code == 302
    entry = GuidanceEntry.objects.get()
    assert (entry.author, entry.kind, entry.done) == (cast.coordinator, "next_step", False)
    coordinator.post(f"/coordination/{twinning.pk}/guidance/done/", {"entry": entry.pk})
    entry.refresh_from_db()
    assert entry.done
    bad = coordinator.post(
        f"/coordination/{twinning.pk}/",
        {"kind": "next_step", "text": "Later", "happened_on": "2026-11-20", "due_on": "2026-11-01"},
    )
    assert bad.status_code == 400
    assert bad.context["form"].errors["due_on"] == ["A next step cannot be due before the day it was written."]
    for person in (cast.teacher_a.user, cast.teacher_b.user, cast.principal_a):
        assert as_(client, person).get(f"/coordination/{twinning.pk}/").status_code == 404
        assert as_(client, person).get("/coordination/").status_code == 404


def test_caseload_makes_the_same_queries_for_one_and_three_twinnings(client, cast, twinning):
    def count():
        with CaptureQueriesContext(connection) as captured:
            assert as_(client, cast.coordinator).get("/coordination/").status_code == 200
        return len(captured)

    compute_health()
    count()  # the session's first request also writes the session
    one = count()
    for n in range(2):
        other = testing.approved_twinning_with_new_partner(cast, name=f"Partner {n}")
        GuidanceEntry.objects.create(twinning=other, author=cast.coordinator, kind="next_step", text="Call")
    compute_health()
    assert len(as_(client, cast.coordinator).get("/coordination/").context["rows"]) == 3
    assert count() == one


@pytest.mark.parametrize("language", ["he", "ar"])
def test_caseload_pages_render_right_to_left(client, cast, twinning, language):
    compute_health()
    cast.coordinator.preferred_language = language
    cast.coordinator.save(update_fields=["preferred_language"])
    for url in ("/coordination/", f"/coordination/{twinning.pk}/"):
        page = as_(client, cast.coordinator).get(url)
        assert page.status_code == 200
        assert f'lang="{language}" dir="rtl"' in page.content.decode()


def test_a_tampered_guidance_entry_id_is_a_404_not_an_error(client, cast, twinning):
    response = as_(client, cast.coordinator).post(f"/coordination/{twinning.pk}/guidance/done/", {"entry": "abc"})
    assert response.status_code == 404
