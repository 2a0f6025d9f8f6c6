"""The schools a cohort run left without a partner: for each, its best possible partners and what
stopped each of them, and how many of the other schools each hard rule ruled out.

Plain Python over the engine's profiles (no ORM), run once by the background job with the run;
the review page reads the stored result and the coordinator pairs by hand from it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import datetime
from typing import TypedDict

from twinning.matching import engine

# The most unmatched schools explained in detail (the count of all of them is kept apart), and how
# many pairs per school the rule counts examine at most in a large cohort (sampled evenly).
DETAILED = 200
PAIRS_PER_SCHOOL = 5_000
BEST = 3

# What stopped a possible partner that no hard rule rules out.
BELOW_MINIMUM = "below_minimum"
PARTNER_FULL = "partner_full"  # every place it wants went to other schools in this run
POSSIBLE = "possible"  # both have room: the coordinator can pair them by hand


class Unmatched(TypedDict):
    key: str
    counts: dict[str, int]  # rule name (engine.Refusal, BELOW_MINIMUM, POSSIBLE…) → other schools
    best: list[tuple[str, float, str]]  # (partner key, fit, what stopped it), best first


def unmatched_report(
    left: list[engine.Profile],
    right: list[engine.Profile] | None,
    result: engine.Matching,
    *,
    when: datetime,
    forbidden: Iterable[tuple[str, str]],
    rules: engine.Rules,
    min_score: float,
) -> list[Unmatched]:
    one_pool = right is None
    everyone = left if right is None else left + right
    by_key = {p.key: p for p in everyone}
    left_keys = {p.key for p in left}
    used = Counter(key for pair in result.pairs for key in (pair.left, pair.right))
    room = {p.key: p.capacity - used[p.key] for p in everyone}
    schools = frozenset(forbidden)
    index_rules = engine.Rules(
        max_age_gap=rules.max_age_gap, other_country=rules.other_country or one_pool, forbidden=rules.forbidden
    )
    indexes: dict[bool, engine.SearchIndex] = {}

    def others_of(key: str) -> tuple[bool, list[engine.Profile]]:
        # The schools an unmatched school could pair with: the other side, or the whole pool.
        if one_pool or key not in left_keys:
            return True, left
        return False, right or []

    report: list[Unmatched] = []
    for key in result.unmatched[:DETAILED]:
        school = by_key[key]
        side, others = others_of(key)
        if side not in indexes:
            indexes[side] = engine.SearchIndex(others, when=when)
        counts = engine.diagnose(
            [school],
            others,
            when=when,
            forbidden=schools,
            rules=rules,
            min_score=min_score,
            limit=PAIRS_PER_SCHOOL,
            one_pool=one_pool,
        )
        settled = frozenset(b for a, b in schools if a == school.school) | frozenset(
            a for a, b in schools if b == school.school
        )
        found = indexes[side].search(school, limit=BEST, forbidden_schools=settled, rules=index_rules)
        best = []
        for partner, fit in found:
            if fit < min_score:
                stopped = BELOW_MINIMUM
            elif room.get(partner.key, 0) <= 0:
                stopped = PARTNER_FULL
            else:
                stopped = POSSIBLE
            best.append((partner.key, round(fit, 4), stopped))
        report.append({"key": key, "counts": counts, "best": best})
    return report
