"""Fairness (maximin, a guaranteed fit) and re-solving a scored cohort after pins and forbids."""

from itertools import combinations

import pytest
from hypothesis import HealthCheck, given, settings

from twinning.matching.engine import Rules, match, score_pair
from twinning.matching.engine.assign import Cohort, MatchingError
from twinning.matching.engine.synthetic import varied_pool, varied_two_sides
from twinning.matching.tests.engine_cases import (
    GB_A,
    GB_B,
    IL_A,
    IL_B,
    LEFT,
    MOMENTS,
    NOVEMBER,
    POOL,
    RIGHT,
    TINY_LEFT,
    TINY_RIGHT,
    assert_valid_pairing,
    pairs_of,
)

FEW = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FEW
@given(left=LEFT, right=RIGHT, when=MOMENTS)
def test_maximin_worst_fit_is_at_least_the_plain_one_and_as_many_are_matched(left, right, when):
    plain = match(left, right, when=when)
    fair = match(left, right, when=when, objective="maximin")

    assert_valid_pairing(fair, left, right, when=when, forbidden=[])
    assert fair.worst >= plain.worst - 1e-6
    assert fair.matched >= plain.matched
    report = fair.fairness
    assert report is not None and report.objective == "maximin"
    assert (report.plain_total, report.plain_worst, report.plain_matched) == pytest.approx(
        (plain.total, plain.worst, plain.matched), abs=1e-4
    )
    assert (report.total, report.worst, report.matched) == pytest.approx((fair.total, fair.worst, fair.matched))
    assert report.cost == pytest.approx(plain.total - fair.total, abs=1e-4)
    assert report.gain >= -1e-6


@FEW
@given(everyone=POOL, when=MOMENTS)
def test_maximin_in_one_pool_never_lowers_the_worst_fit(everyone, when):
    plain = match(everyone, when=when)
    fair = match(everyone, when=when, objective="maximin")

    assert_valid_pairing(fair, everyone, [], when=when, forbidden=[], one_pool=True)
    assert fair.worst >= plain.worst - 1e-6
    assert fair.matched >= plain.matched


def best_worst_fit(left, right, *, when, matched: int) -> float:
    """By exhaustion: the highest lowest-pair score of any pairing giving `matched` schools a partner."""
    edges = [
        (a, b, verdict.score)
        for a in left
        for b in right
        if (verdict := score_pair(a, b, when=when)).refusal is None and a.capacity and b.capacity
    ]
    best = 0.0
    for size in range(1, len(edges) + 1):
        for chosen in combinations(edges, size):
            uses: dict[str, int] = {}
            for a, b, _ in chosen:
                uses[a.key] = uses.get(a.key, 0) + 1
                uses[b.key] = uses.get(b.key, 0) + 1
            capacity = {p.key: p.capacity for p in left + right}
            if any(n > capacity[key] for key, n in uses.items()) or len(uses) < matched:
                continue
            best = max(best, min(score for _, _, score in chosen))
    return best


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(left=TINY_LEFT, right=TINY_RIGHT, when=MOMENTS)
def test_maximin_equals_brute_force_on_tiny_cohorts(left, right, when):
    plain = match(left, right, when=when, k=None)
    fair = match(left, right, when=when, k=None, objective="maximin")

    if plain.pairs:
        assert fair.worst == pytest.approx(best_worst_fit(left, right, when=when, matched=plain.matched), abs=1e-5)


def test_maximin_on_varied_schools_raises_the_worst_fit_for_some_total():
    left, right = varied_two_sides(300, seed=4, visions=False)

    plain = match(left, right, when=NOVEMBER)
    fair = match(left, right, when=NOVEMBER, objective="maximin")

    report = fair.fairness
    assert report is not None
    assert report.gain > 0.05  # a real gain for the worst-off school…
    assert 0 <= report.cost < 0.05 * plain.total  # …for a small share of the total
    assert fair.matched >= plain.matched


def test_min_fit_guarantees_every_pair_that_fit():
    everyone = varied_pool(300, seed=6, visions=False)
    plain = match(everyone, when=NOVEMBER)
    floor = sorted(pair.score for pair in plain.pairs)[len(plain.pairs) // 10]

    fair = match(everyone, when=NOVEMBER, min_fit=floor)

    assert fair.pairs and min(pair.score for pair in fair.pairs) >= floor - 1e-6
    assert fair.fairness is not None and fair.fairness.objective == "floor"
    assert fair.fairness.threshold == floor


def test_unknown_objective_is_refused():
    with pytest.raises(MatchingError, match="objective"):
        match([IL_A], [GB_A], when=NOVEMBER, objective="fairest")


# Re-solving a scored cohort.


def test_resolve_with_a_pin_equals_a_fresh_run_with_it():
    cohort = Cohort.build([IL_A, IL_B], [GB_A, GB_B], when=NOVEMBER, k=None)

    assert pairs_of(cohort.solve()) == {("il-a", "gb-a"), ("il-b", "gb-b")}
    pinned = cohort.solve(pinned=[("il-a", "gb-b")])
    assert pairs_of(pinned) == {("il-a", "gb-b"), ("il-b", "gb-a")}
    assert pinned.total == pytest.approx(1.375, abs=1e-5)


def test_resolve_with_a_forbid_never_proposes_it():
    cohort = Cohort.build([IL_A, IL_B], [GB_A, GB_B], when=NOVEMBER, k=None)

    by_key = cohort.solve(forbidden_keys=[("gb-b", "il-b")])
    by_school = cohort.solve(forbidden=[("il-b", "gb-b")])

    assert pairs_of(by_key) == pairs_of(by_school) == {("il-a", "gb-b"), ("il-b", "gb-a")}


@FEW
@given(left=LEFT, right=RIGHT, when=MOMENTS)
def test_resolve_after_pins_and_forbids_matches_a_fresh_exact_run(left, right, when):
    cohort = Cohort.build(left, right, when=when, k=None)
    allowed = [
        (a.key, b.key)
        for a in left
        for b in right
        if a.capacity and b.capacity and score_pair(a, b, when=when).refusal is None
    ]
    pin, forbid = allowed[:1], allowed[1:3]

    again = cohort.solve(pinned=pin, forbidden_keys=forbid)
    fresh = match(left, right, when=when, k=None, pinned=pin, rules=Rules.forbidding(forbid))

    assert again.total == pytest.approx(fresh.total, abs=1e-4)
    assert set(pin) <= pairs_of(again)
    assert not set(forbid) & pairs_of(again)


def test_resolve_in_one_pool_keeps_the_pin_and_drops_the_forbidden_pair():
    everyone = varied_pool(200, seed=8, visions=False)
    cohort = Cohort.build(everyone, when=NOVEMBER)
    first = cohort.solve()
    kept, dropped = first.pairs[0], first.pairs[1]

    again = cohort.solve(pinned=[(kept.left, kept.right)], forbidden_keys=[(dropped.left, dropped.right)])

    assert (kept.left, kept.right) in pairs_of(again)
    assert {(dropped.left, dropped.right), (dropped.right, dropped.left)}.isdisjoint(pairs_of(again))
    assert_valid_pairing(
        again,
        everyone,
        [],
        when=NOVEMBER,
        forbidden=[],
        one_pool=True,
        rules=Rules.forbidding([(dropped.left, dropped.right)]),
    )
