"""Profiles and cohorts the engine's tests share: hand-made schools with known answers, and hypothesis
strategies for random cohorts (`test_engine.py`, `test_engine_rules.py`, `test_engine_fairness.py`)."""

from dataclasses import replace
from datetime import UTC, datetime

import pytest
from hypothesis import strategies as st

from twinning.matching.engine import Profile, Rules, score_pair

# A Monday in November: Israel is on UTC+2 and England on UTC+0.
NOVEMBER = datetime(2026, 11, 23, 12, tzinfo=UTC)
# A Monday in June: Israel on UTC+3, England on UTC+1 (both on summer time).
JUNE = datetime(2026, 6, 15, 12, tzinfo=UTC)
# Israeli timetable, Sunday to Friday 08:00–14:00 local; English, Monday to Friday 08:00–15:00.
ISRAELI_WEEK = (7, 1, 2, 3, 4, 5)
ENGLISH_WEEK = (1, 2, 3, 4, 5)


def israeli(key: str, **fields) -> Profile:
    defaults = {
        "key": key,
        "school": key,
        "country": "IL",
        "age_from": 10,
        "age_to": 12,
        "languages": {"he": 3, "en": 2},
        "time_zone": "Asia/Jerusalem",
        "days": ISRAELI_WEEK,
        "day_start": 8 * 60,
        "day_end": 14 * 60,
        "objectives": frozenset({"identity", "heritage"}),
        "themes": frozenset({"history"}),
        "class_size": 25,
    }
    return Profile(**(defaults | fields))


def english(key: str, **fields) -> Profile:
    defaults = {
        "key": key,
        "school": key,
        "country": "GB",
        "age_from": 10,
        "age_to": 12,
        "languages": {"en": 3},
        "time_zone": "Europe/London",
        "days": ENGLISH_WEEK,
        "day_start": 8 * 60,
        "day_end": 15 * 60,
        "objectives": frozenset({"identity", "heritage"}),
        "themes": frozenset({"history"}),
        "class_size": 25,
    }
    return Profile(**(defaults | fields))


# The cast of the known-answer cases. Every pair of them shares the same timetable (20 hours a
# week, a full fit: see test_score_pair_timetable_counts_shared_utc_hours), English at level 2
# (0.75), the history theme (1), a class-size band (both 25 pupils: 1) and has no wish list (1).
# Only objectives and ages differ:
#
#                      objectives                    ages
#   IL_A–GB_A   {id, her}·{id, her}   = 1        10–12·10–12 = 1
#   IL_B–GB_B   {id, her}·{id, sci}   = 1/2      13–15·13–15 = 1
#   IL_A–GB_B   {id, her}·{id, sci}   = 1/2      10–12·13–15 = 0
#   IL_B–GB_A   {id, her}·{id, her}   = 1        13–15·10–12 = 0
#
# Common part: language 0.20·0.75 + themes 0.15·1 + timetable 0.10·1 + size 0.05·1
# + preferences 0.05·1 = 0.15 + 0.15 + 0.10 + 0.05 + 0.05 = 0.50. So:
#   IL_A–GB_A = 0.25·1   + 0.20·1 + 0.50 = 0.950
#   IL_B–GB_B = 0.25·1/2 + 0.20·1 + 0.50 = 0.825
#   IL_A–GB_B = 0.25·1/2 + 0.20·0 + 0.50 = 0.625
#   IL_B–GB_A = 0.25·1   + 0.20·0 + 0.50 = 0.750
IL_A = israeli("il-a")
IL_B = israeli("il-b", age_from=13, age_to=15)
GB_A = english("gb-a")
GB_B = english("gb-b", age_from=13, age_to=15, objectives=frozenset({"identity", "science"}))


def pairs_of(matching) -> set[tuple[str, str]]:
    return {(pair.left, pair.right) for pair in matching.pairs}


COUNTRIES = ("IL", "GB", "FR", "US")
LANGUAGES = ("he", "en", "fr", "ar")
TIME_ZONES = ("Asia/Jerusalem", "Europe/London", "Europe/Paris", "America/New_York", "Asia/Kathmandu", "UTC")
OBJECTIVES = ("identity", "heritage", "science", "arts")
THEMES = ("history", "music", "maths")
# Strategies are built once: building them inside each draw costs more than the tests themselves.
FIELDS = st.fixed_dictionaries(
    {
        "country": st.sampled_from(COUNTRIES),
        "school_number": st.integers(0, 2),
        "age_from": st.integers(0, 20),
        "age_to": st.integers(0, 27),  # clipped, and sometimes below age_from
        "languages": st.dictionaries(st.sampled_from(LANGUAGES), st.integers(1, 3), max_size=3),
        "time_zone": st.sampled_from(TIME_ZONES),
        "days": st.sets(st.integers(1, 7), max_size=7),
        "day_start": st.integers(6 * 60, 10 * 60),
        "day_length": st.integers(0, 9 * 60),
        "objectives": st.frozensets(st.sampled_from(OBJECTIVES), max_size=3),
        "themes": st.frozensets(st.sampled_from(THEMES), max_size=3),
        "class_size": st.none() | st.integers(1, 45),
        "capacity": st.integers(0, 3),
        "wanted_countries": st.frozensets(st.sampled_from(COUNTRIES), max_size=2),
        "excluded_countries": st.frozensets(st.sampled_from(COUNTRIES), max_size=1),
    }
)


def make_profile(key: str, fields: dict, *, max_capacity: int = 3) -> Profile:
    fields = dict(fields)
    school_number, day_length = fields.pop("school_number"), fields.pop("day_length")
    return Profile(
        key=key,
        # A school lies in one country; a few classes of one school can look for partners.
        school=f"{fields['country']}-{school_number}",
        **(
            fields
            | {
                "days": tuple(sorted(fields["days"])),
                "day_end": fields["day_start"] + day_length,
                "capacity": min(fields["capacity"], max_capacity),
            }
        ),
    )


def sides(prefix: str, *, max_size: int = 12, max_capacity: int = 3):
    return st.lists(FIELDS, min_size=1, max_size=max_size).map(
        lambda many: [make_profile(f"{prefix}{i}", f, max_capacity=max_capacity) for i, f in enumerate(many)]
    )


LEFT, RIGHT, POOL = sides("L"), sides("R"), sides("P")
TINY_LEFT, TINY_RIGHT = sides("L", max_size=4, max_capacity=2), sides("R", max_size=4, max_capacity=2)
QUERY = FIELDS.map(lambda fields: make_profile("query", fields))
MOMENTS = st.sampled_from((NOVEMBER, JUNE))


def unblocked(b: Profile) -> Profile:
    """`b` under a school name of its own, to see the score before school-level exclusions."""
    return replace(b, school=f"elsewhere:{b.key}")


def assert_valid_pairing(result, left, right, *, when, forbidden, one_pool=False, rules=None):
    """Every pair allowed and scored as the reference scores it, every school within its capacity."""
    by_key = {p.key: p for p in left + right}
    seen = set()
    for pair in result.pairs:
        a, b = by_key[pair.left], by_key[pair.right]
        verdict = score_pair(a, b, when=when, one_pool=one_pool, forbidden=frozenset(forbidden), rules=rules or Rules())
        assert verdict.refusal is None
        assert a.school != b.school
        assert pair.score == pytest.approx(verdict.score, abs=1e-5)
        assert frozenset((pair.left, pair.right)) not in seen
        seen.add(frozenset((pair.left, pair.right)))
    if not one_pool:
        assert {pair.left for pair in result.pairs} <= {p.key for p in left}
        assert {pair.right for pair in result.pairs} <= {p.key for p in right}
    uses = {}
    for pair in result.pairs:
        for key in (pair.left, pair.right):
            uses[key] = uses.get(key, 0) + 1
    assert {key: n for key, n in uses.items() if n > by_key[key].capacity} == {}
    assert result.unmatched == [p.key for p in left + right if p.capacity > 0 and p.key not in uses]
