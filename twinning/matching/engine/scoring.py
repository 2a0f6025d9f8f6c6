"""Vectorised scoring: every pair of a cohort, or one query against a whole index.

The score is built so that almost all of it is a dot product of two feature vectors (one
encoding for "this school", one for "its partner"): ages, objectives and themes as normalised
sets, class size, timetable and country preferences through small lookup tables folded into the
vectors. One matrix product per block of rows then scores a block of pairs. The hard rules on
ages and countries are −HARD entries in the same vectors. Only the language part (the best shared
language, and the hard "no language in common" rule) is not linear: profiles are grouped by
language signature, and the part between groups comes from one matrix product of level
indicators (see `Vocabulary.language_part`), computed per block of rows, so nothing is ever
quadratic in the number of distinct signatures. Hard constraints push a pair's score below zero,
so "possible" simply means "score > 0".
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
    LEVELS,
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
CHUNK_ENTRIES = 2**25  # at most about this many scores held at once (rows of a block × columns)

Floats = npt.NDArray[np.float32]
# The weighted language part by the level of the best shared language (0: none, a hard refusal).
LANGUAGE_LOOKUP = np.array([-HARD, *(WEIGHTS["language"] * LEVEL_VALUE[level] for level in LEVELS)], dtype=np.float32)
Indices = npt.NDArray[np.int64]
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


# A profile's place ("where": its timetable, its country, its wishes about countries) and its class
# ("who": its age range and class-size band). Parts of the score that depend only on these are
# read from small tables per block of rows instead of being columns of the matrix product.
WhereKey = tuple[TimetableSignature, str, frozenset[str], frozenset[str]]
WhoKey = tuple[int, int, int]  # youngest and oldest age (clipped, from MIN_AGE), class-size band


@dataclass
class Vocabulary:
    """Everything the profiles of one run mention, numbered, and the pairwise tables built on it."""

    objectives: dict[str, int]
    themes: dict[str, int]
    nations: dict[str, int]  # every country of the run
    timetables: dict[TimetableSignature, int]
    timetable_fit: Floats  # timetable × timetable → weighted timetable part
    where_keys: dict[WhereKey, int]
    where_timetable: Indices  # where group → its timetable
    where_nation: Indices  # where group → its country
    where_wishes: Floats  # where group × country → its half of the preferences part (−HARD: excluded, or same country)
    who_keys: dict[WhoKey, int]
    who_fit: Floats  # who × who → weighted ages and class-size parts, −HARD when the ages are too far apart
    language_keys: dict[LanguageSignature, int]
    # signature × (level, language): 1 where the signature has the language at that level or
    # above, times 1, BASE or BASE² for levels 1, 2, 3 in `language_weighted` (see `language_part`).
    language_levels: Floats
    language_weighted: Floats
    language_base: int
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
        nations = _index(sorted({c for p in profiles for c in p.wanted_countries | p.excluded_countries | {p.country}}))
        timetables = _index(sorted({p.timetable_signature(when) for p in profiles}))
        masks = np.stack([_slot_mask(sig) for sig in timetables]) if timetables else np.zeros((0, 1))
        hours = masks @ masks.T * (SLOT_MINUTES / 60)
        timetable_fit = (WEIGHTS["timetable"] * np.minimum(1.0, hours / TIMETABLE_FULL_HOURS)).astype(np.float32)
        language_keys = _index(sorted({p.language_signature() for p in profiles}))
        levels, weighted, base = _language_levels(list(language_keys))
        where_keys = _index(sorted({where_key(p, when) for p in profiles}, key=repr))
        where_timetable = np.array([timetables[key[0]] for key in where_keys], dtype=np.int64)
        where_nation = np.array([nations[key[1]] for key in where_keys], dtype=np.int64)
        where_wishes = _where_wishes(list(where_keys), nations, other_country=one_pool or rules.other_country)
        who_keys = _index(sorted({who_key(p) for p in profiles}))
        return cls(
            objectives,
            themes,
            nations,
            timetables,
            timetable_fit,
            where_keys,
            where_timetable,
            where_nation,
            where_wishes,
            who_keys,
            _who_fit(list(who_keys), rules.max_age_gap),
            language_keys,
            levels,
            weighted,
            base,
            when,
            one_pool,
            _vision_basis(profiles),
            rules,
        )

    def language_part(self, groups: npt.NDArray[np.integer], against: Indices | None = None) -> Floats:
        """The weighted language part (or −HARD: no language in common) of these signatures × every
        signature (or those `against`).

        With S_t a signature's languages at level t or above, the best shared language is at level
        3 when S_3 ∩ S_3' ≠ ∅, else 2 when S_2 ∩ S_2' ≠ ∅, else 1 when S_1 ∩ S_1' ≠ ∅. One product
        of the level indicators gives |S_1∩S_1'| + BASE·|S_2∩S_2'| + BASE²·|S_3∩S_3'| (each count
        below BASE), whose thresholds say the level: exact, and linear in the signatures.
        """
        weighted = self.language_weighted if against is None else self.language_weighted[against]
        counts = self.language_levels[groups] @ weighted.T
        base = np.float32(self.language_base)
        level = (counts >= 1).view(np.int8)
        level += (counts >= base).view(np.int8)
        level += (counts >= base * base).view(np.int8)
        part: Floats = LANGUAGE_LOOKUP[level]
        return part

    @property
    def language_table(self) -> Floats:
        """Every signature × every signature (for small runs and tests)."""
        return self.language_part(np.arange(len(self.language_keys)))

    def where_part(self, groups: Indices) -> Floats:
        """Timetable and preferences parts (−HARD: an excluded or, when it counts, the same country):
        these where groups × every where group."""
        table: Floats = self.timetable_fit[self.where_timetable[groups]][:, self.where_timetable]
        table += self.where_wishes[groups][:, self.where_nation]
        table += self.where_wishes[:, self.where_nation[groups]].T
        return table

    @property
    def width(self) -> int:
        return (
            len(self.objectives)
            + len(self.themes)
            + (0 if self.vision_basis is None else len(self.objectives) + 1 + self.vision_basis.shape[1])
        )


def where_key(profile: Profile, when: datetime) -> WhereKey:
    return (profile.timetable_signature(when), profile.country, profile.wanted_countries, profile.excluded_countries)


def who_key(profile: Profile) -> WhoKey:
    span = ages(profile)
    band = class_size_band(profile.class_size)
    return (span.start - MIN_AGE, span.stop - 1 - MIN_AGE, BANDS if band is None else band)


def _where_wishes(keys: list[WhereKey], nations: dict[str, int], *, other_country: bool) -> Floats:
    """Each where group's half of the preferences part, by the partner's country."""
    table = np.full((len(keys), len(nations)), WEIGHTS["preferences"] / 2, dtype=np.float32)
    for g, (_timetable, country, wanted, excluded) in enumerate(keys):
        if wanted:
            table[g] = 0.0
            table[g, [nations[c] for c in wanted]] = WEIGHTS["preferences"] / 2
        if excluded:
            table[g, [nations[c] for c in excluded]] -= HARD
        if other_country:
            table[g, nations[country]] -= HARD
    return table


def _who_fit(keys: list[WhoKey], max_age_gap: int) -> Floats:
    """Weighted ages part (cosine of the age sets) and class-size part, −HARD beyond the age gap."""
    low = np.array([key[0] for key in keys], dtype=np.int64)
    high = np.array([key[1] for key in keys], dtype=np.int64)
    bands = np.array([key[2] for key in keys], dtype=np.int64)
    common = np.maximum(0, np.minimum(high[:, None], high[None, :]) - np.maximum(low[:, None], low[None, :]) + 1)
    length = (high - low + 1).astype(np.float64)
    cosine = common / np.sqrt(length[:, None] * length[None, :])
    gap = np.maximum(low[:, None], low[None, :]) - np.minimum(high[:, None], high[None, :])
    fit = WEIGHTS["ages"] * cosine + WEIGHTS["class_size"] * BAND_KERNEL[bands][:, bands]
    table: Floats = np.where(gap > max_age_gap, fit - HARD, fit).astype(np.float32)
    return table


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
    gram = (stacked.T @ stacked).astype(np.float64)
    # The top directions by subspace iteration (a few products and small QRs), then Rayleigh–Ritz:
    # a full eigh of the 384 × 384 matrix is as exact but takes seconds on a busy machine.
    start = np.random.default_rng(0).standard_normal((dimensions, VISION_REDUCED + 16))
    basis = np.linalg.qr(gram @ start)[0]
    for _ in range(8):
        basis = np.linalg.qr(gram @ basis)[0]
    _values, vectors = np.linalg.eigh(basis.T @ gram @ basis)
    return np.ascontiguousarray(basis @ vectors[:, -VISION_REDUCED:], dtype=np.float32)


def _language_levels(keys: list[LanguageSignature]) -> tuple[Floats, Floats, int]:
    """Level indicators of each signature (see `Vocabulary.language_part`), plain and weighted."""
    codes = _index(sorted({code for signature in keys for code, _level in signature}))
    width = len(codes)
    levels = np.zeros((len(keys), len(LEVELS) * width), dtype=np.float32)
    rows = np.fromiter((i for i, signature in enumerate(keys) for _ in signature), dtype=np.int64)
    columns = np.fromiter((codes[code] for signature in keys for code, _ in signature), dtype=np.int64, count=len(rows))
    spoken = np.fromiter((level for signature in keys for _, level in signature), dtype=np.int64, count=len(rows))
    for t, level in enumerate(LEVELS):
        at = spoken >= level
        levels[rows[at], t * width + columns[at]] = 1.0
    # Counts of shared languages stay below BASE, so the three levels' counts never mix.
    base = 1 + max((len(signature) for signature in keys), default=0)
    weights = np.repeat(np.array([base**t for t in range(len(LEVELS))], dtype=np.float32), width)
    return levels, levels * weights, base


def _multi_hot(sets: list[frozenset[str]], index: dict[str, int]) -> tuple[Indices, Indices, Floats]:
    """(rows, columns, 1/√size) of a list of sets, flattened."""
    rows = np.fromiter((i for i, items in enumerate(sets) for _ in items), dtype=np.int64)
    cols = np.fromiter((index[item] for items in sets for item in items), dtype=np.int64, count=len(rows))
    sizes = np.fromiter((len(items) for items in sets), dtype=np.float32, count=len(sets))
    # np.divide is what `/` calls; spelled out because NumPy's stubs type `1.0 / float32 array` as
    # float64, while the result is float32 (a Python float does not widen an array).
    return rows, cols, np.divide(1.0, np.sqrt(np.maximum(sizes[rows], 1.0)))


def encode(profiles: list[Profile], vocab: Vocabulary) -> tuple[Floats, Floats]:
    """The two encodings of each profile: as "this school" (A) and as "the partner" (B).

    Only the objectives, themes and visions are columns; the rest comes from the where, who and
    language tables (see `Side`).
    """
    n = len(profiles)
    a = np.zeros((n, vocab.width), dtype=np.float32)
    b = np.zeros((n, vocab.width), dtype=np.float32)
    col = 0
    for name, index in (("objectives", vocab.objectives), ("themes", vocab.themes)):
        rows, cols, norm = _multi_hot([getattr(p, name) for p in profiles], index)
        a[rows, col + cols] = WEIGHTS[name] * norm
        b[rows, col + cols] = norm
        col += len(index)
        if name == "objectives" and vocab.vision_basis is not None:
            col = _encode_visions(profiles, vocab, vocab.vision_basis, a, b, col, rows, cols, norm)
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
        (vocab.language_keys[p.language_signature()] for p in profiles),
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
    where: Indices  # where group per sorted row
    who: Indices  # who group per sorted row
    low: Indices  # youngest age per sorted row (clipped, from MIN_AGE)
    high: Indices  # oldest age

    @classmethod
    def build(cls, profiles: list[Profile], vocab: Vocabulary, school_index: dict[str, int]) -> Side:
        groups = language_groups(profiles, vocab)
        order = np.argsort(groups, kind="stable")
        ordered = [profiles[i] for i in order]
        a, b = encode(ordered, vocab)
        groups = groups[order]
        n = len(order)
        schools = np.fromiter((school_index[p.school] for p in ordered), dtype=np.int64, count=n)
        where = np.fromiter((vocab.where_keys[where_key(p, vocab.when)] for p in ordered), dtype=np.int64, count=n)
        whos = [who_key(p) for p in ordered]
        who = np.fromiter((vocab.who_keys[key] for key in whos), dtype=np.int64, count=n)
        low = np.fromiter((key[0] for key in whos), dtype=np.int64, count=n)
        high = np.fromiter((key[1] for key in whos), dtype=np.int64, count=n)
        counts = np.bincount(groups, minlength=len(vocab.language_keys))
        return cls(order, a, b, groups, counts, schools, where, who, low, high)


def tabled_parts(
    rows: Side, cols: Side, positions: Indices, *, vocab: Vocabulary, out: Floats, columns: Indices | None = None
) -> None:
    """Add the table parts (language, where, who) of these rows × the columns (all, or these, ascending) to `out`."""
    groups, inverse = np.unique(rows.groups[positions], return_inverse=True)
    counts = (
        cols.group_counts if columns is None else np.bincount(cols.groups[columns], minlength=len(cols.group_counts))
    )
    present = np.flatnonzero(counts)  # only the signatures these columns have
    out += np.repeat(vocab.language_part(groups, present)[inverse], counts[present], axis=1)
    col_where = cols.where if columns is None else cols.where[columns]
    where_groups, where_inverse = np.unique(rows.where[positions], return_inverse=True)
    out += np.take(vocab.where_part(where_groups)[:, col_where], where_inverse, axis=0)
    out += np.take(vocab.who_fit[rows.who[positions]], cols.who if columns is None else cols.who[columns], axis=1)


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

    # Rows go by age, so a block of rows spans few ages and only columns of compatible ages (the age
    # rule) are scored: the work grows with the possible pairs, not with rows × columns.
    gap = vocab.rules.max_age_gap
    by_age = np.lexsort((rows.high, rows.low))
    n_rows, n_cols = len(rows.order), len(cols.order)
    chunk = min(chunk, max(64, CHUNK_ENTRIES // max(n_cols, 1)))
    partners_all = cols.b.T.copy()
    for start in range(0, n_rows, chunk):
        stop = min(start + chunk, n_rows)
        positions = by_age[start:stop]
        possible = (cols.low <= rows.high[positions].max() + gap) & (cols.high >= rows.low[positions].min() - gap)
        columns = None if possible.all() else np.flatnonzero(possible)
        width = n_cols if columns is None else len(columns)
        if width == 0:
            continue
        padded = -(-width // BLOCK) * BLOCK
        scores = np.empty((stop - start, padded), dtype=np.float32)
        partners = partners_all if columns is None else np.take(partners_all, columns, axis=1)
        np.matmul(rows.a[positions], partners, out=scores[:, :width])
        tabled_parts(rows, cols, positions, vocab=vocab, out=scores[:, :width], columns=columns)
        scores[:, width:] = -np.inf
        at = None
        if columns is not None:
            at = np.full(n_cols, -1, dtype=np.int64)
            at[columns] = np.arange(width)
        for offset, (row, school) in enumerate(zip(positions.tolist(), rows.schools[positions].tolist(), strict=True)):
            # Never a school with itself: in one pool that is the diagonal, and any other profile of it.
            blocked_here = list(col_by_school.get(school, ()))
            for other in forbidden_by_school.get(school, ()):
                blocked_here.extend(col_by_school.get(other, ()))
            if blocked:
                blocked_here.extend(blocked.get(row, ()))
            if blocked_here and at is not None:
                found = at[blocked_here]
                blocked_here = found[found >= 0].tolist()
            if blocked_here:
                scores[offset, blocked_here] = -np.inf
        found_columns, values = _best_in_rows(scores, k, width)
        keep = values > 0
        out_rows.append(np.broadcast_to(positions[:, None], found_columns.shape)[keep])
        chosen = found_columns[keep]
        out_cols.append(chosen if columns is None else columns[chosen])
        out_scores.append(values[keep])
        if progress is not None:
            progress(stop / n_rows)
    if not out_rows:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.float32)
    return np.concatenate(out_rows), np.concatenate(out_cols), np.concatenate(out_scores)


def all_scores(rows: Side, cols: Side, *, vocab: Vocabulary) -> Floats:
    """The full score matrix (sorted positions), without school-level exclusions. For small runs and tests."""
    scores = rows.a @ cols.b.T
    tabled_parts(rows, cols, np.arange(len(rows.order)), vocab=vocab, out=scores)
    return scores
