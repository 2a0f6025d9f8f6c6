"""Reads for twinnings."""

from collections import defaultdict
from collections.abc import Iterable

from twinning.common.prepared import PreparedRead
from twinning.twinnings.models import Twinning, TwinningSchool


def recent_twinnings_for(user, *, limit: int = 10) -> list[Twinning]:
    """The twinnings the person takes part in, most recently changed first."""
    return list(
        Twinning.objects.filter(memberships__user=user, memberships__active=True).order_by("-changed_at")[:limit]
    )


# A partner search asks for one school's pairs on every request: compiled once (common.prepared).
_SCHOOLS_TWINNED_WITH = PreparedRead(
    lambda school_id, school_year: TwinningSchool.objects.filter(
        twinning__school_year=school_year,
        twinning__in=TwinningSchool.objects.filter(school_id=school_id).values("twinning_id"),
    ).values_list("twinning_id", "school_id"),
    values=1,
)


def twinned_school_pairs(school_year: int, *, school_id: int | None = None) -> list[tuple[int, int]]:
    """Every two schools that share a twinning of the school year (whatever became of it or of them),
    only those with `school_id` when it is given: they are never proposed to each other again that year.
    Two queries at most, whatever the number of twinnings."""
    rows: Iterable[tuple[int, int]]
    if school_id is None:
        rows = TwinningSchool.objects.filter(twinning__school_year=school_year).values_list("twinning_id", "school_id")
    else:
        rows = _SCHOOLS_TWINNED_WITH.rows(school_id, school_year)
    by_twinning: dict[int, list[int]] = defaultdict(list)
    for twinning_id, school in rows:
        by_twinning[twinning_id].append(school)
    return [
        (a, b)
        for schools in by_twinning.values()
        for i, a in enumerate(schools)
        for b in schools[i + 1 :]
        if school_id is None or school_id in (a, b)
    ]
