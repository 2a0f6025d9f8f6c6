"""Reads for matching: profiles as the engine sees them, what is still open, the search index."""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from datetime import datetime

from django.conf import settings
from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone

from twinning.common.school_year import current_school_year
from twinning.matching.engine import Profile, SearchIndex
from twinning.matching.engine.vision import from_bytes
from twinning.matching.models import ProfileLanguage, Proposal, TwinningProfile
from twinning.matching.rules import can_run_cohorts, profile_school_ids, runs_for
from twinning.schools.models import SCHOOL_WEEK_DAYS, ValidationStatus


def _minutes(t) -> int:
    return t.hour * 60 + t.minute


def engine_profiles(profiles: QuerySet[TwinningProfile], *, taken: dict[int, int] | None = None) -> list[Profile]:
    """The engine's view of these profiles, in a fixed number of queries whatever their count.

    `taken` is the number of partners each profile already has; capacity is what remains.
    """
    rows = list(
        profiles.order_by("pk").values_list(
            "pk",
            "school_id",
            "school__country_id",
            "school__name",
            "age_from",
            "age_to",
            "time_zone",
            "school_week",
            "day_start",
            "day_end",
            "class_size",
            "capacity",
            "vision_vector",
        )
    )
    ids = [row[0] for row in rows]
    languages: dict[int, dict[str, int]] = defaultdict(dict)
    objectives: dict[int, set[str]] = defaultdict(set)
    themes: dict[int, set[str]] = defaultdict(set)
    wanted: dict[int, set[str]] = defaultdict(set)
    excluded: dict[int, set[str]] = defaultdict(set)
    through = TwinningProfile
    for chunk_start in range(0, len(ids), 20_000):
        chunk = ids[chunk_start : chunk_start + 20_000]
        for pid, code, level in ProfileLanguage.objects.filter(profile_id__in=chunk).values_list(
            "profile_id", "language_id", "level"
        ):
            languages[pid][code] = level
        for relation, target, column in (
            (through.objectives.through, objectives, "objective_id"),
            (through.themes.through, themes, "subject_id"),
            (through.wanted_countries.through, wanted, "country_id"),
            (through.excluded_countries.through, excluded, "country_id"),
        ):
            for pid, code in relation.objects.filter(twinningprofile_id__in=chunk).values_list(
                "twinningprofile_id", column
            ):
                target[pid].add(code)
    taken = taken or {}
    return [
        Profile(
            key=str(pk),
            school=str(school_id),
            country=country,
            label=name,
            age_from=age_from,
            age_to=age_to,
            languages=languages[pk],
            time_zone=zone,
            days=SCHOOL_WEEK_DAYS[week],
            day_start=_minutes(start),
            day_end=_minutes(end),
            class_size=size,
            capacity=max(0, capacity - taken.get(pk, 0)),
            objectives=frozenset(objectives[pk]),
            themes=frozenset(themes[pk]),
            wanted_countries=frozenset(wanted[pk]),
            excluded_countries=frozenset(excluded[pk]),
            vision=from_bytes(vector),
        )
        for pk, school_id, country, name, age_from, age_to, zone, week, start, end, size, capacity, vector in rows
    ]


def partners_taken(school_year: int) -> dict[int, int]:
    """How many accepted partnerships each profile of the year has."""
    taken: dict[int, int] = defaultdict(int)
    accepted = Proposal.objects.filter(status=Proposal.Status.ACCEPTED, left__school_year=school_year)
    for column in ("left_id", "right_id"):
        for pk, count in accepted.values_list(column).annotate(n=Count("pk")).values_list(column, "n"):
            taken[pk] += count
    return taken


def open_profiles(school_year: int) -> QuerySet[TwinningProfile]:
    """Profiles of validated schools that are looking this year."""
    return TwinningProfile.objects.filter(
        school_year=school_year, looking=True, school__status=ValidationStatus.VALIDATED
    )


def settled_school_pairs(school_year: int) -> set[tuple[str, str]]:
    """School pairs never to propose again this year: declined, already accepted, or waiting for an answer."""
    return {
        (str(a), str(b))
        for a, b in Proposal.objects.filter(
            left__school_year=school_year,
            status__in=[Proposal.Status.DECLINED, Proposal.Status.ACCEPTED, Proposal.Status.PENDING],
        ).values_list("left__school_id", "right__school_id")
    }


def schools_settled_with(school_id: int, school_year: int) -> frozenset[str]:
    rows = Proposal.objects.filter(
        Q(left__school_id=school_id) | Q(right__school_id=school_id),
        left__school_year=school_year,
        status__in=[Proposal.Status.DECLINED, Proposal.Status.ACCEPTED, Proposal.Status.PENDING],
    ).values_list("left__school_id", "right__school_id")
    return frozenset(str(x) for pair in rows for x in pair if x != school_id)


_index_lock = threading.Lock()
_indexes: dict[int, tuple[tuple, float, SearchIndex]] = {}


def _index_version(school_year: int, profiles: QuerySet[TwinningProfile]) -> tuple:
    looked = profiles.aggregate(n=Count("pk"), changed=Max("updated_at"))
    answered = Proposal.objects.filter(left__school_year=school_year).aggregate(
        n=Count("pk"), decided=Max("decided_at"), made=Max("created_at")
    )
    return tuple(looked.values()) + tuple(answered.values())


def search_index(school_year: int, *, when: datetime | None = None) -> SearchIndex:
    """The in-memory index of the year's open profiles with room.

    It is checked for changes at most every `MATCHING_INDEX_MAX_AGE` seconds and rebuilt only when
    something changed; results are checked against the database before they are shown
    (`still_open`), so a slightly older index never offers a school that stopped looking.
    """
    max_age = getattr(settings, "MATCHING_INDEX_MAX_AGE", 30)
    now = time.monotonic()
    with _index_lock:
        cached = _indexes.get(school_year)
    if cached and now - cached[1] < max_age:
        return cached[2]
    profiles = open_profiles(school_year)
    version = _index_version(school_year, profiles)
    if cached and cached[0] == version:
        with _index_lock:
            _indexes[school_year] = (version, now, cached[2])
        return cached[2]
    taken = partners_taken(school_year)
    people = [p for p in engine_profiles(profiles, taken=taken) if p.capacity > 0]
    programmes = defaultdict(set)
    for pk, programme in profiles.filter(programme__isnull=False).values_list("pk", "programme__slug"):
        programmes[str(pk)].add(programme)
    index = SearchIndex(
        people,
        when=when or timezone.now(),
        programmes=[frozenset(programmes.get(p.key, ())) for p in people],
    )
    with _index_lock:
        _indexes[school_year] = (version, now, index)
    return index


def still_open(pks: list[int], school_year: int) -> set[int]:
    """Which of these profiles are, right now, looking with room for another partner."""
    rows = dict(open_profiles(school_year).filter(pk__in=pks).values_list("pk", "capacity"))
    accepted = Proposal.objects.filter(status=Proposal.Status.ACCEPTED).filter(Q(left_id__in=pks) | Q(right_id__in=pks))
    taken: dict[int, int] = defaultdict(int)
    for left, right in accepted.values_list("left_id", "right_id"):
        taken[left] += 1
        taken[right] += 1
    return {pk for pk, capacity in rows.items() if taken[pk] < capacity}


def profiles_by_pk(pks) -> dict[int, TwinningProfile]:
    return TwinningProfile.objects.select_related("school__country").in_bulk(list(pks))


def partner_summary_for(user) -> dict | None:
    """What a teacher's or principal's dashboard shows about partners this year (a few queries)."""
    summary: dict = {}
    schools = profile_school_ids(user)
    if schools:
        year = current_school_year()
        summary["profile"] = (
            TwinningProfile.objects.filter(school_id__in=schools, school_year=year).select_related("school").first()
        )
        waiting = Proposal.objects.filter(status=Proposal.Status.PENDING, left__school_year=year)
        summary["to_answer"] = waiting.filter(
            Q(right__school_id__in=schools, right_accepted=False) | Q(left__school_id__in=schools, left_accepted=False)
        ).count()
        summary["accepted"] = (
            Proposal.objects.filter(status=Proposal.Status.ACCEPTED, left__school_year=year)
            .filter(Q(left__school_id__in=schools) | Q(right__school_id__in=schools))
            .count()
        )
    if can_run_cohorts(user):
        summary["last_run"] = runs_for(user).first()
    return summary or None
