"""Self-service partner search: one school's profile against every profile that is looking.

The index keeps each part of a profile in a column of small integers (an age-range group, a
language group, a timetable group, bit sets of objectives and themes…). A query works out its
score against each *group* once, then spreads it to every row with one gather per part, so a
query over 200,000 profiles costs a few passes over a few small arrays.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

import numpy as np
import numpy.typing as npt

from .profiles import (
    DEFAULT_RULES,
    LEVEL_VALUE,
    SLOT_MINUTES,
    TIMETABLE_FULL_HOURS,
    WEIGHTS,
    LanguageSignature,
    Profile,
    Rules,
    age_similarity,
    ages,
    class_size_band,
)
from .scoring import BAND_KERNEL, BANDS, HARD, _slot_mask

Floats = npt.NDArray[np.float32]
Indices = npt.NDArray[np.int64]
GroupIds = npt.NDArray[np.int16] | npt.NDArray[np.int32]  # see `_narrow`
Mask = npt.NDArray[np.bool_]
# Given positions among a query's scored rows, their exact scores (see `SearchIndex._vision_bound`).
ExactScores = Callable[[Indices], Floats]
V = TypeVar("V", bound=Hashable)
ScalarT = TypeVar("ScalarT", bound=np.generic)


def _numbering(values: Iterable[V]) -> tuple[npt.NDArray[np.int32], dict[V, int]]:
    """Each value's group number, and the groups (value → number, in order of first appearance)."""
    index: dict[V, int] = {}
    ids = np.fromiter((index.setdefault(v, len(index)) for v in values), dtype=np.int32)
    return ids, index


def _narrow(ids: npt.NDArray[np.int32]) -> GroupIds:
    """Group numbers in the smallest integer type that holds them: less memory to read per query."""
    return ids.astype(np.int16) if len(ids) == 0 or ids.max() < 2**15 else ids


BLOCK = 256


def _best(values: Floats, k: int) -> Indices:
    """Positions of the k largest values, ties going to the lower position (so pages are stable).

    Only the blocks whose maximum reaches the k-th largest value are searched: the result is
    exact, and far cheaper than partitioning a whole array that is mostly -inf (rows ruled out).
    """
    n = len(values)
    if n <= k:
        return np.arange(n)
    whole = n // BLOCK * BLOCK
    maxima = values[:whole].reshape(-1, BLOCK).max(axis=1)
    tail = np.arange(whole, n)

    def rows_of(blocks: Indices) -> Indices:
        return np.concatenate([(blocks[:, None] * BLOCK + np.arange(BLOCK)).ravel(), tail])

    first = rows_of(np.argpartition(maxima, -min(k, len(maxima)))[-min(k, len(maxima)) :]) if len(maxima) else tail
    kth = values[first][np.argpartition(values[first], -k)[-k:]].min()
    candidates = rows_of(np.flatnonzero(maxima >= kth))
    above = candidates[values[candidates] > kth]
    ties = np.sort(candidates[values[candidates] == kth])
    return np.concatenate([above, ties[: k - len(above)]])


def _bits(sets: list[frozenset[str]], vocabulary: dict[str, int]) -> npt.NDArray[np.uint64]:
    masks = np.zeros(len(sets), dtype=np.uint64)
    for i, items in enumerate(sets):
        value = 0
        for item in items:
            value |= 1 << vocabulary[item]
        masks[i] = value
    return masks


@dataclass(frozen=True, slots=True)
class Filters:
    countries: frozenset[str] = frozenset()
    age_from: int | None = None
    age_to: int | None = None
    language: str | None = None
    theme: str | None = None
    programme: str | None = None


class SearchIndex:
    """The profiles a search can offer (looking, with room for a partner), ready to be scored."""

    # Narrowed to the smallest integer type once built (see `_narrow`).
    language_ids: GroupIds
    where_ids: GroupIds
    who_ids: GroupIds

    def __init__(
        self, profiles: list[Profile], *, when: datetime, programmes: list[frozenset[str]] | None = None
    ) -> None:
        self.profiles = profiles
        self.when = when
        n = len(profiles)
        self.keys = np.array([p.key for p in profiles], dtype=object)
        self.school_ids, self.schools = _numbering(p.school for p in profiles)
        self.country_ids, self.countries = _numbering(p.country for p in profiles)
        self.age_ids, self.ages = _numbering((p.age_from, p.age_to) for p in profiles)
        self.language_ids, self.languages = _numbering(p.language_signature() for p in profiles)
        self.timetable_ids, self.timetables = _numbering(p.timetable_signature(when) for p in profiles)
        self.timetable_masks = np.stack([_slot_mask(sig) for sig in self.timetables]) if n else np.zeros((0, 1))
        self.age_from = np.array([p.age_from for p in profiles], dtype=np.int16)
        self.age_to = np.array([p.age_to for p in profiles], dtype=np.int16)
        # The ages as the score and the age rule see them (clipped to the engine's range).
        spans = [ages(p) for p in profiles]
        self.age_low = np.array([span.start for span in spans], dtype=np.int16)
        self.age_high = np.array([span.stop - 1 for span in spans], dtype=np.int16)
        self.row_of_key = {p.key: i for i, p in enumerate(profiles)}

        self.objective_bits = {o: i for i, o in enumerate(sorted({o for p in profiles for o in p.objectives}))}
        self.theme_bits = {t: i for i, t in enumerate(sorted({t for p in profiles for t in p.themes}))}
        if len(self.objective_bits) > 64 or len(self.theme_bits) > 64:
            raise ValueError("the search index holds at most 64 curated objectives and 64 themes")
        self.objectives = _bits([p.objectives for p in profiles], self.objective_bits)
        self.themes = _bits([p.themes for p in profiles], self.theme_bits)
        self.objective_norm = np.array(
            [1 / np.sqrt(len(p.objectives)) if p.objectives else 0 for p in profiles], dtype=np.float32
        )
        self.theme_norm = np.array([1 / np.sqrt(len(p.themes)) if p.themes else 0 for p in profiles], dtype=np.float32)
        bands = [class_size_band(p.class_size) for p in profiles]
        self.bands = np.array([BANDS if b is None else b for b in bands], dtype=np.int8)
        # Parts that depend on few combinations share one column each, so a query gathers three
        # columns instead of five: "where" (timetable and country) and "who" (ages and class size).
        self.where_ids, where = _numbering(zip(self.timetable_ids.tolist(), self.country_ids.tolist(), strict=True))
        self.who_ids, who = _numbering(zip(self.age_ids.tolist(), self.bands.tolist(), strict=True))
        self.where_parts = np.array(list(where), dtype=np.int64).reshape(-1, 2)
        self.who_parts = np.array(list(who), dtype=np.int64).reshape(-1, 2)
        self.language_ids, self.where_ids, self.who_ids = (
            _narrow(self.language_ids),
            _narrow(self.where_ids),
            _narrow(self.who_ids),
        )

        self.speaks = {code: np.zeros(n, dtype=bool) for code in {c for p in profiles for c in p.languages}}
        for i, p in enumerate(profiles):
            for code in p.languages:
                self.speaks[code][i] = True
        # Like the languages: one column per programme, so the filter is a lookup, not a pass over profiles.
        self.in_programme: dict[str, Mask] = {}
        for i, slugs in enumerate(programmes or ()):
            for slug in slugs:
                self.in_programme.setdefault(slug, np.zeros(n, dtype=bool))[i] = True
        self._country_cache: dict[str, tuple[Floats | float, Indices]] = {}
        self._language_cache: dict[LanguageSignature, Floats] = {}
        self._age_cache: dict[tuple[int, int], Floats] = {}
        # Visions (unit vectors), kept in half precision: rows without one have no slot.
        self.vision_slot = np.full(n, -1, dtype=np.int64)
        with_vision = [i for i, p in enumerate(profiles) if p.vision is not None]
        self.vision_slot[with_vision] = np.arange(len(with_vision))
        self.visions = np.asarray([profiles[i].vision for i in with_vision], dtype=np.float16) if with_vision else None
        self._wishers = [
            (i, p.wanted_countries, p.excluded_countries)
            for i, p in enumerate(profiles)
            if p.wanted_countries or p.excluded_countries
        ]
        self._school_rows: dict[str, list[int]] = {}
        for i, p in enumerate(profiles):
            self._school_rows.setdefault(p.school, []).append(i)

    def __len__(self) -> int:
        return len(self.profiles)

    def _their_wishes(self, country: str) -> tuple[Floats | float, Indices]:
        """For a searcher from `country`: each row's wish-list part, and the rows that exclude it.

        Only rows with a wish list or an exclusion are looked at (most profiles have neither).
        """
        if country not in self._country_cache:
            unmet = [i for i, wanted, _excluded in self._wishers if wanted and country not in wanted]
            excludes = np.array([i for i, _wanted, excluded in self._wishers if country in excluded], dtype=np.int64)
            part: Floats | float
            if unmet:
                part = np.full(len(self), WEIGHTS["preferences"] / 2, dtype=np.float32)
                part[unmet] = 0.0
            else:
                part = WEIGHTS["preferences"] / 2  # every row's wishes are met: one number, not a column
            self._country_cache[country] = (part, excludes)
        return self._country_cache[country]

    def _language_part(self, query: Profile) -> Floats:
        key = query.language_signature()
        if key not in self._language_cache:
            language = np.empty(len(self.languages), dtype=np.float32)
            for sig, g in self.languages.items():
                worth = max(
                    (LEVEL_VALUE[min(level, query.languages[code])] for code, level in sig if code in query.languages),
                    default=0.0,
                )
                language[g] = WEIGHTS["language"] * worth if worth else -HARD
            self._language_cache[key] = language
        return self._language_cache[key]

    def _age_part(self, query: Profile) -> Floats:
        key = (query.age_from, query.age_to)
        if key not in self._age_cache:
            self._age_cache[key] = WEIGHTS["ages"] * np.array(
                [age_similarity(query, Profile("", "", "", a, b, {}))[1] for a, b in self.ages], dtype=np.float32
            )
        return self._age_cache[key]

    def _mask(self, filters: Filters) -> Mask | None:
        mask: Mask | None = None

        def narrow(condition: Mask) -> None:
            nonlocal mask
            mask = condition if mask is None else mask & condition

        if filters.countries:
            wanted = [self.countries[c] for c in filters.countries if c in self.countries]
            narrow(np.isin(self.country_ids, wanted))
        if filters.age_from is not None:
            narrow(self.age_to >= filters.age_from)
        if filters.age_to is not None:
            narrow(self.age_from <= filters.age_to)
        if filters.language:
            narrow(self.speaks.get(filters.language, np.zeros(len(self), dtype=bool)))
        if filters.theme:
            bit = self.theme_bits.get(filters.theme)
            narrow((self.themes & np.uint64(1 << bit)) != 0 if bit is not None else np.zeros(len(self), bool))
        if filters.programme:
            narrow(self.in_programme.get(filters.programme, np.zeros(len(self), dtype=bool)))
        return mask

    def scores(
        self,
        query: Profile,
        filters: Filters = Filters(),
        forbidden_schools: frozenset[str] = frozenset(),
        rules: Rules = DEFAULT_RULES,
    ) -> Floats:
        """The query's score with every row; rows it may not be offered score -inf."""
        rows, values, exact = self._scored_rows(query, filters, forbidden_schools, rules)
        if exact is not None:
            values = exact(np.arange(len(values)))
        total = np.full(len(self), -np.inf, dtype=np.float32)
        total[rows if rows is not None else slice(None)] = values
        return total

    def _rule_mask(self, query: Profile, rules: Rules) -> Mask:
        """Rows the hard rules rule out for this searcher: age gap, own country, forbidden keys."""
        span = ages(query)
        gap = rules.max_age_gap
        out = (self.age_low > span.stop - 1 + gap) | (self.age_high < span.start - gap)
        if rules.other_country and query.country in self.countries:
            out |= self.country_ids == self.countries[query.country]
        for key in rules.forbidden_with(query.key):
            if key in self.row_of_key:
                out[self.row_of_key[key]] = True
        return out

    def _scored_rows(
        self, query: Profile, filters: Filters, forbidden_schools: frozenset[str], rules: Rules = DEFAULT_RULES
    ) -> tuple[Indices | None, Floats, ExactScores | None]:
        """(rows, their scores, exact): every row when no filter narrows the search, else only the rows that pass.

        When the query and some rows have a vision, those rows' scores are an upper bound (as if the
        visions read alike) and `exact(indices)` gives the true scores of the entries asked for: the
        vision cosines are worked out only for the rows that could make the list.
        """
        mask = self._mask(filters)
        rows = None if mask is None else np.flatnonzero(mask)
        if rows is not None and len(rows) > len(self) // 4:
            # A filter that keeps many rows: scoring every row and striking the others is cheaper
            # than gathering each column through the row list.
            rows = None
        else:
            mask = None

        def column(values: npt.NDArray[ScalarT]) -> npt.NDArray[ScalarT]:
            return values if rows is None else values[rows]

        hours = self.timetable_masks @ _slot_mask(query.timetable_signature(self.when)) * (SLOT_MINUTES / 60)
        timetable = (WEIGHTS["timetable"] * np.minimum(1.0, hours / TIMETABLE_FULL_HOURS)).astype(np.float32)
        band = class_size_band(query.class_size)
        size = (BAND_KERNEL[BANDS if band is None else band] * WEIGHTS["class_size"]).astype(np.float32)
        mine = np.full(len(self.countries), WEIGHTS["preferences"] / 2, dtype=np.float32)
        if query.wanted_countries:
            mine = np.array([c in query.wanted_countries for c in self.countries], dtype=np.float32)
            mine *= WEIGHTS["preferences"] / 2
        for c in query.excluded_countries & self.countries.keys():
            mine[self.countries[c]] = -HARD

        where = timetable[self.where_parts[:, 0]] + mine[self.where_parts[:, 1]]
        who = self._age_part(query)[self.who_parts[:, 0]] + size[self.who_parts[:, 1]]
        total = self._language_part(query)[column(self.language_ids)]
        total += where[column(self.where_ids)]
        total += who[column(self.who_ids)]
        for weight, bits, sets, norm, items in (
            (WEIGHTS["objectives"], self.objective_bits, self.objectives, self.objective_norm, query.objectives),
            (WEIGHTS["themes"], self.theme_bits, self.themes, self.theme_norm, query.themes),
        ):
            curated = None
            if items:
                wanted = np.uint64(sum(1 << bits[item] for item in items if item in bits))
                shared = np.bitwise_count(column(sets) & wanted)
                curated = shared * column(norm) * np.float32(weight / np.sqrt(len(items)))
                total += curated
            if bits is self.objective_bits:
                curated_objectives = curated

        their_part, they_exclude = self._their_wishes(query.country)
        total += their_part if isinstance(their_part, float) else column(their_part)
        blocked = list(they_exclude)
        for school in forbidden_schools | {query.school}:
            blocked.extend(self._school_rows.get(school, ()))
        if blocked:
            if rows is None:
                total[blocked] = -np.inf
            else:
                total[np.isin(rows, blocked)] = -np.inf
        if mask is not None:
            total[~mask] = -np.inf
        ruled_out = self._rule_mask(query, rules)
        total[ruled_out if rows is None else ruled_out[rows]] = -np.inf
        exact = None
        if query.vision is not None and self.visions is not None:
            exact = self._vision_bound(query.vision, self.visions, rows, total, curated_objectives)
        return rows, total, exact

    def _vision_bound(
        self,
        query_vision: Floats,
        visions: npt.NDArray[np.float16],
        rows: Indices | None,
        total: Floats,
        curated: Floats | None,
    ) -> ExactScores:
        """Raise rows with a vision to their upper bound; return the function giving exact scores.

        With both visions the objectives part is ½·curated + ¼·(1 + cosine) instead of curated.
        """
        w = np.float32(WEIGHTS["objectives"])
        slots = self.vision_slot if rows is None else self.vision_slot[rows]
        has = slots >= 0
        raise_by = np.where(has, w * 0.5, 0).astype(np.float32)
        if curated is not None:
            raise_by -= np.where(has, 0.5 * curated, 0).astype(np.float32)
        possible = total > -HARD
        total[possible] += raise_by[possible]
        vision = np.asarray(query_vision, dtype=np.float32)

        def exact(indices: Indices) -> Floats:
            values = total[indices].copy()
            slot = slots[indices]
            inside = slot >= 0
            if inside.any():
                cosines = visions[slot[inside]].astype(np.float32) @ vision
                values[inside] -= w * 0.25 * (1.0 - cosines)
            return values

        return exact

    def search(
        self,
        query: Profile,
        filters: Filters = Filters(),
        *,
        limit: int = 20,
        forbidden_schools: frozenset[str] = frozenset(),
        rules: Rules = DEFAULT_RULES,
    ) -> list[tuple[Profile, float]]:
        """The best `limit` profiles for the query, best first, with their scores.

        Rows the hard `rules` rule out (age gap, the searcher's own country with
        `other_country`, keys forbidden with the searcher's) and `forbidden_schools` never appear.
        """
        rows, total, exact = self._scored_rows(query, filters, forbidden_schools, rules)
        if exact is None:
            best = _best(total, limit)
            values = total[best]
        else:
            # Upper bounds first; then every row whose bound reaches the k-th exact score so far.
            first = _best(total, limit)
            found = exact(first)
            threshold = np.sort(found)[-limit] if len(found) >= limit else 0.0
            best = np.flatnonzero(total >= max(threshold, np.float32(1e-9)))
            values = exact(best)
        keep = values > 0
        best, values = best[keep], values[keep]
        order = np.lexsort((best, -values))[:limit]
        positions = best[order] if rows is None else rows[best[order]]
        return [(self.profiles[i], float(v)) for i, v in zip(positions.tolist(), values[order].tolist(), strict=True)]
