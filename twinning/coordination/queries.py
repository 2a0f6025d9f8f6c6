"""Reads for the caseload dashboard, and schools' responsiveness for the pages below (see apps.py)."""

from collections import defaultdict
from datetime import datetime
from statistics import median

from django.db.models import F, OrderBy, Prefetch, QuerySet

from twinning.coordination.models import GuidanceEntry, TwinningHealth
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


def responsiveness_of(school_ids) -> dict[int, tuple[float | None, datetime | None]]:
    """For each school, from the stored health of its twinnings: the median of the times it took to
    answer its partners (hours; None when it has not answered yet) and when it was last active."""
    wanted = {int(pk) for pk in school_ids}
    hours: dict[int, list[float]] = defaultdict(list)
    last: dict[int, datetime] = {}
    rows = TwinningHealth.objects.filter(twinning__schools__school_id__in=wanted).distinct()
    for answer_hours, last_activity in rows.values_list("answer_hours", "last_activity"):
        for key, value in (answer_hours or {}).items():
            if int(key) in wanted:
                hours[int(key)].append(value)
        for key, at in (last_activity or {}).items():
            if int(key) in wanted and at:
                moment = datetime.fromisoformat(at)
                if int(key) not in last or moment > last[int(key)]:
                    last[int(key)] = moment
    return {
        pk: (round(median(hours[pk]), 1) if hours[pk] else None, last.get(pk))
        for pk in wanted
        if hours[pk] or pk in last
    }
