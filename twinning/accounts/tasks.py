"""Background jobs about people."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from twinning.accounts import throttle


@db_periodic_task(crontab(hour="3", minute="15"))
def forget_old_throttles() -> int:
    """Nightly: sign-in counters with nothing left to remember (no pause, a quiet day) are deleted."""
    return throttle.forget_old()
