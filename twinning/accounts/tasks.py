"""Background jobs about people."""

from twinning.accounts import throttle
from twinning.common.jobs import daily, periodic


@periodic("accounts.forget_old_throttles", daily(hour=3, minute=15))
def forget_old_throttles() -> int:
    """Nightly: sign-in counters with nothing left to remember (no pause, a quiet day) are deleted."""
    return throttle.forget_old()
