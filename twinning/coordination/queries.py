"""Reads for the caseload dashboard."""

from django.db.models import F, OrderBy, Prefetch, QuerySet

from twinning.coordination.models import GuidanceEntry
from twinning.twinnings.models import Twinning, TwinningSchool
from twinning.twinnings.rules import twinnings_overseen_by

SORTS: dict[str, list[OrderBy | str]] = {
    "silent": [F("health__silent_days").desc(nulls_last=True), "pk"],
    "next_meeting": [F("health__next_meeting").asc(nulls_last=True), "pk"],
    "overdue": [F("health__overdue").desc(nulls_last=True), "pk"],
    "recent": ["-changed_at", "-pk"],
}
STATE_ORDER = {"silent": 0, "attention": 1, "thriving": 2, "closed": 3}


def caseload_for(user, *, state: str = "", programme: int | None = None, sort: str = "silent") -> QuerySet[Twinning]:
    """The twinnings this person oversees, with their stored health, schools and the next open guidance step."""
    twinnings = twinnings_overseen_by(user).exclude(status=Twinning.Status.DECLINED)
    if state:
        twinnings = twinnings.filter(health__state=state)
    if programme:
        twinnings = twinnings.filter(programme_id=programme)
    return (
        twinnings.select_related("health", "health__quietest_school", "programme", "coordinator")
        .prefetch_related(
            Prefetch(
                "schools",
                queryset=TwinningSchool.objects.filter(status=TwinningSchool.Status.JOINED).select_related(
                    "school__country"
                ),
                to_attr="joined",
            ),
            Prefetch(
                "guidance",
                queryset=GuidanceEntry.objects.filter(kind=GuidanceEntry.Kind.NEXT_STEP, done=False).order_by(
                    "due_on", "pk"
                ),
                to_attr="open_steps",
            ),
        )
        .order_by(*SORTS.get(sort, SORTS["silent"]))
    )


def guidance_of(twinning: Twinning) -> QuerySet[GuidanceEntry]:
    return GuidanceEntry.objects.filter(twinning=twinning).select_related("author")
