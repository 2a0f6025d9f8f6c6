"""Vectorised scoring: every pair of a cohort, or one query against a whole index.

The score is built so that almost all of it is a dot product of two feature vectors (one
encoding for "this school", one for "its partner"): ages, objectives and themes as normalised
sets, class size, timetable and country preferences through small lookup tables folded into the
vectors. One matrix product per block of rows then scores a block of pairs. Only the language
part (the best shared language, and the hard "no language in common" rule) is a table lookup.
Hard constraints push a pair's score below zero, so "possible" simply means "score > 0".
`profiles.score_pair` is the reference each of these must agree with.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import TypeVar

import numpy as np
import numpy.typing as npt

from .profiles import (
    CLASS_SIZE_BOUNDS,
    DEFAULT_RULES,
    LEVEL_VALUE,
    MAX_AGE,
    MIN_AGE,
    SLOT_MINUTES,
    TIMETABLE_FULL_HOURS,
    WEEK_MINUTES,
    WEIGHTS,
    LanguageSignature,
    Profile,
    Rules,
    TimetableSignature,
    ages,
    class_size_band,
)

HARD = 4.0  # any broken hard constraint takes the score below zero
AGE_SPAN = MAX_AGE - MIN_AGE + 1
BANDS = len(CLASS_SIZE_BOUNDS) + 1  # plus one column for "size not given"
BLOCK = 64  # columns per block when looking for each row's best partners

Floats = npt.NDArray[np.float32]
Indices = npt.NDArray[np.int64]
# A profile's language signature, and in one pool its country (schools of one country never pair).
LanguageKey = tuple[LanguageSignature, str]
K = TypeVar("K", bound=Hashable)


def _band_kernel() -> Floats:
    kernel = np.full((BANDS + 1, BANDS + 1), 0.5, dtype=np.float32)
    for i in range(BANDS):
        for j in range(BANDS):
            kernel[i, j] = max(0.0, 1.0 - 0.4 * abs(i - j))
    return kernel


BAND_KERNEL = _band_kernel()


@lru_cache(maxsize=4096)
def _slot_mask(signature: TimetableSignature) -> Floats:
    offset, days, start, end = signature
    mask = np.zeros(WEEK_MINUTES // SLOT_MINUTES, dtype=np.float32)
    for day in days:
        first = (day - 1) * 24 * 60 + start - offset
        minutes = np.arange(first, first + max(0, end - start), SLOT_MINUTES)
        mask[(minutes % WEEK_MINUTES) // SLOT_MINUTES] = 1.0
    return mask


def _index(values: Iterable[K]) -> dict[K, int]:
    return {value: i for i, value in enumerate(values)}


@dataclass
class Vocabulary:
    """Everything the profiles of one run mention, numbered, and the pairwise tables built on it."""

    objectives: dict[str, int]
    themes: dict[str, int]
    countries: dict[str, int]  # countries named in a wish list or an exclusion; the rest share one column
    timetables: dict[TimetableSignature, int]
    timetable_fit: Floats  # timetable × timetable → weighted timetable part
    language_keys: dict[LanguageKey, int]
    language_table: Floats  # key × key → weighted language part, or -HARD
    when: datetime
    one_pool: bool
    vision_basis: Floats | None = None  # 384 × r: the visions' coordinates used (None: no visions)
    rules: Rules = DEFAULT_RULES

    @property
    def other_country(self) -> bool:
        return self.one_pool or self.rules.other_country

    @classmethod
    def build(
        cls, profiles: list[Profile], *, when: datetime, one_pool: bool, rules: Rules = DEFAULT_RULES
    ) -> Vocabulary:
        objectives = _index(sorted({o for p in profiles for o in p.objectives}))
        themes = _index(sorted({t for p in profiles for t in p.themes}))
        countries = _index(sorted({c for p in profiles for c in p.wanted_countries | p.excluded_countries}))
        timetables = _index(sorted({p.timetable_signature(when) for p in profiles}))
        masks = np.stack([_slot_mask(sig) for sig in timetables]) if timetables else np.zeros((0, 1))
        hours = masks @ masks.T * (SLOT_MINUTES / 60)
        timetable_fit = (WEIGHTS["timetable"] * np.minimum(1.0, hours / TIMETABLE_FULL_HOURS)).astype(np.float32)
        other_country = one_pool or rules.other_country
        language_keys = _index(sorted({cls.language_key(p, other_country) for p in profiles}))
        return cls(
            objectives,
            themes,
            countries,
            timetables,
            timetable_fit,
            language_keys,
            _language_table(list(language_keys), other_country),
            when,
            one_pool,
            _vision_basis(profiles),
            rules,
        )

    @staticmethod
    def language_key(profile: Profile, other_country: bool) -> LanguageKey:
        # When schools of the same country never pair (one pool, or the rule), the country joins the key.
        return (profile.language_signature(), profile.country if other_country else "")

    @property
    def width(self) -> int:
        return (
            AGE_SPAN
            + len(self.objectives)
            + len(self.themes)
            + BANDS
            + 1
            + len(self.timetables)
            + 2 * (len(self.countries) + 1)
            + 2 * AGE_SPAN
            + (0 if self.vision_basis is None else len(self.objectives) + 1 + self.vision_basis.shape[1])
        )


# Up to this many visions, the scoring uses all 384 coordinates (exactly the reference score);
# beyond it, the visions' 64 principal directions, so a large cohort's matrix products stay small.
VISION_EXACT_LIMIT = 4000
VISION_REDUCED = 64


def _vision_basis(profiles: list[Profile]) -> Floats | None:
    visions = [p.vision for p in profiles if p.vision is not None]
    if not visions:
        return None
    dimensions = len(visions[0])
    if len(visions) <= VISION_EXACT_LIMIT:
        return np.eye(dimensions, dtype=np.float32)
    stacked = np.asarray(visions, dtype=np.float32)
    _values, vectors = np.linalg.eigh(stacked.T @ stacked)
    return np.ascontiguousarray(vectors[:, -VISION_REDUCED:], dtype=np.float32)


def _language_table(keys: list[LanguageKey], other_country: bool) -> Floats:
    table = np.empty((len(keys), len(keys)), dtype=np.float32)
    for i, (sig_a, country_a) in enumerate(keys):
        levels_a = dict(sig_a)
        for j, (sig_b, country_b) in enumerate(keys):
            worth = max(
                (LEVEL_VALUE[min(level, levels_a[code])] for code, level in sig_b if code in levels_a), default=0.0
            )
            if worth == 0.0 or (other_country and country_a == country_b):
                table[i, j] = -HARD
            else:
                table[i, j] = WEIGHTS["language"] * worth
    return table


def _multi_hot(sets: list[frozenset[str]], index: dict[str, int]) -> tuple[Indices, Indices, Floats]:
    """(rows, columns, 1/√size) of a list of sets, flattened."""
    rows = np.fromiter((i for i, items in enumerate(sets) for _ in items), dtype=np.int64)
    cols = np.fromiter((index[item] for items in sets for item in items), dtype=np.int64, count=len(rows))
    sizes = np.fromiter((len(items) for items in sets), dtype=np.float32, count=len(sets))
    # np.divide is what `/` calls; spelled out because NumPy's stubs type `1.0 / float32 array` as
    # float64, while the result is float32 (a Python float does not widen an array).
    return rows, cols, np.divide(1.0, np.sqrt(np.maximum(sizes[rows], 1.0)))


def encode(profiles: list[Profile], vocab: Vocabulary) -> tuple[Floats, Floats]:
    """The two encodings of each profile: as "this school" (A) and as "the partner" (B)."""
    n = len(profiles)
    a = np.zeros((n, vocab.width), dtype=np.float32)
    b = np.zeros((n, vocab.width), dtype=np.float32)
    col = 0

    spans = [ages(p) for p in profiles]
    rows = np.fromiter((i for i, span in enumerate(spans) for _ in span), dtype=np.int64)
    cols = np.fromiter((age - MIN_AGE for span in spans for age in span), dtype=np.int64, count=len(rows))
    lengths = np.fromiter((len(span) for span in spans), dtype=np.float32, count=n)
    a[rows, col + cols] = WEIGHTS["ages"] / np.sqrt(lengths[rows])
    b[rows, col + cols] = 1.0 / np.sqrt(lengths[rows])
    col += AGE_SPAN

    for name, index in (("objectives", vocab.objectives), ("themes", vocab.themes)):
        rows, cols, norm = _multi_hot([getattr(p, name) for p in profiles], index)
        a[rows, col + cols] = WEIGHTS[name] * norm
        b[rows, col + cols] = norm
        col += len(index)
        if name == "objectives" and vocab.vision_basis is not None:
            col = _encode_visions(profiles, vocab, vocab.vision_basis, a, b, col, rows, cols, norm)

    bands = np.fromiter(
        (BANDS if (band := class_size_band(p.class_size)) is None else band for p in profiles), dtype=np.int64, count=n
    )
    a[:, col : col + BANDS + 1] = WEIGHTS["class_size"] * BAND_KERNEL[bands]
    b[np.arange(n), col + bands] = 1.0
    col += BANDS + 1

    groups = np.fromiter(
        (vocab.timetables[p.timetable_signature(vocab.when)] for p in profiles), dtype=np.int64, count=n
    )
    a[:, col : col + len(vocab.timetables)] = vocab.timetable_fit[groups]
    b[np.arange(n), col + groups] = 1.0
    col += len(vocab.timetables)

    # Country wishes, in both directions: my wish list against your country, and yours against mine.
    width = len(vocab.countries) + 1
    own = np.fromiter((vocab.countries.get(p.country, width - 1) for p in profiles), dtype=np.int64, count=n)
    wishes = np.full((n, width), WEIGHTS["preferences"] / 2, dtype=np.float32)
    for i, p in enumerate(profiles):
        if p.wanted_countries:
            wishes[i] = 0.0
            wishes[i, [vocab.countries[c] for c in p.wanted_countries]] = WEIGHTS["preferences"] / 2
        if p.excluded_countries:
            wishes[i, [vocab.countries[c] for c in p.excluded_countries]] -= HARD
    a[:, col : col + width] = wishes
    b[np.arange(n), col + own] = 1.0
    a[np.arange(n), col + width + own] = 1.0
    b[:, col + width : col + 2 * width] = wishes
    col += 2 * width

    # The age rule: my partner's youngest age may not be above my oldest + gap, nor its oldest
    # below my youngest − gap. B marks its first and last age; A puts −HARD on the ages too far.
    gap = vocab.rules.max_age_gap
    low = np.fromiter((span.start - MIN_AGE for span in spans), dtype=np.int64, count=n)
    high = np.fromiter((span.stop - 1 - MIN_AGE for span in spans), dtype=np.int64, count=n)
    age = np.arange(AGE_SPAN)
    a[:, col : col + AGE_SPAN] = np.where(age[None, :] > high[:, None] + gap, -HARD, 0.0)
    b[np.arange(n), col + low] = 1.0
    col += AGE_SPAN
    a[:, col : col + AGE_SPAN] = np.where(age[None, :] < low[:, None] - gap, -HARD, 0.0)
    b[np.arange(n), col + high] = 1.0
    return a, b


def _encode_visions(
    profiles: list[Profile],
    vocab: Vocabulary,
    basis: Floats,  # the vocabulary's vision basis, known to be there
    a: Floats,
    b: Floats,
    col: int,
    rows: Indices,
    cols: Indices,
    norm: Floats,
) -> int:
    """Blocks that turn the objectives part into ½·curated + ¼·(1 + vision cosine) when both have a vision.

    With p = 1 for a profile with a vision: w·[c·c − ½·pₐp_b·c·c + ¼·pₐp_b + ¼·pₐp_b·vₐ·v_b].
    """
    w = WEIGHTS["objectives"]
    has = np.array([p.vision is not None for p in profiles], dtype=np.float32)
    a[rows, col + cols] = -0.5 * w * norm * has[rows]
    b[rows, col + cols] = norm * has[rows]
    col += len(vocab.objectives)
    a[:, col] = 0.25 * w * has
    b[:, col] = has
    col += 1
    with_vision = np.flatnonzero(has)
    if len(with_vision):
        projected = np.asarray([profiles[i].vision for i in with_vision], dtype=np.float32) @ basis
        a[with_vision, col : col + basis.shape[1]] = 0.25 * w * projected
        b[with_vision, col : col + basis.shape[1]] = projected
    return col + int(basis.shape[1])


def language_groups(profiles: list[Profile], vocab: Vocabulary) -> npt.NDArray[np.int32]:
    return np.fromiter(
        (vocab.language_keys[vocab.language_key(p, vocab.other_country)] for p in profiles),
        dtype=np.int32,
        count=len(profiles),
    )


@dataclass
class Side:
    """One side of a run, encoded and ordered by language key (so the language table expands by runs)."""

    order: Indices  # position in the sorted encoding → index in the caller's list
    a: Floats
    b: Floats
    groups: npt.NDArray[np.int32]
    group_counts: Indices
    schools: Indices  # school index per sorted row (shared numbering across sides)

    @classmethod
    def build(cls, profiles: list[Profile], vocab: Vocabulary, school_index: dict[str, int]) -> Side:
        groups = language_groups(profiles, vocab)
        order = np.argsort(groups, kind="stable")
        a, b = encode([profiles[i] for i in order], vocab)
        groups = groups[order]
        schools = np.fromiter((school_index[profiles[i].school] for i in order), dtype=np.int64, count=len(order))
        return cls(order, a, b, groups, np.bincount(groups, minlength=len(vocab.language_keys)), schools)


def _best_in_rows(scores: Floats, k: int, width: int) -> tuple[Indices, Floats]:
    """Column indices and values of each row's k best entries, via per-block maxima.

    `scores` is padded with -inf to a whole number of blocks; `width` is its real width. A row's
    k best entries lie in the k blocks with the highest maxima, so only those blocks are searched:
    far cheaper than partitioning every full row.
    """
    rows, padded = scores.shape
    k = min(k, width)
    blocks = scores.reshape(rows, padded // BLOCK, BLOCK)
    kb = min(k, blocks.shape[1])
    best_blocks = np.argpartition(blocks.max(axis=2), -kb, axis=1)[:, -kb:]
    gathered = blocks[np.arange(rows)[:, None], best_blocks].reshape(rows, kb * BLOCK)
    within = np.argpartition(gathered, -k, axis=1)[:, -k:]
    columns = best_blocks[np.arange(rows)[:, None], within // BLOCK] * BLOCK + within % BLOCK
    return columns, np.take_along_axis(gathered, within, axis=1)


def best_partners(
    rows: Side,
    cols: Side,
    *,
    vocab: Vocabulary,
    k: int,
    forbidden: set[tuple[int, int]],
    blocked: dict[int, list[int]] | None = None,
    chunk: int = 512,
    progress: Callable[[float], None] | None = None,
) -> tuple[Indices, Indices, Floats]:
    """Each row's k best possible partners among the columns: (row positions, column positions, scores).

    Positions are in each side's sorted order. Pairs of one school, forbidden school pairs
    (already declined or already twinned), and `blocked` pairs (row position → column positions,
    e.g. `Rules.forbidden`) are never returned.
    """
    out_rows, out_cols, out_scores = [], [], []
    forbidden_by_school: dict[int, list[int]] = {}
    for x, y in forbidden:
        forbidden_by_school.setdefault(x, []).append(y)
        forbidden_by_school.setdefault(y, []).append(x)
    col_by_school: dict[int, list[int]] = {}
    for position, school in enumerate(cols.schools.tolist()):
        col_by_school.setdefault(school, []).append(position)

    width = len(cols.order)
    padded = -(-width // BLOCK) * BLOCK
    partners = np.zeros((padded, cols.b.shape[1]), dtype=np.float32)
    partners[:width] = cols.b
    partners = partners.T.copy()
    for start in range(0, len(rows.order), chunk):
        stop = min(start + chunk, len(rows.order))
        scores = rows.a[start:stop] @ partners
        scores[:, :width] += np.repeat(vocab.language_table[rows.groups[start:stop]], cols.group_counts, axis=1)
        scores[:, width:] = -np.inf
        for offset, school in enumerate(rows.schools[start:stop].tolist()):
            # Never a school with itself: in one pool that is the diagonal, and any other profile of it.
            blocked_here = list(col_by_school.get(school, ()))
            for other in forbidden_by_school.get(school, ()):
                blocked_here.extend(col_by_school.get(other, ()))
            if blocked:
                blocked_here.extend(blocked.get(start + offset, ()))
            if blocked_here:
                scores[offset, blocked_here] = -np.inf
        columns, values = _best_in_rows(scores, k, width)
        keep = values > 0
        out_rows.append(np.broadcast_to(np.arange(start, stop)[:, None], columns.shape)[keep])
        out_cols.append(columns[keep])
        out_scores.append(values[keep])
        if progress is not None:
            progress(stop / len(rows.order))
    if not out_rows:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.float32)
    return np.concatenate(out_rows), np.concatenate(out_cols), np.concatenate(out_scores)


def all_scores(rows: Side, cols: Side, *, vocab: Vocabulary) -> Floats:
    """The full score matrix (sorted positions), without school-level exclusions. For small runs and tests."""
    scores = rows.a @ cols.b.T
    scores += np.repeat(vocab.language_table[rows.groups], cols.group_counts, axis=1)
    return scores
