"""Reads for twinnings."""

from collections import defaultdict

from twinning.twinnings.models import Twinning, TwinningSchool


def recent_twinnings_for(user, *, limit: int = 10) -> list[Twinning]:
    """The twinnings the person takes part in, most recently changed first."""
    return list(
        Twinning.objects.filter(memberships__user=user, memberships__active=True).order_by("-changed_at")[:limit]
    )


def twinned_school_pairs(school_year: int, *, school_id: int | None = None) -> list[tuple[int, int]]:
    """Every two schools that share a twinning of the school year (whatever became of it or of them),
    only those with `school_id` when it is given: they are never proposed to each other again that year.
    Two queries at most, whatever the number of twinnings."""
    rows = TwinningSchool.objects.filter(twinning__school_year=school_year)
    if school_id is not None:
        rows = rows.filter(twinning__in=TwinningSchool.objects.filter(school_id=school_id).values("twinning_id"))
    by_twinning: dict[int, list[int]] = defaultdict(list)
    for twinning_id, school in rows.values_list("twinning_id", "school_id"):
        by_twinning[twinning_id].append(school)
    return [
        (a, b)
        for schools in by_twinning.values()
        for i, a in enumerate(schools)
        for b in schools[i + 1 :]
        if school_id is None or school_id in (a, b)
    ]
