"""Reads for the caseload dashboard, and schools' responsiveness for the pages below (see apps.py)."""

from collections import defaultdict
from datetime import UTC, datetime
from statistics import median

from django.db.models import DateTimeField, F, IntegerField, Prefetch, QuerySet, Value
from django.db.models.functions import Coalesce

from twinning.common.prepared import MAX_LIST, PreparedRead
from twinning.coordination.models import GuidanceEntry, TwinningHealth
from twinning.twinnings.models import Twinning, TwinningSchool
from twinning.twinnings.rules import twinnings_overseen_by

# Each sort of the caseload: the expression it sorts by (a twinning whose health is not checked yet has none, so it
# comes last: the counts' -1 and the meeting's end of time) and the keys it pages by (`common.keyset`). The sort by
# health is over a join, so no index serves it: the database sorts the person's caseload (a big country's is some
# thousands of twinnings, as many short rows) and reads one page of it, with no count and no offset.
_NEVER = datetime(9999, 12, 31, tzinfo=UTC)
SORTS: dict[str, tuple[object, tuple[str, ...]]] = {
    "silent": (Coalesce(F("health__silent_days"), Value(-1), output_field=IntegerField()), ("-sort_key", "pk")),
    "next_meeting": (
        Coalesce(F("health__next_meeting"), Value(_NEVER), output_field=DateTimeField()),
        ("sort_key", "pk"),
    ),
    "overdue": (Coalesce(F("health__overdue"), Value(-1), output_field=IntegerField()), ("-sort_key", "pk")),
    "recent": (F("changed_at"), ("-sort_key", "-pk")),
}


def caseload_keys(sort: str) -> tuple[str, ...]:
    """The keys the caseload in this sort pages by."""
    return SORTS.get(sort, SORTS["silent"])[1]


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
        .annotate(sort_key=SORTS.get(sort, SORTS["silent"])[0])
        .order_by(*caseload_keys(sort))
    )


def guidance_of(twinning: Twinning) -> QuerySet[GuidanceEntry]:
    return GuidanceEntry.objects.filter(twinning=twinning).select_related("author")


# Read for a partner search's results on every search: compiled once per length of the list (common.prepared).
_HEALTH_OF = PreparedRead(
    lambda school_ids: (
        TwinningHealth.objects.filter(twinning__schools__school_id__in=school_ids)
        .distinct()
        .values_list("answer_hours", "last_activity")
    )
)


def responsiveness_of(school_ids) -> dict[int, tuple[float | None, datetime | None]]:
    """For each school, from the stored health of its twinnings: the median of the times it took to
    answer its partners (hours; None when it has not answered yet) and when it was last active."""
    wanted = {int(pk) for pk in school_ids}
    hours: dict[int, list[float]] = defaultdict(list)
    last: dict[int, datetime] = {}
    ids = sorted(wanted)
    rows = _HEALTH_OF.rows(ids) if len(ids) <= MAX_LIST else _HEALTH_OF.build(ids)
    for answer_hours, last_activity in rows:
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
