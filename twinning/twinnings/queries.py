"""Reads for twinnings."""

from twinning.twinnings.models import Twinning


def recent_twinnings_for(user, *, limit: int = 10) -> list[Twinning]:
    """The twinnings the person takes part in, most recently changed first."""
    return list(
        Twinning.objects.filter(memberships__user=user, memberships__active=True).order_by("-changed_at")[:limit]
    )
