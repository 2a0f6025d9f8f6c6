"""The daily health job: every open twinning judged, nudges sent once (run by the worker at 04:30 UTC)."""

from twinning.common.jobs import daily, periodic
from twinning.coordination.services import compute_health


@periodic("coordination.daily_health", daily(hour=4, minute=30))
def daily_health() -> dict:
    return compute_health()
