"""The label's rules on hand-made cases: the pass mark, the three minimums, the international share."""

import pytest

from twinning.recognition import rubric
from twinning.recognition.rubric import NationalLabel, international_winners, judge


def scores(value=4, **overrides) -> dict[str, int]:
    return {code: overrides.get(code, value) for code in rubric.SUB_CODES}


def test_rubric_has_the_five_criteria_and_three_minimums():
    assert [c.code for c in rubric.CRITERIA] == ["collaboration", "technology", "pedagogy", "curriculum", "results"]
    assert [s.code for s in rubric.SUBS if s.minimum] == ["online_collaboration", "ict", "safety"]
    assert (rubric.TOTAL, rubric.PASS_MARK) == (40, 24)


def test_rubric_good_project_passes():
    verdict = judge(scores(4))
    assert (verdict.total, verdict.passed, verdict.below_minimum) == (32, True, ())


def test_rubric_a_minimum_missed_fails_whatever_the_total():
    verdict = judge(scores(5, online_collaboration=2))
    assert (verdict.total, verdict.passed, verdict.below_minimum, verdict.below_pass_mark) == (
        37,
        False,
        ("online_collaboration",),
        False,
    )
    assert judge(scores(5, ict=2, safety=0)).below_minimum == ("ict", "safety")


def test_rubric_below_the_pass_mark_fails_even_with_the_minimums():
    verdict = judge(scores(2, online_collaboration=3, ict=3, safety=3))
    assert (verdict.total, verdict.passed, verdict.below_minimum) == (19, False, ())


def test_rubric_mean_of_two_evaluators_decides():
    # One evaluator gives the pupils' collaboration 4, the other 2: the mean 3 meets the minimum.
    mean = rubric.mean_scores([scores(3, online_collaboration=4), scores(3, online_collaboration=2)])
    assert judge(mean).passed is True
    mean = rubric.mean_scores([scores(3, online_collaboration=3), scores(3, online_collaboration=2)])
    assert judge(mean).below_minimum == ("online_collaboration",)


def test_rubric_scores_must_be_whole_points_for_every_sub_criterion():
    with pytest.raises(ValueError):
        rubric.check_scores({"online_collaboration": 3})
    with pytest.raises(ValueError):
        rubric.check_scores(scores(6))
    rubric.check_scores(scores(0))


# A hand-made year: twinning → its partner schools' national labels (school, score).
YEAR = {
    1: [("A", 30), ("B", 34)],  # mean 32, two partners
    2: [("C", 40)],  # the best score, but only one partner holds a label: not eligible
    3: [("D", 25), ("E", 27)],  # 26
    4: [("F", 31), ("G", 33)],  # 32, tied with twinning 1
    5: [("H", 20), ("I", 22)],  # 21
    6: [("J", 28), ("K", 28)],  # 28
    7: [("L", 39), ("L", 38)],  # two teachers of one school: one partner, not eligible
}


def labels():
    return [NationalLabel(t, ord(school), score) for t, rows in YEAR.items() for school, score in rows]


def test_international_label_goes_to_the_top_share_of_twinnings_with_two_labelled_partners():
    # Five eligible twinnings (1, 3, 4, 5, 6); 20% of 5 is one place, and the tie at 32 shares it.
    assert international_winners(labels(), 0.2) == {1, 4}
    # Half of five, rounded up, is three places: 32, 32, 28.
    assert international_winners(labels(), 0.5) == {1, 4, 6}
    assert international_winners(labels(), 1.0) == {1, 3, 4, 5, 6}


def test_international_label_needs_two_partners():
    assert international_winners([NationalLabel(2, 1, 40)], 1.0) == set()
    assert international_winners([], 0.2) == set()
