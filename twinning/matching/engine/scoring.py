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

Finding each school's best candidates (`best_partners`) scores only pairs that could be possible:
one block per language (the rows that speak it × the columns that speak it, a pair sharing two
languages struck out of the later block), rows in chunks of whole age ranges, each chunk against
exactly the columns whose ages the rule allows with them. Inside a block every pair shares a
language, so the language part is two clipped products of level indicators (`LanguageSteps`)
instead of a table lookup per entry. Each chunk is scored once and read both ways: its rows' k
best (per-block maxima over 16 columns one stride apart) and its columns' k best (per-part
maxima over 4 rows), merged into each side's running k best; a row or column whose best entry in
the chunk does not beat its k-th best so far is skipped. In one pool the scores are symmetric, so only
the upper triangle (partner later by age) is scored. The matrix products run on one BLAS thread
(see `assign.Cohort.build`).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Iterator
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
BLOCK = 16  # columns per block when looking for each row's best partners
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
    _wishes_by_nation: Floats | None = None

    @property
    def other_country(self) -> bool:
        return self.one_pool or self.rules.other_country

    @classmethod
    def build(
        cls,
        profiles: list[Profile],
        *,
        when: datetime,
        one_pool: bool,
        rules: Rules = DEFAULT_RULES,
        keys: Keys | None = None,
    ) -> Vocabulary:
        keys = keys or Keys.of(profiles, when)
        objectives = _index(sorted({o for p in profiles for o in p.objectives}))
        themes = _index(sorted({t for p in profiles for t in p.themes}))
        nations = _index(sorted({c for p in profiles for c in p.wanted_countries | p.excluded_countries | {p.country}}))
        timetables = _index(sorted({where[0] for where in set(keys.where)}))
        masks = np.stack([_slot_mask(sig) for sig in timetables]) if timetables else np.zeros((0, 1))
        hours = masks @ masks.T * (SLOT_MINUTES / 60)
        timetable_fit = (WEIGHTS["timetable"] * np.minimum(1.0, hours / TIMETABLE_FULL_HOURS)).astype(np.float32)
        language_keys = _index(sorted(set(keys.language)))
        levels, weighted, base = _language_levels(list(language_keys))
        where_keys = _index(sorted(set(keys.where), key=repr))
        where_timetable = np.array([timetables[key[0]] for key in where_keys], dtype=np.int64)
        where_nation = np.array([nations[key[1]] for key in where_keys], dtype=np.int64)
        where_wishes = _where_wishes(list(where_keys), nations, other_country=one_pool or rules.other_country)
        who_keys = _index(sorted(set(keys.who)))
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

    def language_part(self, groups: npt.NDArray[np.integer], against: npt.NDArray[np.integer] | None = None) -> Floats:
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

    def where_part(self, groups: Indices, against: Indices | None = None) -> Floats:
        """Timetable and preferences parts (−HARD: an excluded or, when it counts, the same country):
        these where groups × every where group (or those `against`)."""
        timetables = self.where_timetable if against is None else self.where_timetable[against]
        nations = self.where_nation if against is None else self.where_nation[against]
        table: Floats = self.timetable_fit[self.where_timetable[groups]][:, timetables]
        table += self.where_wishes[groups][:, nations]
        wishes = self.wishes_by_nation if against is None else self.wishes_by_nation[:, against]
        table += wishes[self.where_nation[groups]]
        return table

    @property
    def wishes_by_nation(self) -> Floats:
        """`where_wishes` turned round (country × where group), so a row of it is one read."""
        if self._wishes_by_nation is None:
            self._wishes_by_nation = np.ascontiguousarray(self.where_wishes.T)
        return self._wishes_by_nation

    @property
    def base_width(self) -> int:
        """Columns of the encodings every profile uses (objectives and themes); the visions' follow."""
        return len(self.objectives) + len(self.themes)

    @property
    def width(self) -> int:
        return self.base_width + (
            0 if self.vision_basis is None else len(self.objectives) + 1 + self.vision_basis.shape[1]
        )


@dataclass
class Keys:
    """Each profile's language signature, where and who keys, worked out once per run."""

    language: list[LanguageSignature]
    where: list[WhereKey]
    who: list[WhoKey]

    @classmethod
    def of(cls, profiles: list[Profile], when: datetime) -> Keys:
        # Many profiles share a school week or an age range: each distinct one is worked out once.
        weeks: dict[tuple[str, tuple[int, ...], int, int], TimetableSignature] = {}
        whos: dict[tuple[int, int, int | None], WhoKey] = {}
        language, where, who = [], [], []
        for p in profiles:
            language.append(tuple(sorted(p.languages.items())))
            week = (p.time_zone, p.days, p.day_start, p.day_end)
            if week not in weeks:
                weeks[week] = p.timetable_signature(when)
            where.append((weeks[week], p.country, p.wanted_countries, p.excluded_countries))
            span = (p.age_from, p.age_to, p.class_size)
            if span not in whos:
                whos[span] = who_key(p)
            who.append(whos[span])
        return cls(language, where, who)

    def part(self, start: int, stop: int | None = None) -> Keys:
        return Keys(self.language[start:stop], self.where[start:stop], self.who[start:stop])


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
    language tables (see `Side`). The visions' columns come last (from `vocab.base_width`): a
    profile without a vision has zeros there, so its products can skip them.
    """
    n = len(profiles)
    a = np.zeros((n, vocab.width), dtype=np.float32)
    b = np.zeros((n, vocab.width), dtype=np.float32)
    col = 0
    objectives = _multi_hot([p.objectives for p in profiles], vocab.objectives)
    for name, index, (rows, cols, norm) in (
        ("objectives", vocab.objectives, objectives),
        ("themes", vocab.themes, _multi_hot([p.themes for p in profiles], vocab.themes)),
    ):
        a[rows, col + cols] = WEIGHTS[name] * norm
        b[rows, col + cols] = norm
        col += len(index)
    if vocab.vision_basis is not None:
        _encode_visions(profiles, vocab, vocab.vision_basis, a, b, col, *objectives)
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
    with_vision: npt.NDArray[np.bool_]  # per sorted row: has a vision (uses the encodings' last columns)

    @classmethod
    def build(
        cls, profiles: list[Profile], vocab: Vocabulary, school_index: dict[str, int], keys: Keys | None = None
    ) -> Side:
        keys = keys or Keys.of(profiles, vocab.when)
        n = len(profiles)
        groups = np.fromiter((vocab.language_keys[key] for key in keys.language), dtype=np.int32, count=n)
        order = np.argsort(groups, kind="stable")
        ordered = [profiles[i] for i in order]
        a, b = encode(ordered, vocab)
        groups = groups[order]
        schools = np.fromiter((school_index[p.school] for p in ordered), dtype=np.int64, count=n)
        where = np.fromiter((vocab.where_keys[key] for key in keys.where), dtype=np.int64, count=n)[order]
        who_keys = vocab.who_keys
        who = np.fromiter((who_keys[key] for key in keys.who), dtype=np.int64, count=n)[order]
        spans = np.array(list(who_keys), dtype=np.int64).reshape(-1, 3)
        low, high = spans[who, 0], spans[who, 1]
        counts = np.bincount(groups, minlength=len(vocab.language_keys))
        with_vision = np.fromiter((p.vision is not None for p in ordered), dtype=bool, count=n)
        return cls(order, a, b, groups, counts, schools, where, who, low, high, with_vision)


def tabled_parts(
    rows: Side,
    cols: Side,
    positions: Indices,
    *,
    vocab: Vocabulary,
    out: Floats,
    columns: Indices | None = None,
    scratch: Floats | None = None,
    language: bool = True,
    constant: float = 0.0,
) -> None:
    """Add the table parts (language, where, who) of these rows × the columns (all, or these) to `out`.

    `scratch`, at least as large as `out`, holds each part on its way (no new array per block).
    Without `language` the language part is left out (`LanguageSteps` adds it), and `constant`
    is added to every entry (with the who part, at no cost).
    """
    r, w = out.shape
    part = np.empty((r, w), dtype=np.float32) if scratch is None else scratch[: r * w].reshape(r, w)
    if language:
        present, col_language = np.unique(cols.groups if columns is None else cols.groups[columns], return_inverse=True)
        groups, inverse = np.unique(rows.groups[positions], return_inverse=True)
        np.take(vocab.language_part(groups, present)[inverse], col_language, axis=1, out=part)
        out += part
    # Only the where groups the columns use: a run has thousands, a chunk's columns some of them.
    col_groups, col_where = np.unique(cols.where if columns is None else cols.where[columns], return_inverse=True)
    where_groups, where_inverse = np.unique(rows.where[positions], return_inverse=True)
    np.take(vocab.where_part(where_groups, col_groups)[:, col_where], where_inverse, axis=0, out=part)
    out += part
    col_who = cols.who if columns is None else cols.who[columns]
    row_who = rows.who[positions]
    runs = np.flatnonzero(np.r_[True, row_who[1:] != row_who[:-1]])
    if len(runs) * 8 <= r:
        # Rows come in runs of one age range and class size (see `best_partners`): one line of the
        # table per run, added to the run's rows in place.
        lines = vocab.who_fit[row_who[runs]][:, col_who]
        if constant:
            lines += np.float32(constant)
        for start, stop, line in zip(runs.tolist(), [*runs[1:].tolist(), r], lines, strict=True):
            out[start:stop] += line
    else:
        who = vocab.who_fit[row_who]
        if constant:
            who += np.float32(constant)
        np.take(who, col_who, axis=1, out=part)
        out += part


@dataclass
class LanguageSteps:
    """The language part of pairs known to share a language, as matrix products.

    Such a pair's best shared language is at level 1 or more, so its part is the weight of level
    1 (`constant`), plus the step to level 2 when a language is at level 2 or more on both sides,
    plus the step to level 3 likewise. "On both sides" is a product of level indicators clipped
    at 1 (the step scales them): two small products and two clipped sums per chunk, where a table
    of the chunk's signatures × its partners' and a gather from it cost several times more.
    """

    constant: float
    rows: list[Floats]  # per step: each row's indicators at that level or above, times the step
    cols: list[Floats]  # per step: each column's indicators
    steps: list[float]

    @classmethod
    def of(cls, rows: Side, cols: Side, vocab: Vocabulary) -> LanguageSteps:
        width = vocab.language_levels.shape[1] // len(LEVELS)
        values = [WEIGHTS["language"] * LEVEL_VALUE[level] for level in LEVELS]
        steps = [high - low for low, high in zip(values, values[1:], strict=False)]
        row_levels, col_levels = vocab.language_levels[rows.groups], vocab.language_levels[cols.groups]
        return cls(
            values[0],
            [row_levels[:, t * width : (t + 1) * width] * np.float32(step) for t, step in enumerate(steps, 1)],
            [np.ascontiguousarray(col_levels[:, t * width : (t + 1) * width]) for t in range(1, len(LEVELS))],
            steps,
        )

    def add(self, out: Floats, positions: Indices, columns: Indices, scratch: Floats) -> None:
        """Add the steps of these rows × these columns (not the constant) to `out`."""
        r, w = out.shape
        part = scratch[: r * w].reshape(r, w)
        for mine, theirs, step in zip(self.rows, self.cols, self.steps, strict=True):
            np.matmul(mine[positions], theirs[columns].T, out=part)
            np.minimum(part, np.float32(step), out=part)
            out += part


def _best_in_rows(scores: Floats, k: int, width: int, floor: Floats | None = None) -> tuple[Indices, Indices, Floats]:
    """The rows with an entry above their `floor` (all rows without one), and their k best
    entries' column indices and values (live rows × k), via per-block maxima.

    `scores` is padded with -inf to a whole number of blocks; `width` is its real width. A row's
    k best entries lie in the k blocks with the highest maxima, so only those blocks are searched:
    far cheaper than partitioning every full row. A block is BLOCK columns one stride apart
    (columns b, b + stride, b + 2·stride…): their maxima are one reduction over a middle axis,
    which runs along contiguous memory, several times faster than a reduction over BLOCK
    neighbouring columns.
    """
    rows, padded = scores.shape
    k = min(k, width)
    stride = padded // BLOCK
    blocks = scores.reshape(rows, BLOCK, stride)
    block_maxima = blocks.max(axis=1)
    live = np.arange(rows) if floor is None else np.flatnonzero(block_maxima.max(axis=1) > floor)
    if floor is not None:
        block_maxima = block_maxima[live]
    kb = min(k, stride)
    best_blocks = np.argpartition(block_maxima, -kb, axis=1)[:, -kb:]
    # live × kb × BLOCK column indices: each chosen block's columns.
    candidates = (best_blocks[:, :, None] + np.arange(BLOCK) * stride).reshape(len(live), kb * BLOCK)
    gathered = scores[live[:, None], candidates]
    within = np.argpartition(gathered, -k, axis=1)[:, -k:]
    columns = np.take_along_axis(candidates, within, axis=1)
    return live, columns, np.take_along_axis(gathered, within, axis=1)


def _blocked_pairs(
    rows: Side,
    cols: Side,
    forbidden: set[tuple[int, int]],
    blocked: dict[int, list[int]] | None,
) -> tuple[Indices, Indices]:
    """Pairs never to return, as a row-sorted list: (row index pointer, column positions).

    A school with itself (in one pool, the diagonal and any other profile of it), forbidden school
    pairs (already declined or twinned) and `blocked` pairs (row position → column positions).
    """
    by_school = np.argsort(cols.schools, kind="stable")
    sorted_schools = cols.schools[by_school]
    first = np.searchsorted(sorted_schools, rows.schools, side="left")
    last = np.searchsorted(sorted_schools, rows.schools, side="right")
    counts = last - first
    pair_rows = [np.repeat(np.arange(len(rows.schools)), counts)]
    pair_cols = [by_school[_ranges(first, counts)]]
    if forbidden:
        row_by_school: dict[int, list[int]] = {}
        for position, school in enumerate(rows.schools.tolist()):
            row_by_school.setdefault(school, []).append(position)
        for x, y in forbidden:
            for a, b in ((x, y), (y, x)):
                their_rows = row_by_school.get(a, [])
                if their_rows:
                    their_cols = by_school[
                        np.searchsorted(sorted_schools, b, "left") : np.searchsorted(sorted_schools, b, "right")
                    ]
                    pair_rows.append(np.repeat(np.array(their_rows, dtype=np.int64), len(their_cols)))
                    pair_cols.append(np.tile(their_cols, len(their_rows)))
    for row, blocked_here in (blocked or {}).items():
        pair_rows.append(np.full(len(blocked_here), row, dtype=np.int64))
        pair_cols.append(np.asarray(blocked_here, dtype=np.int64))
    all_rows, all_cols = np.concatenate(pair_rows), np.concatenate(pair_cols)
    order = np.argsort(all_rows, kind="stable")
    pointer = np.searchsorted(all_rows[order], np.arange(len(rows.schools) + 1))
    return pointer, all_cols[order]


def _ranges(starts: Indices, counts: Indices) -> Indices:
    """The concatenation of range(start, start + count) for each pair (vectorised)."""
    total = int(counts.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    # Each entry's offset within its own range, added to its range's start.
    ends = np.cumsum(counts)
    owner = np.repeat(np.arange(len(counts)), counts)
    offsets: Indices = np.arange(total, dtype=np.int64) - (ends - counts)[owner] + starts[owner]
    return offsets


# Beyond this many languages in a run, profiles' languages do not fit in one integer's bits and
# the scoring does not block by language (every pair is scored; the language table still rules).
MAX_BLOCKED_LANGUAGES = 62


def _blocks_by_language(vocab: Vocabulary) -> bool:
    return bool(vocab.language_levels.shape[1] // len(LEVELS) <= MAX_BLOCKED_LANGUAGES)


def language_blocks(rows: Side, cols: Side, vocab: Vocabulary) -> list[tuple[Indices, Indices, int]]:
    """(row positions, column positions, earlier languages) per language: the rows that speak it ×
    the columns that speak it, biggest first.

    A pair with no language in common is in no block (the hard rule rules it out), so only these
    blocks are scored. A pair sharing two languages belongs to the first block of the two: in a
    later one, the pairs sharing one of its earlier languages (bits of the third value, see
    `language_bits`) are struck out, so each pair is scored in exactly one block.
    """
    languages = vocab.language_levels.shape[1] // len(LEVELS)
    if not _blocks_by_language(vocab):
        return [(np.arange(len(rows.order)), np.arange(len(cols.order)), 0)]
    speaks = vocab.language_levels[:, :languages] > 0  # signature × language, at level 1 or above
    found = []
    for code in range(languages):
        speak_rows = np.flatnonzero(speaks[rows.groups, code])
        speak_cols = np.flatnonzero(speaks[cols.groups, code])
        if len(speak_rows) and len(speak_cols):
            found.append((len(speak_rows) * len(speak_cols), code, speak_rows, speak_cols))
    found.sort(key=lambda block: (-block[0], block[1]))
    blocks, earlier = [], 0
    for _size, code, speak_rows, speak_cols in found:
        blocks.append((speak_rows, speak_cols, earlier))
        earlier |= 1 << code
    return blocks


def language_bits(side: Side, vocab: Vocabulary) -> Indices:
    """Each sorted row's languages, one bit per language (runs of at most MAX_BLOCKED_LANGUAGES)."""
    languages = vocab.language_levels.shape[1] // len(LEVELS)
    if languages > MAX_BLOCKED_LANGUAGES:
        return np.zeros(len(side.order), dtype=np.int64)
    speaks = (vocab.language_levels[:, :languages] > 0).astype(np.int64)
    per_signature = speaks @ (np.int64(1) << np.arange(languages, dtype=np.int64))
    bits: Indices = per_signature[side.groups]
    return bits


class _Best:
    """Each key's k best (value, other) so far, merged block by block; every pair is offered once."""

    def __init__(self, n: int, k: int) -> None:
        self.k = k
        self.values = np.full((n, k), -np.inf, dtype=np.float32)
        self.others = np.full((n, k), -1, dtype=np.int64)
        # What a new candidate must beat: the k-th best so far once there are k, and never below 0.
        self.floor = np.zeros(n, dtype=np.float32)

    def merge(self, keys: Indices, others: Indices, values: Floats) -> None:
        """Offer each of `keys` (distinct) its candidates: `others` and `values`, one row per key."""
        both_values = np.concatenate([self.values[keys], values], axis=1)
        both_others = np.concatenate([self.others[keys], others], axis=1)
        if both_values.shape[1] > self.k:
            best = np.argpartition(both_values, -self.k, axis=1)[:, -self.k :]
            both_values = np.take_along_axis(both_values, best, axis=1)
            both_others = np.take_along_axis(both_others, best, axis=1)
        self.values[keys, : both_values.shape[1]] = both_values
        self.others[keys, : both_others.shape[1]] = both_others
        if both_values.shape[1] == self.k:
            self.floor[keys] = np.maximum(both_values.min(axis=1), 0.0)

    def pairs(self) -> tuple[Indices, Indices, Floats]:
        """(keys, others, values) of the possible pairs held (value > 0)."""
        keys, slots = np.nonzero(self.values > 0)
        return keys, self.others[keys, slots], self.values[keys, slots]


PART = 4  # rows per part when looking for each column's best rows


def _best_in_columns(scores: Floats, rows: int, k: int, width: int, floor: Floats) -> tuple[Indices, Indices, Floats]:
    """The columns with an entry above their `floor`, and their k best entries' row indices and
    values (live columns × k), via per-part maxima.

    `scores` has its rows padded with -inf to a whole number of parts of PART rows. A column's k
    best entries lie in the k parts with the highest maxima, so only those parts are searched; a
    column whose best entry here does not beat its floor (its k-th best so far) is skipped.
    """
    height = scores.shape[0]
    parts = height // PART
    part_maxima = scores.reshape(parts, PART, scores.shape[1])[:, :, :width].max(axis=1)
    live = np.flatnonzero(part_maxima.max(axis=0) > floor)
    maxima = np.ascontiguousarray(part_maxima[:, live].T)
    kp = min(k, parts)
    chosen = (
        np.argpartition(maxima, -kp, axis=1)[:, -kp:] if kp < parts else np.broadcast_to(np.arange(parts), maxima.shape)
    )
    row_ids = (chosen[:, :, None] * PART + np.arange(PART)).reshape(len(live), kp * PART)
    values = scores[row_ids, live[:, None]]
    kk = min(k, rows)
    if kk < values.shape[1]:
        within = np.argpartition(values, -kk, axis=1)[:, -kk:]
        return live, np.take_along_axis(row_ids, within, axis=1), np.take_along_axis(values, within, axis=1)
    return live, row_ids, values


def best_partners(
    rows: Side,
    cols: Side,
    *,
    vocab: Vocabulary,
    k: int,
    forbidden: set[tuple[int, int]],
    blocked: dict[int, list[int]] | None = None,
    both: bool = False,
    chunk: int = 512,
    progress: Callable[[float], None] | None = None,
) -> tuple[Indices, Indices, Floats]:
    """Each row's k best possible partners among the columns, and with `both` each column's k best
    among the rows: (row positions, column positions, scores), each pair once. In one pool (`rows`
    is `cols`) each profile's k best.

    Positions are in each side's sorted order. Pairs of one school, forbidden school pairs
    (already declined or already twinned), and `blocked` pairs (row position → column positions,
    e.g. `Rules.forbidden`) are never returned.

    Only pairs that share a language (`language_blocks`) and whose ages the age rule allows are
    scored: rows go by age, so a chunk of rows spans few ages and is scored against the columns of
    compatible ages only. The work grows with the possible pairs, not with rows × columns. Each
    chunk is scored once and read both ways, its rows' best and its columns' best. In one pool the
    scores are symmetric, so only pairs whose second profile comes later by age are scored (the
    upper triangle), and each is read both ways.
    """
    one_pool = rows is cols
    n_rows, n_cols = len(rows.order), len(cols.order)
    empty = np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.float32)
    if n_rows == 0 or n_cols == 0 or k <= 0:
        return empty
    pointer, blocked_cols = _blocked_pairs(rows, cols, forbidden, blocked)
    gap = vocab.rules.max_age_gap
    age_rank = np.empty(n_rows, dtype=np.int64)
    age_rank[np.lexsort((rows.high, rows.low))] = np.arange(n_rows)
    base = vocab.base_width
    local = np.full(n_cols, -1, dtype=np.int64)  # column position → its index in the chunk
    row_bits, col_bits = language_bits(rows, vocab), language_bits(cols, vocab)
    row_best = _Best(n_rows, k)
    column_best = row_best if one_pool else _Best(n_cols, k) if both else None
    blocks = language_blocks(rows, cols, vocab)
    # Every pair of a language block shares that language: its language part is products (see
    # `LanguageSteps`). Without blocks, the table tells (and rules out pairs with none in common).
    steps = LanguageSteps.of(rows, cols, vocab) if _blocks_by_language(vocab) else None
    work = sum(len(block_rows) for block_rows, _, _ in blocks) or 1
    done = 0
    # Buffers reused from block to block: a fresh large array per block costs page faults each time.
    buffer = np.empty(0, dtype=np.float32)
    scratch = np.empty(0, dtype=np.float32)
    partners = np.empty((0, vocab.width), dtype=np.float32)
    for block_rows, block_cols, earlier in blocks:
        block_rows = block_rows[np.argsort(age_rank[block_rows], kind="stable")]
        col_low, col_high = cols.low[block_cols], cols.high[block_cols]
        col_rank = age_rank[block_cols] if one_pool else block_cols
        step = min(chunk, max(k + 1, CHUNK_ENTRIES // len(block_cols)))
        row_low, row_high = rows.low[block_rows], rows.high[block_rows]
        later = age_rank[block_rows] if one_pool else None
        for start, stop, possible in _age_chunks(row_low, row_high, col_low, col_high, col_rank, later, gap, step):
            positions = block_rows[start:stop]
            r = len(positions)
            done += r
            columns = block_cols if possible.all() else block_cols[possible]
            width = len(columns)
            if width == 0:
                continue
            padded = -(-width // BLOCK) * BLOCK
            height = -(-r // PART) * PART
            if buffer.size < height * padded:
                buffer = np.empty(height * padded, dtype=np.float32)
                scratch = np.empty(height * padded, dtype=np.float32)
            if len(partners) < padded:
                partners = np.empty((padded, vocab.width), dtype=np.float32)
            scores = buffer[: height * padded].reshape(height, padded)
            # Rows with a vision first (only their products need the visions' columns), then in runs
            # of one age range and class size (`tabled_parts` adds one line of that table per run).
            positions = positions[np.lexsort((rows.who[positions], ~rows.with_vision[positions]))]
            seers = int(np.count_nonzero(rows.with_vision[positions]))
            np.take(cols.b, columns, axis=0, out=partners[:width])
            partners[width:padded] = 0.0
            mine = rows.a[positions]
            if seers:
                np.matmul(mine[:seers], partners[:padded].T, out=scores[:seers])
            if seers < r:
                np.matmul(mine[seers:, :base], partners[:padded, :base].T, out=scores[seers:r])
            tabled_parts(
                rows,
                cols,
                positions,
                vocab=vocab,
                out=scores[:r, :width],
                columns=columns,
                scratch=scratch,
                language=steps is None,
                constant=0.0 if steps is None else steps.constant,
            )
            if steps is not None:
                steps.add(scores[:r, :width], positions, columns, scratch)
            scores[:r, width:] = -np.inf
            scores[r:] = -np.inf
            _strike(scores, positions, columns, pointer, blocked_cols, local)
            if one_pool:
                _strike_lower_triangle(scores, age_rank[positions], age_rank[columns])
            if earlier:
                _strike_earlier(scores, row_bits[positions] & earlier, col_bits[columns] & earlier)
            live, found_columns, values = _best_in_rows(scores[:r], k, width, row_best.floor[positions])
            # An entry found in the padding (or struck out) is -inf: never kept, whatever it points to.
            row_best.merge(positions[live], columns[np.minimum(found_columns, width - 1)], values)
            if column_best is not None:
                live, found_rows, values = _best_in_columns(scores, r, k, width, column_best.floor[columns])
                column_best.merge(columns[live], positions[np.minimum(found_rows, r - 1)], values)
            if progress is not None:
                progress(done / work)
    i, j, s = row_best.pairs()
    if column_best is not None and not one_pool:
        j2, i2, s2 = column_best.pairs()
        i, j, s = np.concatenate([i, i2]), np.concatenate([j, j2]), np.concatenate([s, s2])
        _, unique = np.unique(i * n_cols + j, return_index=True)
        i, j, s = i[unique], j[unique], s[unique]
    return i, j, s


def _age_chunks(
    low: Indices,
    high: Indices,
    col_low: Indices,
    col_high: Indices,
    col_rank: Indices,
    rank: Indices | None,
    gap: int,
    step: int,
) -> Iterator[tuple[int, int, npt.NDArray[np.bool_]]]:
    """(start, stop, columns it scores) of each chunk of a block's rows, sorted by age.

    A chunk holds the rows of whole age ranges (one range split when it has more than `step`
    rows), up to `step` rows, and scores the columns whose ages the rule allows with one of its
    ranges: no more. (Chunks of a single age range score fewer pairs still, but a chunk has a
    cost of its own, reading each column's best and merging it: measured, fewer larger chunks
    win.) With `rank` (one pool), only columns later by age than the chunk's first row.
    """
    n = len(low)
    edges = np.flatnonzero((low[1:] != low[:-1]) | (high[1:] != high[:-1])) + 1

    def later(a: int) -> npt.NDArray[np.bool_] | None:
        return None if rank is None else col_rank >= rank[a]  # one pool: the upper triangle only

    start, stop, mask, after = 0, 0, np.zeros(len(col_low), dtype=bool), later(0)
    for run_start, run_stop in zip([0, *edges.tolist()], [*edges.tolist(), n], strict=True):
        allowed = (col_low <= high[run_start] + gap) & (col_high >= low[run_start] - gap)
        for a in range(run_start, run_stop, step):
            if min(a + step, run_stop) - start > step:
                yield start, stop, mask
                start, mask, after = a, np.zeros(len(col_low), dtype=bool), later(a)
            stop = min(a + step, run_stop)
            mask |= allowed if after is None else allowed & after
    if stop > start:
        yield start, stop, mask


def _strike(
    scores: Floats, positions: Indices, columns: Indices, pointer: Indices, blocked_cols: Indices, local: Indices
) -> None:
    """-inf for the chunk's pairs that may never be returned (see `_blocked_pairs`)."""
    counts = pointer[positions + 1] - pointer[positions]
    if not counts.any():
        return
    local[columns] = np.arange(len(columns))
    hit_cols = local[blocked_cols[_ranges(pointer[positions], counts)]]
    hit_rows = np.repeat(np.arange(len(positions)), counts)
    inside = hit_cols >= 0
    scores[hit_rows[inside], hit_cols[inside]] = -np.inf
    local[columns] = -1


def _strike_lower_triangle(scores: Floats, row_ranks: Indices, col_ranks: Indices) -> None:
    """In one pool: -inf where the column comes no later than the row (that pair is read the other way)."""
    inner = np.flatnonzero(col_ranks <= row_ranks.max())  # the chunk's own profiles among the columns
    hit_rows, hit_cols = np.nonzero(col_ranks[inner][None, :] <= row_ranks[:, None])
    scores[hit_rows, inner[hit_cols]] = -np.inf


def _strike_earlier(scores: Floats, row_earlier: Indices, col_earlier: Indices) -> None:
    """-inf for the pairs that share a language of an earlier block (they were scored there)."""
    if not row_earlier.any() or not col_earlier.any():
        return
    for value in np.unique(row_earlier[row_earlier > 0]).tolist():
        these_cols = np.flatnonzero(col_earlier & value)
        if len(these_cols):
            scores[np.ix_(np.flatnonzero(row_earlier == value), these_cols)] = -np.inf


def all_scores(rows: Side, cols: Side, *, vocab: Vocabulary) -> Floats:
    """The full score matrix (sorted positions), without school-level exclusions. For small runs and tests."""
    scores = rows.a @ cols.b.T
    tabled_parts(rows, cols, np.arange(len(rows.order)), vocab=vocab, out=scores)
    return scores
