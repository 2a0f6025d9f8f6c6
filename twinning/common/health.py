"""What /ready/ reports: the database, the cache and the job queue, each checked without raising."""

from __future__ import annotations

import time
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, close_old_connections, connection
from django.db.models import Min, Q
from django.utils import timezone

from twinning.common.models import Email, Job, WorkerBeat


def _database() -> dict:
    started = time.monotonic()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as error:
        close_old_connections()
        return {"ok": False, "error": type(error).__name__}
    return {"ok": True, "ms": round((time.monotonic() - started) * 1000, 1)}


def _cache() -> dict:
    ping = getattr(cache, "ping", None)
    if ping is None:
        return {"ok": True, "shared": False}
    return {"ok": ping(), "shared": True}


def _queue() -> dict:
    now = timezone.now()
    try:
        due = Job.objects.filter(
            Q(status=Job.Status.QUEUED, run_at__lte=now) | Q(status=Job.Status.RUNNING, locked_until__lt=now)
        )
        oldest = due.aggregate(oldest=Min("run_at"))["oldest"]
        seen_since = now - timedelta(seconds=3 * settings.JOBS_LEASE_SECONDS)
        report = {
            "ok": True,
            "waiting": due.count(),
            "oldest_waiting_seconds": round((now - oldest).total_seconds(), 1) if oldest else 0,
            "running": Job.objects.filter(status=Job.Status.RUNNING, locked_until__gte=now).count(),
            "failed": Job.objects.filter(status=Job.Status.FAILED).count(),
            "workers": WorkerBeat.objects.filter(seen_at__gte=seen_since).count(),
            "emails_waiting": Email.objects.filter(status=Email.Status.QUEUED).count(),
            "emails_failed": Email.objects.filter(status=Email.Status.FAILED).count(),
        }
    except DatabaseError as error:
        close_old_connections()
        return {"ok": False, "error": type(error).__name__}
    report["late"] = report["oldest_waiting_seconds"] > settings.JOBS_LATE_SECONDS
    return report


def readiness() -> dict:
    database = _database()
    queue = _queue() if database["ok"] else {"ok": False, "error": "database"}
    cache_state = _cache()
    if not database["ok"] or not queue["ok"]:
        status = "unavailable"
    elif not cache_state["ok"] or queue["late"] or queue["failed"] or queue["emails_failed"]:
        status = "degraded"
    else:
        status = "ok"
    return {"status": status, "database": database, "cache": cache_state, "queue": queue}
