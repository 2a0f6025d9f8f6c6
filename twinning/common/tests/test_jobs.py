"""The job queue: recorded with its data, run at least once, each effect once."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from twinning.common import audit
from twinning.common.jobs import PermanentError, daily, every, job, periodic, registry
from twinning.common.jobs.worker import Scheduler, Worker, claim, execute
from twinning.common.models import Job

calls: list[dict] = []
failures: list[dict] = []


def _record_failure(**kwargs):
    failures.append(kwargs)


@job("tests.record", max_attempts=3, on_failure=_record_failure)
def record(**kwargs):
    calls.append(kwargs)
    if kwargs.get("fail") == "always":
        raise RuntimeError("broken on purpose")
    if kwargs.get("fail") == "permanent":
        raise PermanentError("no retry can help")


channels: list[str] = []


def _channel_at_failure(**kwargs):
    channels.append(f"failed: {audit.current_channel()}")


@job("tests.channel", max_attempts=1, on_failure=_channel_at_failure)
def note_channel(*, fail: bool = False):
    channels.append(audit.current_channel())
    if fail:
        raise RuntimeError("broken on purpose")


@pytest.fixture(autouse=True)
def _fresh_calls(settings):
    channels.clear()
    settings.JOBS_IMMEDIATE = False
    calls.clear()
    failures.clear()


def test_jobs_enqueue_in_rolled_back_transaction_leaves_nothing(db):
    with pytest.raises(RuntimeError), transaction.atomic():
        record.enqueue(n=1)
        raise RuntimeError("the service refused")

    assert Job.objects.count() == 0


def test_jobs_claim_then_execute_marks_done(db):
    queued = record.enqueue(n=1)

    taken = claim("w1")
    execute(taken, "w1")

    queued.refresh_from_db()
    assert (taken.pk, queued.status, queued.attempts, calls) == (queued.pk, Job.Status.DONE, 1, [{"n": 1}])


def test_jobs_claimed_by_a_dead_worker_run_again_once_its_lease_runs_out(db):
    queued = record.enqueue(n=1)
    claim("dead-worker")  # killed: never settles, never renews its lease

    assert claim("w2") is None
    Job.objects.filter(pk=queued.pk).update(locked_until=timezone.now() - timedelta(seconds=1))
    taken = claim("w2")
    execute(taken, "w2")

    queued.refresh_from_db()
    assert (queued.status, queued.attempts, queued.locked_by, calls) == (Job.Status.DONE, 2, "w2", [{"n": 1}])


def test_jobs_outcome_of_a_lease_taken_over_is_not_written_by_the_old_worker(db):
    queued = record.enqueue(n=1)
    old = claim("slow")
    Job.objects.filter(pk=queued.pk).update(locked_until=timezone.now() - timedelta(seconds=1))
    claim("w2")

    execute(old, "slow")

    queued.refresh_from_db()
    assert (queued.status, queued.locked_by) == (Job.Status.RUNNING, "w2")


def test_jobs_failing_are_retried_later_then_failed_for_good_with_their_hook(db):
    queued = record.enqueue(fail="always")

    execute(claim("w"), "w")
    queued.refresh_from_db()
    assert queued.status == Job.Status.QUEUED
    assert queued.run_at > timezone.now() + timedelta(seconds=10)
    assert queued.last_error == "RuntimeError: broken on purpose"

    for _ in range(2):
        Job.objects.filter(pk=queued.pk).update(run_at=timezone.now())
        execute(claim("w"), "w")

    queued.refresh_from_db()
    assert (queued.status, queued.attempts, len(calls)) == (Job.Status.FAILED, 3, 3)
    assert failures == [{"fail": "always", "error": "RuntimeError: broken on purpose"}]


def test_jobs_permanent_error_fails_at_once(db):
    queued = record.enqueue(fail="permanent")

    execute(claim("w"), "w")

    queued.refresh_from_db()
    assert (queued.status, queued.attempts, len(failures)) == (Job.Status.FAILED, 1, 1)


def test_jobs_whose_last_attempt_died_with_its_worker_are_failed_not_run(db):
    queued = record.enqueue(n=1)
    Job.objects.filter(pk=queued.pk).update(
        status=Job.Status.RUNNING, attempts=3, locked_by="dead", locked_until=timezone.now() - timedelta(seconds=1)
    )

    execute(claim("w"), "w")

    queued.refresh_from_db()
    assert (queued.status, calls, len(failures)) == (Job.Status.FAILED, [], 1)


def test_jobs_with_one_key_are_queued_once(db):
    first = record.enqueue(key="once", n=1)
    second = record.enqueue(key="once", n=2)

    assert (first is not None, second, Job.objects.count()) == (True, None, 1)


def test_jobs_not_yet_due_are_not_claimed(db):
    record.enqueue(run_at=timezone.now() + timedelta(minutes=5), n=1)

    assert claim("w") is None


def test_jobs_worker_stopped_gives_its_unfinished_jobs_back_uncounted(db):
    worker = Worker()
    queued = record.enqueue(n=1)
    claim(worker.name)

    released = worker.release()

    queued.refresh_from_db()
    assert (released, queued.status, queued.attempts, queued.locked_by) == (1, Job.Status.QUEUED, 0, "")
    assert claim("w2").pk == queued.pk


def test_jobs_periodic_slots_are_queued_once_by_two_schedulers(db, monkeypatch):
    @periodic("tests.tick", every(minutes=5))
    def tick():
        calls.append({"tick": True})

    try:
        moment = datetime(2026, 3, 1, 10, 7, 30, tzinfo=UTC)
        monkeypatch.setattr(timezone, "now", lambda: moment)
        one, two = Scheduler(), Scheduler()
        one.tick()
        two.tick()
        one.tick()
        moment = datetime(2026, 3, 1, 10, 10, 1, tzinfo=UTC)
        two.tick()
        one.tick()

        keys = sorted(Job.objects.filter(name="tests.tick").values_list("key", flat=True))
        assert keys == ["tests.tick@2026-03-01T10:05Z", "tests.tick@2026-03-01T10:10Z"]
    finally:
        registry.pop("tests.tick")


def test_jobs_schedules_find_their_latest_slot():
    at = datetime(2026, 3, 1, 4, 29, tzinfo=UTC)

    assert daily(hour=4, minute=30).latest(at) == datetime(2026, 2, 28, 4, 30, tzinfo=UTC)
    assert daily(hour=4, minute=30).latest(at + timedelta(minutes=1)) == datetime(2026, 3, 1, 4, 30, tzinfo=UTC)
    assert every(minutes=5).latest(at) == datetime(2026, 3, 1, 4, 25, tzinfo=UTC)
    assert every(minutes=120).latest(at) == datetime(2026, 3, 1, 4, 0, tzinfo=UTC)
    with pytest.raises(ValueError):
        every(minutes=7)


def test_jobs_the_periodic_jobs_of_the_apps_are_declared():
    assert registry["coordination.daily_health"].schedule == daily(hour=4, minute=30)
    assert registry["meetings.reminders"].schedule == every(minutes=5)
    assert registry["common.sweep_files"].schedule is not None


def test_jobs_run_through_the_audit_channel_they_were_queued_in(db):
    with audit.acting_through("API client “School register”"):
        through_api = note_channel.enqueue()
        failing = note_channel.enqueue(fail=True)
    from_a_page = note_channel.enqueue()
    assert through_api.via == "API client “School register”" and from_a_page.via == ""

    for queued in (through_api, failing, from_a_page):
        execute(claim("w", pk=queued.pk), "w")

    # The worker holds no channel of its own: each job names its own, and its failure hook too.
    assert channels == [
        "API client “School register”",
        "API client “School register”",
        "failed: API client “School register”",
        "",
    ]
    assert audit.current_channel() == ""
