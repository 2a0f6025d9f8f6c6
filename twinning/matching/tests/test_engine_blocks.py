"""The blocked candidate search (`scoring.best_partners`) against every pair scored plainly.

The search scores only pairs that share a language and whose ages the rule allows, each chunk
once and read both ways (in one pool, only the upper triangle). Whatever the blocks, each row's
and each column's k best must be exactly those of the full score matrix.
"""

from dataclasses import replace
from datetime import UTC, datetime

import numpy as np
import pytest

from twinning.matching.engine import Rules, scoring
from twinning.matching.engine.scoring import Side, Vocabulary, _ranges, all_scores, best_partners
from twinning.matching.engine.synthetic import varied_pool, varied_two_sides

WHEN = datetime(2026, 11, 23, 12, tzinfo=UTC)


def plain_scores(rows: Side, cols: Side, vocab: Vocabulary, forbidden: set[tuple[int, int]]) -> np.ndarray:
    """Every pair's score, -inf for a school with itself and for forbidden school pairs."""
    scores = all_scores(rows, cols, vocab=vocab)
    scores[rows.schools[:, None] == cols.schools[None, :]] = -np.inf
    for x, y in forbidden:
        scores[np.ix_(rows.schools == x, cols.schools == y)] = -np.inf
        scores[np.ix_(rows.schools == y, cols.schools == x)] = -np.inf
    return scores


def assert_k_best(found: dict[int, list[float]], scores: np.ndarray, k: int) -> None:
    """Each line's k best possible values are the k best of what was found for it."""
    for line, values in enumerate(scores):
        expected = np.sort(values[values > 0])[::-1][:k]
        got = np.sort(np.array(found.get(line, []), dtype=np.float32))[::-1][:k]
        assert got == pytest.approx(expected, abs=1e-5), line


def by_line(keys: np.ndarray, values: np.ndarray) -> dict[int, list[float]]:
    found: dict[int, list[float]] = {}
    for key, value in zip(keys.tolist(), values.tolist(), strict=True):
        found.setdefault(key, []).append(value)
    return found


@pytest.mark.parametrize(
    ("seed", "k", "chunk", "rules"),
    [
        (1, 24, 512, Rules()),
        (2, 3, 7, Rules()),
        (3, 5, 40, Rules(max_age_gap=0, other_country=True)),
        (4, 12, 64, Rules(max_age_gap=3)),
    ],
)
def test_two_sides_blocks_find_each_rows_and_columns_k_best(seed, k, chunk, rules):
    left, right = varied_two_sides(150, seed=seed)
    everyone = left + right
    vocab = Vocabulary.build(everyone, when=WHEN, one_pool=False, rules=rules)
    schools = {p.school: i for i, p in enumerate(everyone)}
    rows, cols = Side.build(left, vocab, schools), Side.build(right, vocab, schools)
    rng = np.random.default_rng(seed)
    forbidden = {(int(rows.schools[a]), int(cols.schools[b])) for a, b in rng.integers(150, size=(30, 2))}

    i, j, s = best_partners(rows, cols, vocab=vocab, k=k, forbidden=forbidden, both=True, chunk=chunk)

    scores = plain_scores(rows, cols, vocab, forbidden)
    assert (s > 0).all()
    assert s == pytest.approx(scores[i, j], abs=1e-5)
    assert len(set(zip(i.tolist(), j.tolist(), strict=True))) == len(i)  # each pair once
    assert_k_best(by_line(i, s), scores, k)
    assert_k_best(by_line(j, s), scores.T, k)


@pytest.mark.parametrize(("seed", "k", "chunk"), [(5, 24, 512), (6, 4, 9), (7, 10, 33)])
def test_one_pool_upper_triangle_finds_each_schools_k_best(seed, k, chunk):
    everyone = varied_pool(260, seed=seed)
    vocab = Vocabulary.build(everyone, when=WHEN, one_pool=True)
    side = Side.build(everyone, vocab, {p.school: i for i, p in enumerate(everyone)})

    i, j, s = best_partners(side, side, vocab=vocab, k=k, forbidden=set(), both=True, chunk=chunk)

    scores = plain_scores(side, side, vocab, set())
    assert s == pytest.approx(scores[i, j], abs=1e-5)
    assert (i != j).all()
    assert len(set(zip(i.tolist(), j.tolist(), strict=True))) == len(i)  # no partner twice in a list
    assert_k_best(by_line(i, s), scores, k)  # (i, j): j is among i's best


def test_rows_in_runs_of_one_age_range_score_as_every_pair():
    # Few age ranges and class sizes: rows come in long runs, whose ages part is added run by run.
    left, right = varied_two_sides(120, seed=10)
    left = [replace(p, age_from=10, age_to=10 + n % 2, class_size=20) for n, p in enumerate(left)]
    right = [replace(p, age_from=9 + n % 3, age_to=11, class_size=18 + n % 9) for n, p in enumerate(right)]
    vocab = Vocabulary.build(left + right, when=WHEN, one_pool=False)
    schools = {p.school: n for n, p in enumerate(left + right)}
    rows, cols = Side.build(left, vocab, schools), Side.build(right, vocab, schools)

    i, j, s = best_partners(rows, cols, vocab=vocab, k=8, forbidden=set(), both=True)

    scores = plain_scores(rows, cols, vocab, set())
    assert s == pytest.approx(scores[i, j], abs=1e-5)
    assert_k_best(by_line(i, s), scores, 8)
    assert_k_best(by_line(j, s), scores.T, 8)


def test_blocked_key_pairs_are_never_returned():
    left, right = varied_two_sides(60, seed=8)
    vocab = Vocabulary.build(left + right, when=WHEN, one_pool=False)
    schools = {p.school: n for n, p in enumerate(left + right)}
    rows, cols = Side.build(left, vocab, schools), Side.build(right, vocab, schools)
    first = best_partners(rows, cols, vocab=vocab, k=5, forbidden=set(), both=True)
    blocked: dict[int, list[int]] = {}
    for r, c in zip(first[0][:40].tolist(), first[1][:40].tolist(), strict=True):
        blocked.setdefault(r, []).append(c)

    i, j, _s = best_partners(rows, cols, vocab=vocab, k=5, forbidden=set(), blocked=blocked, both=True)

    found = set(zip(i.tolist(), j.tolist(), strict=True))
    assert found.isdisjoint({(r, c) for r, cs in blocked.items() for c in cs})
    assert len(found) > 0


def test_without_language_blocks_the_search_finds_the_same(monkeypatch):
    # Runs naming more languages than fit in a bit set score every pair in one block.
    left, right = varied_two_sides(80, seed=9)
    vocab = Vocabulary.build(left + right, when=WHEN, one_pool=False)
    schools = {p.school: n for n, p in enumerate(left + right)}
    rows, cols = Side.build(left, vocab, schools), Side.build(right, vocab, schools)
    blocked_run = best_partners(rows, cols, vocab=vocab, k=6, forbidden=set(), both=True, chunk=16)
    monkeypatch.setattr(scoring, "MAX_BLOCKED_LANGUAGES", 1)
    assert len(scoring.language_blocks(rows, cols, vocab)) == 1

    plain_run = best_partners(rows, cols, vocab=vocab, k=6, forbidden=set(), both=True, chunk=16)

    scores = plain_scores(rows, cols, vocab, set())
    for i, j, s in (blocked_run, plain_run):
        assert_k_best(by_line(i, s), scores, 6)
        assert_k_best(by_line(j, s), scores.T, 6)


def test_ranges_concatenate_each_range():
    starts, counts = np.array([5, 0, 2, 9]), np.array([0, 2, 3, 1])
    assert _ranges(starts, counts).tolist() == [0, 1, 2, 3, 4, 9]
    assert _ranges(np.array([3]), np.array([0])).tolist() == []
