"""The job queue when the database goes away under a running worker: nothing claimed is lost, and
an e-mail the mail server accepted is not sent again.

Transactional: the worker commits its claims and outcomes as it does in production. The database
"going away" is an `OperationalError` raised where the connection would have died: from the job, from
the query that writes the job's outcome, from the commit of a claim, from the query that marks an
e-mail sent.
"""

from datetime import timedelta

import pytest
from django.core import mail as outbox
from django.core.mail import EmailMessage
from django.db import OperationalError
from django.db.models.query import QuerySet
from django.utils import timezone

from twinning.common import mail
from twinning.common.jobs import job
from twinning.common.jobs import worker as worker_module
from twinning.common.jobs.worker import Worker, lease
from twinning.common.models import Email, Job

pytestmark = pytest.mark.django_db(transaction=True)

runs: list[dict] = []
database = {"up": True}
GONE = "server closed the connection unexpectedly"


@job("tests.lose_the_database", max_attempts=3)
def lose_the_database(**kwargs):
    """Runs; the first time, the database dies under it."""
    runs.append(kwargs)
    if len(runs) == 1:
        database["up"] = False
        raise OperationalError(GONE)


@pytest.fixture(autouse=True)
def _queue_drained_by_a_worker(settings, monkeypatch):
    settings.JOBS_IMMEDIATE = False
    runs.clear()
    database["up"] = True
    real_settle = worker_module._settle

    def settle(*args, **kwargs):
        # While the database is away, no outcome can be written.
        if not database["up"]:
            raise OperationalError(GONE)
        return real_settle(*args, **kwargs)

    monkeypatch.setattr(worker_module, "_settle", settle)
    # Periodic jobs are not what these tests are about: each turn claims the job the test queued.
    monkeypatch.setattr(worker_module.Scheduler, "tick", lambda self: None)
    monkeypatch.setattr(mail, "_accepted", {})


def _clock(monkeypatch, start):
    moment = {"now": start}
    monkeypatch.setattr(timezone, "now", lambda: moment["now"])
    return moment


def test_jobs_whose_outcome_the_database_lost_run_again_as_soon_as_it_answers(monkeypatch):
    moment = _clock(monkeypatch, timezone.now())
    queued = lose_the_database.enqueue(n=1)
    worker = Worker()

    assert worker.step() is True  # the job ran; the database died under it and its outcome was lost
    database["up"] = True
    worker.beat()  # the heartbeat reaches the database again
    moment["now"] += timedelta(seconds=5)
    worker.step()

    queued.refresh_from_db()
    assert (runs, queued.status, queued.attempts) == ([{"n": 1}, {"n": 1}], Job.Status.DONE, 2)


def test_jobs_whose_outcome_the_database_lost_are_not_kept_by_the_heartbeat(monkeypatch):
    moment = _clock(monkeypatch, timezone.now())
    queued = lose_the_database.enqueue(n=1)
    worker = Worker()
    worker.step()
    database["up"] = True

    # Even if this worker never gives it back itself, its lease is no longer renewed: another
    # worker takes it once the lease runs out, however long this one lives.
    monkeypatch.setattr(Worker, "_give_back_unsettled", lambda self: None, raising=False)
    for _beat in range(8):
        moment["now"] += lease() / 4
        worker.beat()
    moment["now"] += timedelta(seconds=1)
    taken = worker_module.claim("another")
    assert taken is not None
    worker_module.execute(taken, "another")

    queued.refresh_from_db()
    assert (len(runs), queued.status, queued.locked_by) == (2, Job.Status.DONE, "another")


def test_jobs_lost_then_claimed_again_by_another_thread_are_not_given_back_under_it(monkeypatch):
    moment = _clock(monkeypatch, timezone.now())
    queued = lose_the_database.enqueue(n=1)
    worker = Worker()
    worker.step()
    database["up"] = True

    # The database stayed away past the lease; another thread of this worker took the job again.
    moment["now"] += lease() + timedelta(seconds=1)
    again = worker_module.claim(worker.name)
    assert worker.step() is False  # this thread's turn: nothing of its own to give back, nothing due

    queued.refresh_from_db()
    assert (queued.status, queued.locked_by, queued.started_at) == (Job.Status.RUNNING, worker.name, again.started_at)


def test_jobs_claimed_as_the_database_went_away_are_taken_again_after_one_lease(monkeypatch):
    moment = _clock(monkeypatch, timezone.now())
    queued = lose_the_database.enqueue(n=2)
    runs.append({"already": "ran once"})  # this job's first run is not the one that loses the database
    worker = Worker()
    real_claim = worker_module.claim

    def claim_then_lose_the_answer(name, **kwargs):
        real_claim(name, **kwargs)  # committed by the server ...
        raise OperationalError(GONE)  # ... whose answer never came back

    monkeypatch.setattr(worker_module, "claim", claim_then_lose_the_answer)
    with pytest.raises(OperationalError):
        worker.step()
    monkeypatch.setattr(worker_module, "claim", real_claim)

    for _beat in range(4):
        moment["now"] += lease() / 4
        worker.beat()
    moment["now"] += timedelta(seconds=1)
    assert worker.step() is True

    queued.refresh_from_db()
    assert (runs[1:], queued.status, queued.attempts) == ([{"n": 2}], Job.Status.DONE, 2)


def test_jobs_a_job_in_hand_keeps_its_lease_while_it_runs(monkeypatch):
    moment = _clock(monkeypatch, timezone.now())
    queued = lose_the_database.enqueue(n=3)
    runs.append({"already": "ran once"})
    worker = Worker()
    beats_while_running = []

    def long_job(**kwargs):
        for _beat in range(8):
            moment["now"] += lease() / 4
            worker.beat()
        beats_while_running.append(worker_module.claim("another"))

    monkeypatch.setattr(lose_the_database, "func", long_job)
    worker.step()

    queued.refresh_from_db()
    assert (beats_while_running, queued.status, queued.locked_by) == ([None], Job.Status.DONE, worker.name)


def _mark_sent_fails(monkeypatch, times: int, *, for_long: bool) -> None:
    """The database dies just after the mail server accepted the message: marking it sent fails
    `times` times; `for_long`: writing the job's outcome fails too, until the test brings it back."""
    left = {"times": times}
    real_update = QuerySet.update

    def update(self, **kwargs):
        if self.model is Email and kwargs.get("status") == Email.Status.SENT and left["times"]:
            left["times"] -= 1
            database["up"] = not for_long
            raise OperationalError(GONE)
        return real_update(self, **kwargs)

    monkeypatch.setattr(QuerySet, "update", update)


def _send(subject: str) -> Email:
    row = mail.queue_message(EmailMessage(subject=subject, body="Thursday", to=["t@example.org"]))
    assert row is not None
    return row


def test_email_accepted_as_the_database_went_away_for_a_moment_is_sent_once(monkeypatch):
    row = _send("Your partner school answered")
    _mark_sent_fails(monkeypatch, times=1, for_long=False)  # the next try, a moment later, reaches it
    worker = Worker()

    worker.step()
    Job.objects.filter(status=Job.Status.QUEUED).update(run_at=timezone.now())  # any retry, due now
    worker.step()

    row.refresh_from_db()
    job = Job.objects.get(name="common.send_email")
    assert ([m.subject for m in outbox.outbox], row.status, job.status) == (
        ["Your partner school answered"],
        Email.Status.SENT,
        Job.Status.DONE,
    )
    assert outbox.outbox[0].extra_headers["Message-ID"] == row.message_id


def test_email_accepted_as_the_database_went_away_for_long_is_recorded_not_sent_again(monkeypatch):
    row = _send("A meeting was confirmed")
    monkeypatch.setattr(mail, "mark_sent_seconds", lambda: 0.0)  # the database stays away longer than that
    _mark_sent_fails(monkeypatch, times=1, for_long=True)
    worker = Worker()

    worker.step()  # sent; neither the e-mail nor the job could be marked
    database["up"] = True
    worker.step()  # the job, given back, runs again: the e-mail is recorded, not sent again

    row.refresh_from_db()
    job = Job.objects.get(name="common.send_email")
    assert (len(outbox.outbox), row.status, row.attempts, job.status) == (1, Email.Status.SENT, 1, Job.Status.DONE)
    assert mail._accepted == {}


def test_email_taken_over_by_another_worker_is_sent_again_under_the_same_message_id(monkeypatch):
    row = _send("A meeting was confirmed")
    monkeypatch.setattr(mail, "mark_sent_seconds", lambda: 0.0)
    _mark_sent_fails(monkeypatch, times=1, for_long=True)
    Worker().step()
    database["up"] = True

    # A worker in another process, which never saw this one send it, takes the job (its lease ran out).
    monkeypatch.setattr(mail, "_accepted", {})
    Job.objects.filter(name="common.send_email").update(locked_until=timezone.now() - timedelta(seconds=1))
    Worker().step()

    # At least once: the message went out again, under the same Message-ID, so a mail server or
    # reader can tell the repeat; it is never lost.
    row.refresh_from_db()
    assert (len(outbox.outbox), row.status) == (2, Email.Status.SENT)
    assert {m.extra_headers["Message-ID"] for m in outbox.outbox} == {row.message_id}
