"""The engine's hard rules (`Rules`): known answers, and the same verdict everywhere the engine is used.

Every property test checks one entry point (the solver, the vectorised scores, the search index,
`diagnose`) against `score_pair`, the reference, under random rules.
"""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from twinning.matching.engine import Refusal, Rules, SearchIndex, age_gap, diagnose, match, score_pair, why_not
from twinning.matching.engine.scoring import Side, Vocabulary, all_scores
from twinning.matching.tests.engine_cases import (
    GB_A,
    IL_A,
    LEFT,
    MOMENTS,
    NOVEMBER,
    POOL,
    QUERY,
    RIGHT,
    assert_valid_pairing,
    english,
    israeli,
    pairs_of,
    unblocked,
)

# Known answers: the age rule.


@pytest.mark.parametrize(
    ("ours", "theirs", "gap"),
    [
        ((10, 12), (10, 12), 0),
        ((10, 12), (12, 14), 0),  # 12 in common
        ((10, 12), (13, 14), 1),  # next to each other
        ((13, 14), (10, 12), 1),
        ((6, 7), (10, 12), 3),
        ((6, 18), (10, 10), 0),  # one range inside the other
        ((0, 1), (2, 2), 0),  # clipped to the engine's youngest age (2) first, as the score does
    ],
)
def test_age_gap_is_the_years_between_the_ranges(ours, theirs, gap):
    a = israeli("a", age_from=ours[0], age_to=ours[1])
    b = english("b", age_from=theirs[0], age_to=theirs[1])

    assert age_gap(a, b) == age_gap(b, a) == gap


@pytest.mark.parametrize(
    ("max_age_gap", "theirs", "refused"),
    [
        (0, (12, 14), False),
        (0, (13, 14), True),
        (1, (13, 14), False),
        (1, (14, 16), True),
        (3, (15, 16), False),
        (3, (16, 17), True),
    ],
)
def test_age_rule_refuses_ranges_further_apart_than_allowed(max_age_gap, theirs, refused):
    b = english("b", age_from=theirs[0], age_to=theirs[1])  # IL_A teaches 10–12

    verdict = score_pair(IL_A, b, when=NOVEMBER, rules=Rules(max_age_gap=max_age_gap))

    assert (verdict.refusal == Refusal.AGE_GAP) is refused
    assert (verdict.score == 0.0) is refused
    result = match([IL_A], [b], when=NOVEMBER, rules=Rules(max_age_gap=max_age_gap))
    assert pairs_of(result) == (set() if refused else {("il-a", "b")})


def test_default_rules_allow_one_year_between_ranges():
    assert Rules() == Rules(max_age_gap=1, other_country=False, forbidden=frozenset())
    older = english("older", age_from=14, age_to=16)  # two years above IL_A's 10–12

    assert score_pair(IL_A, older, when=NOVEMBER).refusal == Refusal.AGE_GAP
    assert match([IL_A], [older], when=NOVEMBER).pairs == []
    assert SearchIndex([older], when=NOVEMBER).search(IL_A) == []


def test_other_country_rule_refuses_a_partner_of_ones_own_country():
    neighbour = israeli("il-neighbour")

    assert score_pair(IL_A, neighbour, when=NOVEMBER).refusal is None
    assert score_pair(IL_A, neighbour, when=NOVEMBER, rules=Rules(other_country=True)).refusal == Refusal.SAME_COUNTRY
    # Two sides: the rule holds there too.
    assert match([IL_A], [neighbour, GB_A], when=NOVEMBER, rules=Rules(other_country=True)).pairs[0].right == "gb-a"
    assert pairs_of(match([IL_A], [neighbour], when=NOVEMBER, rules=Rules(other_country=True))) == set()


def test_search_with_other_country_offers_no_school_of_the_searchers_country():
    # The neighbour scores higher (same timetable, same languages), yet must not be offered.
    neighbour = israeli("il-neighbour")
    index = SearchIndex([neighbour, GB_A], when=NOVEMBER)

    assert [p.key for p, _ in index.search(IL_A)] == ["il-neighbour", "gb-a"]
    assert [p.key for p, _ in index.search(IL_A, rules=Rules(other_country=True))] == ["gb-a"]


def test_forbidden_keys_are_never_paired_searched_or_pinned():
    rules = Rules.forbidding([("gb-a", "il-a")])

    assert rules.forbids("il-a", "gb-a") and rules.forbids("gb-a", "il-a")
    assert rules.forbidden_with("il-a") == {"gb-a"}
    assert score_pair(IL_A, GB_A, when=NOVEMBER, rules=rules).refusal == Refusal.FORBIDDEN
    for k in (None, 12):
        assert match([IL_A], [GB_A], when=NOVEMBER, k=k, rules=rules).pairs == []
        assert match([IL_A, GB_A], when=NOVEMBER, k=k, rules=rules).pairs == []
    assert SearchIndex([GB_A], when=NOVEMBER).search(IL_A, rules=rules) == []
    with pytest.raises(ValueError, match="not allowed"):
        match([IL_A], [GB_A], when=NOVEMBER, pinned=[("il-a", "gb-a")], rules=rules)


def test_rules_reject_a_negative_gap_and_a_pair_of_one_key():
    with pytest.raises(ValueError):
        Rules(max_age_gap=-1)
    with pytest.raises(ValueError):
        Rules(forbidden=frozenset({frozenset({"a"})}))
    assert Rules.forbidding([("a", "a")]).forbidden == frozenset()


def test_why_not_names_every_rule_a_pair_breaks():
    far = english("far", country="IL", age_from=16, age_to=17, languages={"fr": 3})
    rules = Rules(other_country=True, forbidden=frozenset({frozenset({"il-a", "far"})}))

    assert why_not(IL_A, far, rules=rules) == [
        Refusal.SAME_COUNTRY,
        Refusal.AGE_GAP,
        Refusal.NO_LANGUAGE,
        Refusal.FORBIDDEN,
    ]
    assert why_not(IL_A, GB_A) == []
    assert why_not(IL_A, GB_A, forbidden=[("gb-a", "il-a")]) == [Refusal.FORBIDDEN]


def test_diagnose_says_which_rule_left_one_school_without_partners():
    candidates = [
        english("too-old", age_from=15, age_to=17),
        israeli("compatriot"),
        english("twinned"),
        english("french-only", languages={"fr": 3}),
        english("fine"),
    ]
    rules = Rules(other_country=True, forbidden=frozenset({frozenset({"il-a", "twinned"})}))

    counts = diagnose([IL_A], candidates, when=NOVEMBER, rules=rules)

    assert counts == {
        "examined": 5,
        "possible": 1,
        Refusal.AGE_GAP: 1,
        Refusal.SAME_COUNTRY: 1,
        Refusal.FORBIDDEN: 1,
        Refusal.NO_LANGUAGE: 1,
    }


# Properties: every entry point applies the rules as the reference does.

RULES = st.builds(
    Rules,
    max_age_gap=st.integers(0, 4),
    other_country=st.booleans(),
)
FEW = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
KEY_PICKS = st.lists(st.tuples(st.integers(0, 99), st.integers(0, 99)), max_size=4)


def with_forbidden_keys(rules: Rules, everyone, picks) -> Rules:
    keys = [p.key for p in everyone]
    return rules.with_forbidden((keys[x % len(keys)], keys[y % len(keys)]) for x, y in picks)


@FEW
@given(left=LEFT, right=RIGHT, rules=RULES, picks=KEY_PICKS, when=MOMENTS, k=st.sampled_from((None, 2, 12)))
def test_match_two_sides_never_breaks_a_rule(left, right, rules, picks, when, k):
    rules = with_forbidden_keys(rules, left + right, picks)

    result = match(left, right, when=when, k=k, rules=rules)

    assert_valid_pairing(result, left, right, when=when, forbidden=[], rules=rules)
    by_key = {p.key: p for p in left + right}
    assert [why_not(by_key[p.left], by_key[p.right], rules=rules) for p in result.pairs] == [[]] * len(result.pairs)


@FEW
@given(everyone=POOL, rules=RULES, picks=KEY_PICKS, when=MOMENTS, method=st.sampled_from(("flow", "greedy")))
def test_match_one_pool_never_breaks_a_rule(everyone, rules, picks, when, method):
    rules = with_forbidden_keys(rules, everyone, picks)

    result = match(everyone, when=when, rules=rules, method=method)

    assert_valid_pairing(result, everyone, [], when=when, forbidden=[], one_pool=True, rules=rules)


@FEW
@given(left=LEFT, right=RIGHT, rules=RULES, when=MOMENTS)
def test_all_scores_apply_the_rules_as_the_reference(left, right, rules, when):
    vocab = Vocabulary.build(left + right, when=when, one_pool=False, rules=rules)
    schools = {school: i for i, school in enumerate(sorted({p.school for p in left + right}))}
    rows, cols = Side.build(left, vocab, schools), Side.build(right, vocab, schools)

    scores = all_scores(rows, cols, vocab=vocab)

    for r, i in enumerate(rows.order.tolist()):
        for c, j in enumerate(cols.order.tolist()):
            reference = score_pair(left[i], unblocked(right[j]), when=when, rules=rules)
            assert (scores[r, c] <= 0) == (reference.refusal is not None)
            if reference.refusal is None:
                assert scores[r, c] == pytest.approx(reference.score, abs=1e-5)


@FEW
@given(indexed=RIGHT, query=QUERY, rules=RULES, picks=KEY_PICKS, when=MOMENTS)
def test_search_applies_the_rules_as_the_reference(indexed, query, rules, picks, when):
    rules = with_forbidden_keys(rules, [query, *indexed], picks)

    scores = SearchIndex(indexed, when=when).scores(query, rules=rules)

    for p, score in zip(indexed, scores.tolist(), strict=True):
        reference = score_pair(query, p, when=when, rules=rules)
        if reference.refusal is None:
            assert score == pytest.approx(reference.score, abs=1e-5)
        else:
            assert score <= 0


@FEW
@given(left=LEFT, right=RIGHT, rules=RULES, when=MOMENTS)
def test_diagnose_counts_each_pair_under_its_first_broken_rule(left, right, rules, when):
    counts = diagnose(left, right, when=when, rules=rules)

    expected: dict[str, int] = {}
    for a in left:
        for b in right:
            reasons = why_not(a, b, rules=rules) or ["possible"]
            expected[reasons[0]] = expected.get(reasons[0], 0) + 1
    assert counts["examined"] == len(left) * len(right)
    assert {key: n for key, n in counts.items() if key != "examined" and n} == expected


def test_forbidden_key_rule_is_the_key_not_the_school():
    # Two classes of one school: forbidding one of them leaves the other free to pair.
    year_6, year_7 = english("gb-6", school="gb"), english("gb-7", school="gb")

    result = match([IL_A], [year_6, year_7], when=NOVEMBER, rules=Rules.forbidding([("il-a", "gb-6")]))

    assert pairs_of(result) == {("il-a", "gb-7")}
