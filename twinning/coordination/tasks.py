"""The daily health job: every open twinning judged, nudges sent once (run by the worker at 04:30 UTC)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from twinning.coordination.services import compute_health


@db_periodic_task(crontab(hour="4", minute="30"))
def daily_health() -> dict:
    return compute_health()
