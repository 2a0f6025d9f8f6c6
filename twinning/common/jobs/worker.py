"""The worker that drains the job table (`manage.py run_worker`).

Each claim is a lease (`JOBS_LEASE_SECONDS`) that a heartbeat thread renews while the job runs.
- SIGKILL, a crash or a lost machine: the lease is not renewed, runs out, and any worker claims
  the job again (its attempts count, so a job that kills its worker every time ends as failed).
- SIGTERM or Ctrl-C (what systemd sends on a restart): no new job is claimed; a running job gets
  `--grace` seconds to finish, and one that has not finished by then is given back to the queue at
  once (not counted as an attempt) before the process exits, so another worker starts it again.
- The database going away: the worker waits and tries again; it never exits on its own. A job
  whose outcome could not be written is given back to the queue (due at once, the attempt counted)
  by the first query that reaches the database again. The heartbeat renews only the leases of the
  jobs a thread is running, so a job no thread holds any more (e.g. claimed by a commit whose answer
  was lost) is free again one lease after its claim, even while this worker lives on.
"""

from __future__ import annotations

import logging
import os
import random
import socket
import threading
import traceback
import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.db import Error as DatabaseFault  # DatabaseError, and InterfaceError (a connection found closed)
from django.db import close_old_connections, connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from twinning.common import audit
from twinning.common.jobs import PermanentError, enqueue, registry
from twinning.common.models import Job, WorkerBeat

logger = logging.getLogger("twinning.jobs")


def lease() -> timedelta:
    return timedelta(seconds=settings.JOBS_LEASE_SECONDS)


def backoff(attempt: int) -> timedelta:
    """Wait before the next try: 15 s, 30 s, 1 min ... at most an hour, spread so retries do not bunch."""
    seconds = min(3600, 15 * 2 ** max(0, attempt - 1))
    return timedelta(seconds=seconds * random.uniform(0.8, 1.2))  # noqa: S311  # nosec B311  # spreading, not secrecy


def _due(now) -> Q:
    return Q(status=Job.Status.QUEUED, run_at__lte=now) | Q(status=Job.Status.RUNNING, locked_until__lt=now)


def claim(worker: str, *, pk: int | None = None) -> Job | None:
    """Take the oldest due job (or the job `pk` if it is due) for this worker, or None."""
    now = timezone.now()
    taken = {
        "status": Job.Status.RUNNING,
        "locked_by": worker,
        "locked_until": now + lease(),
        "attempts": F("attempts") + 1,
        "started_at": now,
    }
    due = Job.objects.filter(_due(now))
    if pk is not None:
        due = due.filter(pk=pk)
    if connection.features.has_select_for_update_skip_locked:
        # PostgreSQL: workers on many machines skip each other's rows instead of waiting on them.
        with transaction.atomic():
            row = due.select_for_update(skip_locked=True).order_by("run_at", "pk").only("pk").first()
            if row is None:
                return None
            Job.objects.filter(pk=row.pk).update(**taken)
            found = row.pk
    else:
        # SQLite: one writer at a time; the conditional update is the claim, and only one worker wins it.
        found = None
        for candidate in due.order_by("run_at", "pk").values_list("pk", flat=True)[:5]:
            if Job.objects.filter(_due(now), pk=candidate).update(**taken):
                found = candidate
                break
        if found is None:
            return None
    return Job.objects.get(pk=found)


def _settle(job: Job, worker: str, **fields) -> bool:
    """Record a job's outcome, only while this worker still holds it (a lease taken over is not ours)."""
    return bool(Job.objects.filter(pk=job.pk, locked_by=worker, status=Job.Status.RUNNING).update(**fields))


def _give_up(job: Job, worker: str, error: str) -> None:
    spec = registry.get(job.name)
    now = timezone.now()
    with transaction.atomic():
        failed = _settle(job, worker, status=Job.Status.FAILED, last_error=error, finished_at=now, locked_until=None)
        if failed and spec is not None and spec.on_failure is not None:
            with audit.acting_through(job.via):
                spec.on_failure(error=error, **job.args)
    logger.error("Job %s #%s failed for good after %s attempts: %s", job.name, job.pk, job.attempts, error)


def execute(job: Job, worker: str) -> None:
    """Run a claimed job and record how it went (done, to be tried again later, or failed)."""
    if job.attempts > job.max_attempts:
        _give_up(job, worker, "The worker running its last attempt stopped before it finished.")
        return
    spec = registry.get(job.name)
    try:
        if spec is None:
            raise PermanentError(f"No background job is declared under the name {job.name!r}.")
        with audit.acting_through(job.via):
            spec.func(**job.args)
    except Exception as error:  # noqa: BLE001 (any failure of the job's own code is recorded, not raised)
        text = "".join(traceback.format_exception_only(error)).strip()
        if isinstance(error, DatabaseFault):
            # The database itself may be gone: release what we can, the lease covers the rest.
            close_old_connections()
        if isinstance(error, PermanentError) or job.attempts >= job.max_attempts:
            _give_up(job, worker, text)
        else:
            logger.warning("Job %s #%s attempt %s failed, will try again: %s", job.name, job.pk, job.attempts, text)
            _settle(
                job,
                worker,
                status=Job.Status.QUEUED,
                run_at=timezone.now() + backoff(job.attempts),
                last_error=text,
                locked_by="",
                locked_until=None,
            )
    else:
        _settle(job, worker, status=Job.Status.DONE, finished_at=timezone.now(), locked_until=None)


def run_job_now(pk: int) -> None:
    """Run one job in this process (JOBS_IMMEDIATE: tests and debugging), as a worker would."""
    worker = f"immediate:{os.getpid()}"
    job = claim(worker, pk=pk)
    if job is not None:
        execute(job, worker)


class Scheduler:
    """Queues each periodic job once per slot. The job's key is its name and slot, so workers on
    several machines queue one job between them; a slot missed while no worker ran is queued when
    one comes back, until the next slot begins."""

    def __init__(self):
        self.queued: dict[str, object] = {}

    def tick(self) -> None:
        now = timezone.now()
        for spec in list(registry.values()):
            if spec.schedule is None:
                continue
            slot = spec.schedule.latest(now)
            if self.queued.get(spec.name) == slot:
                continue
            enqueue(spec.name, key=f"{spec.name}@{slot:%Y-%m-%dT%H:%MZ}", run_at=slot)
            self.queued[spec.name] = slot


class Worker:
    def __init__(self, *, threads: int = 1, grace: float = 25.0, poll: float | None = None):
        self.name = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self.threads = max(1, threads)
        self.grace = grace
        self.poll = settings.JOBS_POLL_SECONDS if poll is None else poll
        self.stopping = threading.Event()
        self.scheduler = Scheduler()
        self._scheduler_lock = threading.Lock()
        # The jobs a thread of this worker is running now: the only leases the heartbeat renews, so
        # a job that no thread holds any more (its outcome lost with the database, or a claim whose
        # answer never came back) is not kept by a worker that lives on.
        self._held_lock = threading.Lock()
        self.in_hand: set[int] = set()
        # Jobs whose outcome could not be written, with the time of the claim that ran them: given
        # back as soon as the database answers, unless claimed again since.
        self.unsettled: dict[int, datetime] = {}

    def step(self) -> bool:
        """One turn of a thread's loop: give back what the database lost, queue what the schedule says
        is due, claim a job and run it. Returns whether a job was run; raises a database `Error` when
        the database cannot be reached."""
        close_old_connections()
        self._give_back_unsettled()
        if self._scheduler_lock.acquire(blocking=False):
            try:
                self.scheduler.tick()
            finally:
                self._scheduler_lock.release()
        job = claim(self.name)
        if job is None:
            return False
        with self._held_lock:
            self.in_hand.add(job.pk)
        try:
            execute(job, self.name)
        except DatabaseFault as error:
            # Its outcome could not be written (the database went away during the job or just
            # after): it goes back to the queue when the database answers again.
            logger.warning("Worker %s lost the database during job #%s: %s", self.name, job.pk, error)
            with self._held_lock:
                self.unsettled[job.pk] = job.started_at
            close_old_connections()
        except Exception:  # noqa: BLE001 (logged; the thread must outlive any one job)
            # Not the job (execute records its errors) but its failure hook: the thread lives on, and
            # the job, no longer renewed, is taken again when its lease runs out.
            logger.exception("Worker %s could not record the outcome of job #%s", self.name, job.pk)
        finally:
            with self._held_lock:
                self.in_hand.discard(job.pk)
        return True

    def _give_back_unsettled(self) -> None:
        """Queue again, due now, the jobs whose outcome the database lost while they ran here. Their
        attempt counts (a job that takes the database down every time still ends as failed). Only the
        claim that ran is undone: a job done since, or claimed again (by any worker, this one too,
        once its lease ran out), is left alone."""
        with self._held_lock:
            lost = dict(self.unsettled)
        given = 0
        for pk, started_at in lost.items():
            given += Job.objects.filter(
                pk=pk, locked_by=self.name, status=Job.Status.RUNNING, started_at=started_at
            ).update(status=Job.Status.QUEUED, locked_by="", locked_until=None, run_at=timezone.now())
            with self._held_lock:
                self.unsettled.pop(pk, None)
        if given:
            logger.warning("Worker %s gave back %s job(s) whose outcome the database lost.", self.name, given)

    # The loop of one thread: claim, run, repeat; wait a little when there is nothing to do.
    def _loop(self) -> None:
        pause = self.poll
        while not self.stopping.is_set():
            try:
                ran = self.step()
            except DatabaseFault as error:
                logger.warning("Worker %s cannot reach the database: %s", self.name, error)
                close_old_connections()
                pause = min(5.0, pause * 2 or 0.5)
                self.stopping.wait(pause)
                continue
            pause = self.poll
            if not ran:
                self.stopping.wait(self.poll)
        close_old_connections()
        connection.close()

    def beat(self) -> None:
        """Renew the leases of the jobs a thread of this worker is running now, and say it is alive."""
        now = timezone.now()
        with self._held_lock:
            held = list(self.in_hand)
        if held:
            Job.objects.filter(pk__in=held, locked_by=self.name, status=Job.Status.RUNNING).update(
                locked_until=now + lease()
            )
        WorkerBeat.objects.filter(name=self.name).update(seen_at=now)

    def _heartbeat(self) -> None:
        interval = max(0.5, settings.JOBS_LEASE_SECONDS / 4)
        while not self.stopping.wait(interval):
            try:
                close_old_connections()
                self.beat()
            except DatabaseFault as error:
                logger.warning("Worker %s could not renew its leases: %s", self.name, error)
                close_old_connections()
        connection.close()

    def _register(self) -> None:
        for _attempt in range(3):
            try:
                WorkerBeat.objects.update_or_create(
                    name=self.name, defaults={"hostname": socket.gethostname(), "pid": os.getpid()}
                )
                return
            except DatabaseFault:
                close_old_connections()
                self.stopping.wait(1)

    def release(self) -> int:
        """Give this worker's unfinished jobs back to the queue, now and without counting the attempt."""
        released = Job.objects.filter(locked_by=self.name, status=Job.Status.RUNNING).update(
            status=Job.Status.QUEUED,
            locked_by="",
            locked_until=None,
            attempts=F("attempts") - 1,
            run_at=timezone.now(),
        )
        WorkerBeat.objects.filter(name=self.name).delete()
        return released

    def stop(self, *_args) -> None:
        self.stopping.set()

    def run(self) -> bool:
        """Work until `stop()`; returns True when every job in hand finished, False when some were released."""
        self._register()
        workers = [threading.Thread(target=self._loop, name=f"job-{n}", daemon=True) for n in range(self.threads)]
        beat = threading.Thread(target=self._heartbeat, name="job-heartbeat", daemon=True)
        for thread in [*workers, beat]:
            thread.start()
        while not self.stopping.wait(1):
            pass
        deadline = timezone.now() + timedelta(seconds=self.grace)
        for thread in workers:
            thread.join(max(0.0, (deadline - timezone.now()).total_seconds()))
        unfinished = any(thread.is_alive() for thread in workers)
        try:
            close_old_connections()
            released = self.release()
        except DatabaseFault as error:
            logger.warning("Worker %s could not give its jobs back (their leases will run out): %s", self.name, error)
            released = 0
        if released:
            logger.warning("Worker %s stopped with %s unfinished job(s), given back to the queue.", self.name, released)
        return not unfinished
