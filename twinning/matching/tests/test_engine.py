"""The matching engine: known answers worked out by hand, and properties over random cohorts.

`profiles.score_pair` is the reference: the vectorised scoring, the search index and every
pairing the solver returns must agree with it.
"""

from dataclasses import replace
from functools import cache
from itertools import combinations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from twinning.matching.engine import WEIGHTS, Profile, Refusal, SearchIndex, match, score_pair
from twinning.matching.engine.scoring import Side, Vocabulary, all_scores
from twinning.matching.engine.search import Filters
from twinning.matching.tests.engine_cases import (
    COUNTRIES,
    GB_A,
    GB_B,
    IL_A,
    IL_B,
    JUNE,
    LEFT,
    MOMENTS,
    NOVEMBER,
    POOL,
    QUERY,
    RIGHT,
    TINY_LEFT,
    TINY_RIGHT,
    assert_valid_pairing,
    english,
    israeli,
    pairs_of,
    unblocked,
)

SCORES = {("il-a", "gb-a"): 0.950, ("il-b", "gb-b"): 0.825, ("il-a", "gb-b"): 0.625, ("il-b", "gb-a"): 0.750}


# Known answers: one pair's score, part by part.


def test_weights_are_the_ones_the_hand_arithmetic_uses():
    assert WEIGHTS == {
        "objectives": 0.25,
        "ages": 0.20,
        "language": 0.20,
        "themes": 0.15,
        "timetable": 0.10,
        "class_size": 0.05,
        "preferences": 0.05,
    }


def test_score_pair_cast_scores_match_hand_arithmetic():
    by_key = {p.key: p for p in (IL_A, IL_B, GB_A, GB_B)}

    scores = {(a, b): score_pair(by_key[a], by_key[b], when=NOVEMBER).score for a, b in SCORES}

    assert scores == pytest.approx(SCORES)


def test_score_pair_parts_for_overlapping_ages_and_shared_english():
    a = israeli("a", age_from=10, age_to=12)
    b = english("b", age_from=11, age_to=13, objectives=frozenset({"identity"}), themes=frozenset(), class_size=12)

    result = score_pair(a, b, when=NOVEMBER)

    # Ages {10, 11, 12} and {11, 12, 13}: 2 years in common, cosine 2/√(3·3) = 2/3.
    # Objectives {identity, heritage}·{identity}: 1/√(2·1). Themes: b has none, so 0.
    # Class sizes 25 (band 3: 21–25) and 12 (band 1: 11–15): two bands apart, 1 − 0.4·2 = 0.2.
    assert result.refusal is None
    assert result.parts == pytest.approx(
        {
            "objectives": 1 / np.sqrt(2),
            "ages": 2 / 3,
            "language": 0.75,
            "themes": 0.0,
            "timetable": 1.0,
            "class_size": 0.2,
            "preferences": 1.0,
        }
    )
    assert result.facts["ages"] == 2
    assert result.facts["language"] == "en"
    assert result.facts["language_level"] == 2
    # 0.25·0.7071 + 0.20·2/3 + 0.20·0.75 + 0 + 0.10 + 0.05·0.2 + 0.05 = 0.6251
    assert result.score == pytest.approx(0.25 / np.sqrt(2) + 0.2 * 2 / 3 + 0.15 + 0.1 + 0.01 + 0.05)


def test_score_pair_timetable_counts_shared_utc_hours():
    # November: Israel 08:00–14:00 at UTC+2 is 06:00–12:00 UTC; England 08:00–15:00 at UTC+0.
    # In common: 08:00–12:00 UTC on Monday to Friday = 4 h · 5 days = 20 h, more than the 3 h a
    # full fit needs. Israel's Sunday has no English school day beside it.
    result = score_pair(IL_A, GB_A, when=NOVEMBER)

    assert result.facts["shared_hours"] == 20.0
    assert result.facts["shared_days"] == 5
    assert result.parts["timetable"] == 1.0


def test_score_pair_timetable_on_sunday_has_no_overlap():
    sunday_only = israeli("sunday", days=(7,))

    result = score_pair(sunday_only, GB_A, when=NOVEMBER)

    assert result.facts["shared_hours"] == 0.0
    assert result.facts["shared_days"] == 0
    assert result.parts["timetable"] == 0.0


def test_score_pair_timetable_partial_fit_follows_daylight_saving():
    # Israel 08:00–10:30 local. November: 06:00–08:30 UTC against England's 08:00–15:00 UTC,
    # half an hour a day. June: 05:00–07:30 UTC against 07:00–14:00 UTC, half an hour again.
    # 0.5 h · 5 days = 2.5 h of the 3 h a full fit needs: 5/6.
    early = israeli("early", day_end=10 * 60 + 30)

    for when in (NOVEMBER, JUNE):
        result = score_pair(early, GB_A, when=when)
        assert result.facts["shared_hours"] == 2.5
        assert result.parts["timetable"] == pytest.approx(5 / 6)


def test_score_pair_no_common_language_is_refused():
    hebrew_only = israeli("hebrew-only", languages={"he": 3})

    result = score_pair(hebrew_only, GB_A, when=NOVEMBER)

    assert result.refusal == Refusal.NO_LANGUAGE
    assert result.score == 0.0


def test_score_pair_weaker_side_sets_language_level():
    basic = israeli("basic", languages={"he": 3, "en": 1, "fr": 3})
    french = english("french", languages={"en": 3, "fr": 2})

    result = score_pair(basic, french, when=NOVEMBER)

    # English: min(1, 3) = basic, 0.5. French: min(3, 2) = good, 0.75. The better one counts.
    assert result.facts["language"] == "fr"
    assert result.parts["language"] == 0.75


# Known answers: cohorts.


def test_match_two_by_two_pairs_by_age_and_objectives():
    result = match([IL_A, IL_B], [GB_A, GB_B], when=NOVEMBER, k=None)

    # Straight: 0.950 + 0.825 = 1.775; crossed: 0.625 + 0.750 = 1.375.
    assert pairs_of(result) == {("il-a", "gb-a"), ("il-b", "gb-b")}
    assert result.total == pytest.approx(1.775, abs=1e-5)
    assert result.unmatched == []


def test_match_default_k_finds_the_same_optimum():
    result = match([IL_A, IL_B], [GB_A, GB_B], when=NOVEMBER)

    assert pairs_of(result) == {("il-a", "gb-a"), ("il-b", "gb-b")}


def test_match_forbidden_school_pair_is_never_matched():
    forbidden = [("il-b", "gb-b")]

    result = match([IL_A, IL_B], [GB_A, GB_B], when=NOVEMBER, forbidden=forbidden)
    baseline = match([IL_A, IL_B], [GB_A, GB_B], when=NOVEMBER, forbidden=forbidden, method="greedy")

    # Without il-b–gb-b, the crossed pairing (0.625 + 0.750 = 1.375) beats il-a–gb-a alone
    # (0.950), which is where best-edge-first stops.
    assert pairs_of(result) == {("il-a", "gb-b"), ("il-b", "gb-a")}
    assert result.total == pytest.approx(1.375, abs=1e-5)
    assert pairs_of(baseline) == {("il-a", "gb-a")}
    assert baseline.total == pytest.approx(0.950, abs=1e-5)


def test_match_forbidden_pair_is_never_matched_either_way_round():
    result = match([IL_A], [GB_A], when=NOVEMBER, forbidden=[("gb-a", "il-a")])

    assert result.pairs == []
    assert result.unmatched == ["il-a", "gb-a"]


def test_match_school_without_common_language_stays_unmatched():
    hebrew_only = israeli("hebrew-only", languages={"he": 3})

    result = match([IL_A, hebrew_only], [GB_A, GB_B], when=NOVEMBER, k=None)

    assert pairs_of(result) == {("il-a", "gb-a")}
    assert result.unmatched == ["hebrew-only", "gb-b"]


def test_match_excluded_country_is_never_matched():
    no_israel = english("gb-a", excluded_countries=frozenset({"IL"}))
    assert score_pair(IL_A, no_israel, when=NOVEMBER).refusal == Refusal.EXCLUDED_COUNTRY

    result = match([IL_A, IL_B], [no_israel, GB_B], when=NOVEMBER, k=None)

    # Only gb-b is left to share: il-b (0.825) rather than il-a (0.625).
    assert pairs_of(result) == {("il-b", "gb-b")}


def test_match_excluding_side_can_be_either():
    result = match([israeli("il-a", excluded_countries=frozenset({"GB"}))], [GB_A], when=NOVEMBER)

    assert result.pairs == []


def test_match_pinned_pair_is_kept():
    result = match([IL_A, IL_B], [GB_A, GB_B], when=NOVEMBER, pinned=[("il-a", "gb-b")])

    # il-a–gb-b is kept (0.625), so il-b takes gb-a (0.750).
    assert pairs_of(result) == {("il-a", "gb-b"), ("il-b", "gb-a")}
    assert [pair.pinned for pair in result.pairs if pair.left == "il-a"] == [True]
    assert result.total == pytest.approx(1.375, abs=1e-5)


def test_match_capacity_two_takes_both_partners():
    busy = replace(IL_A, capacity=2)

    result = match([busy], [GB_A, GB_B], when=NOVEMBER)

    assert pairs_of(result) == {("il-a", "gb-a"), ("il-a", "gb-b")}
    assert result.total == pytest.approx(0.950 + 0.625, abs=1e-5)


def test_match_capacity_one_takes_the_better_partner():
    result = match([IL_A], [GB_A, GB_B], when=NOVEMBER)

    assert pairs_of(result) == {("il-a", "gb-a")}


def test_match_same_school_on_both_sides_is_never_paired():
    # The same school's two classes, one on each side, would be a perfect fit but for the school.
    year_6 = israeli("il-a-year-6", school="il-a")
    assert score_pair(IL_A, year_6, when=NOVEMBER).refusal == Refusal.SAME_SCHOOL

    for k in (None, 12):
        assert match([IL_A], [year_6], when=NOVEMBER, k=k).pairs == []


def test_pool_same_school_is_never_paired():
    year_6 = israeli("il-a-year-6", school="il-a")
    assert score_pair(IL_A, year_6, when=NOVEMBER, one_pool=True).refusal == Refusal.SAME_SCHOOL

    for k in (None, 12):
        assert match([IL_A, year_6], when=NOVEMBER, k=k).pairs == []


def test_pool_same_school_is_never_paired_even_when_its_profiles_name_two_countries():
    # Inconsistent data (one school, two countries) must not slip past the same-country rule.
    abroad = english("il-a-abroad", school="il-a")
    assert score_pair(IL_A, abroad, when=NOVEMBER, one_pool=True).refusal == Refusal.SAME_SCHOOL

    for k in (None, 12):
        assert match([IL_A, abroad], when=NOVEMBER, k=k).pairs == []


def test_pool_never_pairs_two_schools_of_one_country():
    # il-a and its twin would score 1.0 together, but they are both Israeli.
    twin = israeli("il-a-twin")
    everyone = [IL_A, twin, IL_B, GB_A, GB_B]

    result = match(everyone, when=NOVEMBER, k=None)

    by_key = {p.key: p for p in everyone}
    assert {by_key[pair.left].country != by_key[pair.right].country for pair in result.pairs} == {True}
    # il-a or its twin with gb-a (0.950), il-b with gb-b (0.825).
    assert result.total == pytest.approx(1.775, abs=1e-5)
    assert result.total <= result.upper_bound + 1e-6


# Known answers: the search index.


def test_search_filters_by_country_and_orders_best_first():
    french = english("fr-a", country="FR", time_zone="Europe/Paris", languages={"fr": 3, "en": 3})
    index = SearchIndex([GB_A, GB_B, french, IL_B], when=NOVEMBER)

    everyone = index.search(IL_A)
    english_only = index.search(IL_A, Filters(countries=frozenset({"GB"})))

    assert [p.key for p, _ in english_only] == ["gb-a", "gb-b"]
    assert [score for _, score in english_only] == pytest.approx([0.950, 0.625], abs=1e-5)
    # fr-a scores as gb-a does (Paris 07:00–14:00 UTC still covers 5 h a day); il-b: ages 0,
    # objectives 1, Hebrew at level 3, so 0.25 + 0.20 + 0.15 + 0.10 + 0.05 + 0.05 = 0.800.
    assert sorted(p.key for p, _ in everyone) == ["fr-a", "gb-a", "gb-b", "il-b"]
    assert [score for _, score in everyone] == pytest.approx([0.950, 0.950, 0.800, 0.625], abs=1e-5)


def test_search_never_offers_the_searchers_own_school():
    index = SearchIndex([GB_A, israeli("il-a-year-6", school="il-a")], when=NOVEMBER)

    assert [p.key for p, _ in index.search(IL_A)] == ["gb-a"]


# Properties over random cohorts.


PICKS = st.lists(st.tuples(st.integers(0, 99), st.integers(0, 99)), max_size=3)


def forbidden_pairs(everyone: list[Profile], picks: list[tuple[int, int]]) -> list[tuple[str, str]]:
    """A few school pairs of this cohort, picked by number."""
    schools = sorted({p.school for p in everyone})
    return [(schools[x % len(schools)], schools[y % len(schools)]) for x, y in picks]


FEW = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def rounding_slack(*results) -> float:
    # The solver works in integer millionths of a point: each pair may be off by half of one.
    return 1e-6 * max(1, *(len(r.pairs) for r in results))


def best_total(left: list[Profile], right: list[Profile], *, when, forbidden) -> float:
    """The exact optimum by exhaustion: each left school tries every set of partners it has room for."""
    weight = {}
    for i, a in enumerate(left):
        for j, b in enumerate(right):
            verdict = score_pair(a, b, when=when, forbidden=frozenset(forbidden))
            if verdict.refusal is None:
                weight[i, j] = verdict.score

    @cache
    def best(i: int, room: tuple[int, ...]) -> float:
        if i == len(left):
            return 0.0
        options = [j for j in range(len(right)) if (i, j) in weight and room[j] > 0]
        top = 0.0
        for size in range(min(left[i].capacity, len(options)) + 1):
            for chosen in combinations(options, size):
                rest = tuple(r - (j in chosen) for j, r in enumerate(room))
                top = max(top, sum(weight[i, j] for j in chosen) + best(i + 1, rest))
        return top

    return best(0, tuple(p.capacity for p in right))


@FEW
@given(left=LEFT, right=RIGHT, picks=PICKS, when=MOMENTS, k=st.sampled_from((None, 1, 3, 12)))
def test_match_two_sides_respects_capacities_and_hard_constraints(left, right, picks, when, k):
    forbidden = forbidden_pairs(left + right, picks)

    result = match(left, right, when=when, k=k, forbidden=forbidden)

    assert_valid_pairing(result, left, right, when=when, forbidden=forbidden)


@FEW
@given(left=LEFT, right=RIGHT, picks=PICKS, when=MOMENTS)
def test_match_exact_total_is_at_least_greedy_and_default_k(left, right, picks, when):
    forbidden = forbidden_pairs(left + right, picks)

    exact = match(left, right, when=when, k=None, forbidden=forbidden)
    default = match(left, right, when=when, forbidden=forbidden)
    baseline = match(left, right, when=when, k=None, forbidden=forbidden, method="greedy")

    assert_valid_pairing(baseline, left, right, when=when, forbidden=forbidden)
    assert exact.total >= baseline.total - rounding_slack(exact, baseline)
    assert exact.total >= default.total - rounding_slack(exact, default)


@FEW
@given(left=TINY_LEFT, right=TINY_RIGHT, picks=PICKS, when=MOMENTS)
def test_match_exact_equals_brute_force_optimum_on_tiny_cohorts(left, right, picks, when):
    forbidden = forbidden_pairs(left + right, picks)

    result = match(left, right, when=when, k=None, forbidden=forbidden)

    assert result.total == pytest.approx(best_total(left, right, when=when, forbidden=forbidden), abs=1e-4)


@FEW
@given(
    everyone=POOL,
    picks=PICKS,
    when=MOMENTS,
    k=st.sampled_from((None, 2, 12)),
    method=st.sampled_from(("flow", "greedy")),
)
def test_match_one_pool_is_valid_and_within_its_bound(everyone, picks, when, k, method):
    forbidden = forbidden_pairs(everyone, picks)

    result = match(everyone, when=when, k=k, forbidden=forbidden, method=method)

    assert_valid_pairing(result, everyone, [], when=when, forbidden=forbidden, one_pool=True)
    if method == "flow":
        assert result.total <= result.upper_bound + rounding_slack(result)


@FEW
@given(left=LEFT, right=RIGHT, when=MOMENTS)
def test_all_scores_two_sides_equal_reference_scores(left, right, when):
    vocab = Vocabulary.build(left + right, when=when, one_pool=False)
    schools = {school: i for i, school in enumerate(sorted({p.school for p in left + right}))}
    rows, cols = Side.build(left, vocab, schools), Side.build(right, vocab, schools)

    scores = all_scores(rows, cols, vocab=vocab)

    for r, i in enumerate(rows.order.tolist()):
        for c, j in enumerate(cols.order.tolist()):
            reference = score_pair(left[i], unblocked(right[j]), when=when)
            assert (scores[r, c] <= 0) == (reference.refusal is not None)
            if reference.refusal is None:
                assert scores[r, c] == pytest.approx(reference.score, abs=1e-5)


@FEW
@given(everyone=POOL, when=MOMENTS)
def test_all_scores_one_pool_equal_reference_scores(everyone, when):
    vocab = Vocabulary.build(everyone, when=when, one_pool=True)
    side = Side.build(everyone, vocab, {school: i for i, school in enumerate(sorted({p.school for p in everyone}))})

    scores = all_scores(side, side, vocab=vocab)

    for r, i in enumerate(side.order.tolist()):
        for c, j in enumerate(side.order.tolist()):
            reference = score_pair(everyone[i], unblocked(everyone[j]), when=when, one_pool=True)
            assert (scores[r, c] <= 0) == (reference.refusal is not None)
            if reference.refusal is None:
                assert scores[r, c] == pytest.approx(reference.score, abs=1e-5)


@FEW
@given(indexed=RIGHT, query=QUERY, when=MOMENTS)
def test_search_scores_equal_reference_scores(indexed, query, when):
    scores = SearchIndex(indexed, when=when).scores(query)

    for p, score in zip(indexed, scores.tolist(), strict=True):
        reference = score_pair(query, p, when=when)
        if reference.refusal is None:
            assert score == pytest.approx(reference.score, abs=1e-5)
        else:
            assert score <= 0


@FEW
@given(indexed=RIGHT, query=QUERY, when=MOMENTS, country=st.sampled_from(COUNTRIES))
def test_search_results_are_allowed_filtered_and_best_first(indexed, query, when, country):
    results = SearchIndex(indexed, when=when).search(query, Filters(countries=frozenset({country})), limit=5)

    assert [score_pair(query, p, when=when).refusal for p, _ in results] == [None] * len(results)
    assert [p.country for p, _ in results] == [country] * len(results)
    scores = [score for _, score in results]
    assert scores == sorted(scores, reverse=True)
    assert len(results) <= 5
