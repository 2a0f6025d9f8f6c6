"""Matching's background work under faults: runs that stop, mail servers that refuse or hang."""

import smtplib

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.utils import timezone

from twinning.common.jobs.worker import claim, execute
from twinning.common.models import Email, Job
from twinning.matching.models import CohortRun, Proposal
from twinning.testing import as_

pytestmark = pytest.mark.django_db


class RefusingBackend(LocmemBackend):
    """A mail server that is down."""

    def send_messages(self, messages):
        raise ConnectionRefusedError(111, "Connection refused")


class RefusingRecipientsBackend(LocmemBackend):
    def send_messages(self, messages):
        raise smtplib.SMTPRecipientsRefused({m.to[0]: (550, b"No such user") for m in messages})


def _start_run(client, user):
    response = as_(client, user).post(
        "/matching/cohorts/", {"shape": "two_sides", "left_countries": ["IL"], "right_countries": ["GB"], "min_fit": 35}
    )
    assert response.status_code == 302
    return CohortRun.objects.get()


def test_cohort_run_is_queued_with_the_run_in_one_transaction(client, cast, profiles, settings):
    settings.JOBS_IMMEDIATE = False

    run = _start_run(client, cast.nso_il)

    assert list(Job.objects.values_list("name", "args", "status")) == [
        ("matching.run_cohort", {"run_id": run.pk}, "queued")
    ]
    execute(claim("w"), "w")
    run.refresh_from_db()
    assert (run.status, run.pairs.count()) == ("done", 1)


def test_cohort_run_whose_worker_died_runs_again_and_finishes(client, cast, profiles, settings):
    settings.JOBS_IMMEDIATE = False
    run = _start_run(client, cast.nso_il)
    claim("killed")
    CohortRun.objects.filter(pk=run.pk).update(status="running", progress=5)
    Job.objects.update(locked_until=timezone.now())

    execute(claim("w2"), "w2")

    run.refresh_from_db()
    assert (run.status, run.progress, run.pairs.count()) == ("done", 100, 1)
    # The job running again after the run finished changes nothing.
    from twinning.matching.services import execute_cohort_run

    execute_cohort_run(run.pk)
    assert run.pairs.count() == 1


def test_cohort_run_stopped_on_every_try_is_failed_with_a_run_again_button(client, cast, profiles, settings):
    settings.JOBS_IMMEDIATE = False
    run = _start_run(client, cast.nso_il)
    Job.objects.update(status="running", attempts=3, locked_by="killed", locked_until=timezone.now())

    execute(claim("w"), "w")

    run.refresh_from_db()
    assert run.status == "failed"
    page = client.get(f"/matching/cohorts/{run.pk}/")
    html = page.content.decode()
    assert "The matching stopped before it finished" in html
    assert f'action="/matching/cohorts/{run.pk}/rerun/"' in html
    response = client.post(f"/matching/cohorts/{run.pk}/rerun/")
    assert response.status_code == 302
    assert CohortRun.objects.exclude(pk=run.pk).get().status == "queued"


def test_partnership_request_with_the_mail_server_down_succeeds_and_mails_later(
    client, cast, profiles, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_DELIVERY_BACKEND = f"{__name__}.RefusingBackend"
    with django_capture_on_commit_callbacks(execute=True):
        response = as_(client, cast.teacher_a.user).post(f"/matching/request/{profiles[1].pk}/", {"message": "Hi"})

    assert response.status_code == 302
    assert Proposal.objects.count() == 1
    email = Email.objects.get()
    job = Job.objects.get(name="common.send_email")
    assert (email.status, email.attempts, job.status) == ("queued", 1, "queued")
    assert "Connection refused" in email.last_error
    assert job.run_at > timezone.now()

    settings.EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    Job.objects.filter(pk=job.pk).update(run_at=timezone.now())
    execute(claim("w"), "w")
    email.refresh_from_db()
    assert (email.status, [m.to for m in mail.outbox]) == ("sent", [[cast.teacher_b.user.email]])
    assert mail.outbox[0].extra_headers["Message-ID"] == email.message_id


def test_email_job_run_twice_sends_once(client, cast, profiles, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        as_(client, cast.teacher_a.user).post(f"/matching/request/{profiles[1].pk}/", {"message": "Hi"})
    email = Email.objects.get()
    Job.objects.filter(name="common.send_email").update(status="queued", run_at=timezone.now())

    execute(claim("w"), "w")

    assert (len(mail.outbox), Email.objects.get().status) == (1, "sent")
    assert email.message_id.startswith("<")


def test_email_refused_for_good_is_failed_and_shown_to_administrators(
    client, cast, profiles, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_DELIVERY_BACKEND = f"{__name__}.RefusingRecipientsBackend"
    with django_capture_on_commit_callbacks(execute=True):
        as_(client, cast.teacher_a.user).post(f"/matching/request/{profiles[1].pk}/", {"message": "Hi"})

    email = Email.objects.get()
    assert (email.status, Job.objects.get(name="common.send_email").status) == ("failed", "failed")
    ready = client.get("/ready/").json()
    assert (ready["status"], ready["queue"]["emails_failed"], ready["queue"]["failed"]) == ("degraded", 1, 1)
    client.force_login(cast.admin)
    listing = client.get("/admin/common/email/?status__exact=failed").content.decode()
    assert "No such user" in listing
    client.post("/admin/common/email/", {"action": "send_again", "_selected_action": [email.pk]})
    assert Email.objects.get().status == "queued"
    assert Job.objects.filter(name="common.send_email", status="queued").count() == 1


def test_cohort_approval_queues_one_mail_job_per_notification_batch(
    client, cast, profiles, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        run = _start_run(client, cast.nso_il)
    settings.JOBS_IMMEDIATE = False
    client.post(f"/matching/cohorts/{run.pk}/approve/")

    assert list(Job.objects.filter(status="queued").values_list("name", flat=True)) == ["common.email_notifications"]
    execute(claim("w"), "w")
    # Running the batch again writes no second copy of any e-mail.
    Job.objects.filter(name="common.email_notifications").update(status="queued", run_at=timezone.now())
    execute(claim("w"), "w")
    assert Email.objects.count() == 2
