"""The engine on realistic variety (12 languages at 3 levels, 30 countries): the vectorised tables
against the reference, pair by pair."""

from datetime import UTC, datetime

import numpy as np
import pytest

from twinning.matching.engine import Profile, Rules, score_pair
from twinning.matching.engine.profiles import LEVEL_VALUE, WEIGHTS, shared_language
from twinning.matching.engine.scoring import HARD, Side, Vocabulary, all_scores
from twinning.matching.engine.synthetic import varied_pool, varied_two_sides

WHEN = datetime(2026, 11, 23, 12, tzinfo=UTC)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_language_table_equals_the_reference_on_varied_signatures(seed):
    profiles = varied_pool(600, seed=seed, visions=False)
    vocab = Vocabulary.build(profiles, when=WHEN, one_pool=False)
    signatures = list(vocab.language_keys)
    assert len(signatures) > 200  # real variety, not a handful of sets

    table = vocab.language_table

    def as_profile(signature) -> Profile:
        return Profile("x", "x", "XX", 10, 10, dict(signature))

    rng = np.random.default_rng(seed)
    for i, j in rng.integers(len(signatures), size=(4000, 2)).tolist():
        _language, worth = shared_language(as_profile(signatures[i]), as_profile(signatures[j]))
        expected = WEIGHTS["language"] * worth if worth else -HARD
        assert table[i, j] == pytest.approx(expected, abs=1e-7), (signatures[i], signatures[j])


def test_language_table_counts_levels_beyond_four_languages():
    # Six languages each: the shared counts must not spill from one level into the next.
    many = dict.fromkeys(("en", "fr", "de", "es", "it", "pt"), 1)
    fluent = dict(many, nl=3)
    vocab = Vocabulary.build(
        [Profile("a", "a", "GB", 10, 10, many), Profile("b", "b", "NL", 10, 10, fluent)], when=WHEN, one_pool=False
    )
    table = vocab.language_table
    assert sorted(table.ravel().tolist()) == pytest.approx(
        sorted([WEIGHTS["language"] * LEVEL_VALUE[level] for level in (1, 1, 1, 3)])
    )


@pytest.mark.parametrize("rules", [Rules(), Rules(max_age_gap=0, other_country=True)])
def test_all_scores_equal_the_reference_on_varied_cohorts(rules):
    left, right = varied_two_sides(70, seed=5)
    everyone = left + right
    vocab = Vocabulary.build(everyone, when=WHEN, one_pool=False, rules=rules)
    schools = {p.school: i for i, p in enumerate(everyone)}
    rows, cols = Side.build(left, vocab, schools), Side.build(right, vocab, schools)

    scores = all_scores(rows, cols, vocab=vocab)

    refused = 0
    for r, i in enumerate(rows.order.tolist()):
        for c, j in enumerate(cols.order.tolist()):
            reference = score_pair(left[i], right[j], when=WHEN, rules=rules)
            assert (scores[r, c] <= 0) == (reference.refusal is not None)
            refused += reference.refusal is not None
            if reference.refusal is None:
                assert scores[r, c] == pytest.approx(reference.score, abs=1e-5)
    assert 0 < refused < len(left) * len(right)


def test_one_pool_scores_equal_the_reference_on_varied_schools():
    everyone = varied_pool(120, seed=7)
    vocab = Vocabulary.build(everyone, when=WHEN, one_pool=True)
    side = Side.build(everyone, vocab, {p.school: i for i, p in enumerate(everyone)})

    scores = all_scores(side, side, vocab=vocab)

    for r, i in enumerate(side.order.tolist()):
        for c, j in enumerate(side.order.tolist()):
            if i == j:
                continue
            reference = score_pair(everyone[i], everyone[j], when=WHEN, one_pool=True)
            assert (scores[r, c] <= 0) == (reference.refusal is not None)
            if reference.refusal is None:
                assert scores[r, c] == pytest.approx(reference.score, abs=1e-5)
