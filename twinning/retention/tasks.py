"""The nightly retention job."""

from twinning.common.jobs import daily, periodic
from twinning.retention import services


@periodic("retention.apply_policies", daily(hour=2, minute=30))
def apply_policies() -> dict:
    """Nightly: every NSO's retention policy applied (see retention.services), the run recorded."""
    return services.apply_policies().as_json()
