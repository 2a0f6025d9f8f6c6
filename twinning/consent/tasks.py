"""Background jobs about parents' consent."""

from twinning.common.jobs import daily, periodic
from twinning.consent import services


@periodic("consent.remind_families", daily(hour=16, minute=0))
def remind_families() -> int:
    """Daily, in the afternoon: families who have not answered their form get a reminder (twice at most)."""
    return services.send_reminders()


@periodic("consent.expire_past_years", daily(hour=0, minute=20))
def expire_past_years() -> int:
    """Nightly: once a new school year has begun, last year's answers no longer count."""
    return services.expire_past_years()
