"""Vision texts compared across Hebrew, Arabic and English, and their part in the score."""

import random
from dataclasses import replace
from datetime import UTC, datetime

import numpy as np
import pytest

from twinning.matching.engine import SearchIndex, match, score_pair
from twinning.matching.engine.scoring import VISION_EXACT_LIMIT, Side, Vocabulary, all_scores
from twinning.matching.engine.search import Filters
from twinning.matching.engine.synthetic import pool, two_sides
from twinning.matching.engine.vision import VisionEncoder, from_bytes, script_of, to_bytes

WHEN = datetime(2026, 11, 23, 12, tzinfo=UTC)

FESTIVALS = (
    "Our classes will celebrate and compare the festivals of our two communities.",
    "הכיתות שלנו יחגגו וישוו את החגים של שתי הקהילות שלנו.",
    "ستحتفل صفوفنا بأعياد مجتمعينا وتقارن بينها.",
)
ENVIRONMENT = (
    "Pupils will measure air quality and plant trees around the school.",
    "התלמידים ימדדו את איכות האוויר ויטעו עצים סביב בית הספר.",
    "سيقيس الطلاب جودة الهواء ويزرعون الأشجار حول المدرسة.",
)


def test_script_of_tells_hebrew_arabic_and_latin_apart():
    assert [script_of(text) for text in (*FESTIVALS, "¡Hola, amigos!", "")] == ["en", "he", "ar", "en", "en"]


def test_a_vision_is_closer_to_its_translation_than_to_another_topic_in_the_same_language():
    vectors = VisionEncoder.shared().encode([*FESTIVALS, *ENVIRONMENT])
    similarity = vectors @ vectors.T
    for i in range(3):
        for j in range(3):
            if i != j:
                # Festivals in language i against festivals in language j, and against environment in j.
                assert similarity[i, j] > similarity[i, 3 + j]
                assert similarity[3 + i, 3 + j] > similarity[3 + i, j]
        # Even another topic in the *same* language reads as further away than the translation.
        assert similarity[i, (i + 1) % 3] > similarity[i, 3 + i]


def test_empty_vision_has_no_vector_and_bytes_round_trip():
    vectors = VisionEncoder.shared().encode(["", FESTIVALS[0]])
    assert np.count_nonzero(vectors[0]) == 0
    assert np.allclose(from_bytes(to_bytes(vectors[1])), vectors[1], atol=1e-3)
    assert from_bytes(b"") is None


def unit(rng: np.random.Generator) -> np.ndarray:
    vector = rng.normal(size=384).astype(np.float32)
    return vector / np.linalg.norm(vector)


def with_visions(profiles, rng, share=0.6):
    return [replace(p, vision=unit(rng)) if rng.random() < share else p for p in profiles]


def test_objectives_part_is_half_curated_half_vision_when_both_wrote_one():
    rng = np.random.default_rng(1)
    left, right = two_sides(2, seed=3)
    a, b = replace(left[0], vision=unit(rng)), replace(right[0], vision=unit(rng))
    verdict = score_pair(a, b, when=WHEN)
    curated = score_pair(replace(a, vision=None), b, when=WHEN).parts["objectives"]
    cosine = float(a.vision @ b.vision)
    assert verdict.facts["vision"] == pytest.approx(cosine)
    assert verdict.parts["objectives"] == pytest.approx(0.5 * curated + 0.25 * (1 + cosine))


def test_cohort_scores_with_visions_equal_the_reference():
    rng = np.random.default_rng(2)
    left, right = two_sides(60, seed=5)
    left, right = with_visions(left, rng), with_visions(right, rng)
    vocab = Vocabulary.build(left + right, when=WHEN, one_pool=False)
    schools = {p.school: i for i, p in enumerate(left + right)}
    rows, cols = Side.build(left, vocab, schools), Side.build(right, vocab, schools)
    scores = all_scores(rows, cols, vocab=vocab)
    for i in range(len(left)):
        for j in range(len(right)):
            reference = score_pair(left[rows.order[i]], right[cols.order[j]], when=WHEN)
            if reference.refusal:
                assert scores[i, j] <= 0
            else:
                assert scores[i, j] == pytest.approx(reference.score, abs=1e-5)


def test_large_cohort_uses_fewer_vision_coordinates_and_stays_close_to_the_optimum():
    rng = np.random.default_rng(3)
    # Visions around a few topics, as real ones are.
    topics = [unit(rng) for _ in range(8)]
    left, right = two_sides(VISION_EXACT_LIMIT // 2 + 200, seed=6)

    def themed(p):
        v = topics[rng.integers(len(topics))] + 0.6 * unit(rng)
        return replace(p, vision=v / np.linalg.norm(v))

    left, right = [themed(p) for p in left], [themed(p) for p in right]
    vocab = Vocabulary.build(left + right, when=WHEN, one_pool=False)
    assert vocab.vision_basis.shape == (384, 64)
    result = match(left, right, when=WHEN)
    by_key = {p.key: p for p in left + right}
    true_total = sum(score_pair(by_key[x.left], by_key[x.right], when=WHEN).score for x in result.pairs)
    assert true_total == pytest.approx(result.total, rel=0.01)


@pytest.mark.parametrize("seed", [1, 2])
def test_search_with_visions_ranks_as_sorting_every_exact_score(seed):
    rng = np.random.default_rng(seed)
    profiles = with_visions(pool(2000, seed=seed), rng)
    index = SearchIndex(profiles, when=WHEN)
    picker = random.Random(seed)
    for _ in range(30):
        query = profiles[picker.randrange(len(profiles))]
        filters = picker.choice([Filters(), Filters(countries=frozenset({"IL", "GB"})), Filters(language="fr")])
        limit = picker.choice([1, 10, 50])
        scores = index.scores(query, filters)
        expected = [i for i in np.lexsort((np.arange(len(scores)), -scores)) if scores[i] > 0][:limit]
        found = index.search(query, filters, limit=limit)
        assert [p.key for p, _score in found] == [profiles[i].key for i in expected]
        for p, score in found[:5]:
            assert score == pytest.approx(score_pair(query, p, when=WHEN).score, abs=2e-3)
