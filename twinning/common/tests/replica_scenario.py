"""Run by test_replica_postgres.py in a process of its own, whose DATABASE_URL is a real PostgreSQL
primary and DATABASE_REPLICA_URL its streaming replica: a teacher posts while the replica is held
back, and what each person then reads is printed as JSON.

    python -m twinning.common.tests.replica_scenario
"""

import json
import os
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "twinning.settings")
django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connections  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from twinning import testing  # noqa: E402
from twinning.workspace.models import Thread  # noqa: E402


def _one(alias: str, sql: str):
    with connections[alias].cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()[0]


def caught_up(seconds: float = 20.0) -> None:
    """Wait until the replica has replayed everything the primary has written so far."""
    target = _one("default", "SELECT pg_current_wal_lsn()::text")
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with connections["replica"].cursor() as cursor:
            cursor.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [target])
            if cursor.fetchone()[0]:
                return
        time.sleep(0.05)
    raise RuntimeError("the replica did not catch up")


def titles(page) -> list[str]:
    return [thread.title for thread in page.context["page"]]


def main() -> dict:
    # The test client's host allowed, and the pages' template context kept for reading.
    setup_test_environment()
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    started = time.monotonic()
    call_command("migrate", verbosity=0)
    migrated = time.monotonic()
    cast = testing.make_cast()
    twinning = testing.active_twinning(cast)
    forum = f"/twinnings/{twinning.pk}/forum/"
    writer = testing.as_(testing.Client(), cast.teacher_a.user)
    reader = testing.as_(testing.Client(), cast.teacher_b.user)
    caught_up()

    # Replay held: the replica now lags the primary by as much as the test wants.
    _one("replica", "SELECT pg_wal_replay_pause()::text")
    deadline = time.monotonic() + 10
    while _one("replica", "SELECT pg_get_wal_replay_pause_state()") != "paused":
        if time.monotonic() > deadline:
            raise RuntimeError("replay did not pause")
        time.sleep(0.05)

    posted = writer.post(forum, {"title": "Shalom from Haifa", "body": "Our class says hello."})
    writer_page = writer.get(forum)
    reader_page = reader.get(forum)
    held = {
        "posted": posted.status_code,
        "pinned": posted.cookies.get("twinning_primary") is not None,
        "writer_sees": titles(writer_page),
        "reader_sees": titles(reader_page),
        "threads_on_primary": Thread.objects.using("default").count(),
        "threads_on_replica": Thread.objects.using("replica").count(),
        "lag_bytes": int(
            _one("default", "SELECT pg_current_wal_lsn() - '0/0'::pg_lsn")
            - _one("replica", "SELECT pg_last_wal_replay_lsn() - '0/0'::pg_lsn")
        ),
    }

    _one("replica", "SELECT pg_wal_replay_resume()::text")
    caught_up()
    after = {"reader_sees": titles(reader.get(forum)), "threads_on_replica": Thread.objects.using("replica").count()}
    return {
        "migrate_seconds": round(migrated - started, 2),
        "scenario_seconds": round(time.monotonic() - migrated, 2),
        "held": held,
        "after": after,
    }


if __name__ == "__main__":
    print(json.dumps(main()))
