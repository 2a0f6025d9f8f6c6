"""Background jobs: a transactional outbox in the database, drained by `manage.py run_worker`.

Why this design: a job is a row written in the same transaction as the data that asks for it, so
a job is never lost when the web process, the worker or a cache dies, and never runs for data that
was rolled back. A worker claims a row for a lease it renews while it works (`worker.py`); when a
worker is killed its lease runs out and another worker runs the job again. Work is therefore done
at least once, and every job is written so that doing it twice has the effect of doing it once
(an e-mail row marked sent, a cohort run rewritten whole, reminders and nudges claimed by key).

The guarantee, whatever stops a job half-way:
- a committed job runs to an outcome (done, or failed after its attempts) at least once;
- a worker killed: its lease (`JOBS_LEASE_SECONDS`) runs out and any worker takes the job again;
- a worker stopped (SIGTERM): a job not finished in its grace time goes back to the queue at once;
- the database gone while a job ran (its outcome could not be written): the job goes back to the
  queue as soon as the database answers that worker again, due at once, the attempt counted; a
  claim whose answer never came back is taken again one lease after it was made. A worker renews
  the leases of the jobs its threads are running and no others, so a job never stays "running"
  for longer than one lease after the thread that held it let it go, however long the worker lives.
- e-mail (`common.mail`) is delivered at least once, with an idempotency key: its row is checked
  before each send and marked sent as soon as the mail server accepts it, and its Message-ID is the
  same on every try. When the database goes away between the server's "accepted" and that mark,
  the mark is retried for half a lease (the lease still holds), and the worker process remembers
  the e-mail as accepted, so its next try records it instead of sending it again. It goes out twice
  only if the worker process dies in that instant, or the database stays away longer than that and
  a worker in another process takes the job first; the repeat carries the same Message-ID, so a
  receiving server or reader can tell it.
The same tables work on SQLite (the demo, one worker) and PostgreSQL (any number of workers on
any number of machines; rows are claimed with SELECT ... FOR UPDATE SKIP LOCKED).

Declaring a job, in an app's `tasks.py` (imported when Django starts)::

    @job("matching.run_cohort", max_attempts=3, on_failure=mark_run_failed)
    def run_cohort(*, run_id: int) -> None: ...

    run_cohort.enqueue(run_id=run.pk)    # inside the service's transaction

    @periodic("coordination.daily_health", daily(hour=4, minute=30))
    def daily_health() -> None: ...
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from twinning.common import audit
from twinning.common.models import Job

logger = logging.getLogger(__name__)


class PermanentError(Exception):
    """Raised by a job whose failure no retry can mend (e.g. a recipient the mail server refuses)."""


@dataclass(frozen=True)
class Every:
    """Every `minutes` minutes on the clock, counted from midnight UTC (5: at :00, :05, :10 ...).

    `minutes` divides a day (5, 15, 60, 360 ...), so every day has the same slots."""

    minutes: int

    def latest(self, now: datetime) -> datetime:
        midnight = now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
        elapsed = int((now - midnight).total_seconds() // 60)
        return midnight + timedelta(minutes=elapsed - elapsed % self.minutes)

    @property
    def period(self) -> timedelta:
        return timedelta(minutes=self.minutes)


@dataclass(frozen=True)
class Daily:
    """Once a day at `hour`:`minute` UTC."""

    hour: int
    minute: int = 0

    def latest(self, now: datetime) -> datetime:
        today = now.astimezone(UTC).replace(hour=self.hour, minute=self.minute, second=0, microsecond=0)
        return today if today <= now else today - timedelta(days=1)

    @property
    def period(self) -> timedelta:
        return timedelta(days=1)


def every(*, minutes: int) -> Every:
    if minutes <= 0 or 1440 % minutes:
        raise ValueError("The minutes of a periodic job must divide a day.")
    return Every(minutes)


def daily(*, hour: int, minute: int = 0) -> Daily:
    return Daily(hour, minute)


@dataclass
class JobSpec:
    name: str
    func: Callable[..., object]
    max_attempts: int = 5
    on_failure: Callable[..., None] | None = None
    schedule: Every | Daily | None = None
    extra: dict = field(default_factory=dict)

    def __call__(self, **kwargs):
        return self.func(**kwargs)

    def enqueue(self, *, key: str | None = None, run_at: datetime | None = None, **kwargs):
        """Record the job in the current transaction; see `enqueue`."""
        return enqueue(self.name, key=key, run_at=run_at, **kwargs)

    def enqueue_many(self, arguments: list[dict]) -> None:
        """Record one job per set of keyword arguments, in one query, in the current transaction."""
        now = timezone.now()
        rows = Job.objects.bulk_create(
            [Job(name=self.name, args=kwargs, max_attempts=self.max_attempts, run_at=now) for kwargs in arguments]
        )
        if settings.JOBS_IMMEDIATE:
            from twinning.common.jobs.worker import run_job_now  # here: the worker module imports this one

            for row in rows:
                transaction.on_commit(lambda pk=row.pk: run_job_now(pk))


registry: dict[str, JobSpec] = {}


def job(name: str, *, max_attempts: int = 5, on_failure: Callable[..., None] | None = None):
    """Declare a background job. `on_failure(error=..., **kwargs)` runs once when its last attempt fails."""

    def register(func):
        spec = JobSpec(name=name, func=func, max_attempts=max_attempts, on_failure=on_failure)
        registry[name] = spec
        return spec

    return register


def periodic(name: str, schedule: Every | Daily, *, max_attempts: int = 3):
    """Declare a job the workers queue once per slot of `schedule`, however many workers run."""

    def register(func):
        spec = JobSpec(name=name, func=func, max_attempts=max_attempts, schedule=schedule)
        registry[name] = spec
        return spec

    return register


def enqueue(name: str, *, key: str | None = None, run_at: datetime | None = None, **kwargs):
    """Record a job in the current transaction (it is queued when that transaction commits, and
    not at all when it rolls back). With a `key`, a second job with the same key is not added and
    None is returned. The keyword arguments must be JSON values. The job runs through the audit
    channel it was queued in (`audit.acting_through`), so its entries name the same token or client."""
    spec = registry.get(name)
    if spec is None:
        raise LookupError(f"No background job is declared under the name {name!r}.")
    # The same clock the workers claim by (not the model's default), so a job is due at once.
    fields = {
        "name": name,
        "args": kwargs,
        "key": key,
        "max_attempts": spec.max_attempts,
        "run_at": run_at if run_at is not None else timezone.now(),
        # A job queued by an API request writes its audit entries as that request would have.
        "via": audit.current_channel(),
    }
    if key is None:
        row = Job.objects.create(**fields)
    else:
        try:
            with transaction.atomic():
                row = Job.objects.create(**fields)
        except IntegrityError:
            return None
    if settings.JOBS_IMMEDIATE:
        # Debugging and tests: this process runs the job itself once the data is committed.
        from twinning.common.jobs.worker import run_job_now  # here: the worker module imports this one

        transaction.on_commit(lambda: run_job_now(row.pk))
    return row
