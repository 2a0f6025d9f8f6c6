"""Self-service partner search: one school's profile against every profile that is looking.

The index keeps each part of a profile in a column of small integers (an age-range group, a
language group, a timetable group, bit sets of objectives and themes…). A query works out its
score against each *group* once, then spreads it to every row with one gather per part, so a
query over 200,000 profiles costs a few passes over a few small arrays.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import numpy as np

from .profiles import (
    LEVEL_VALUE,
    SLOT_MINUTES,
    TIMETABLE_FULL_HOURS,
    WEIGHTS,
    Profile,
    age_similarity,
    class_size_band,
)
from .scoring import BAND_KERNEL, BANDS, HARD, _slot_mask


def _numbering(values) -> tuple[np.ndarray, dict]:
    """Each value's group number, and the groups (value → number, in order of first appearance)."""
    index: dict = {}
    ids = np.fromiter((index.setdefault(v, len(index)) for v in values), dtype=np.int32)
    return ids, index


def _bits(sets: list[frozenset[str]], vocabulary: dict[str, int]) -> np.ndarray:
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

    def __init__(self, profiles: list[Profile], *, when: datetime, programmes: list[frozenset[str]] | None = None):
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

        self.speaks = {code: np.zeros(n, dtype=bool) for code in {c for p in profiles for c in p.languages}}
        for i, p in enumerate(profiles):
            for code in p.languages:
                self.speaks[code][i] = True
        self.programmes = programmes or [frozenset()] * n
        self._country_cache: dict[str, tuple[np.ndarray, np.ndarray]] = {}

    def __len__(self) -> int:
        return len(self.profiles)

    def _their_wishes(self, country: str) -> tuple[np.ndarray, np.ndarray]:
        """For a searcher from `country`: each row's wish-list part, and whether the row excludes it."""
        if country not in self._country_cache:
            wants = np.fromiter(
                (not p.wanted_countries or country in p.wanted_countries for p in self.profiles),
                dtype=bool,
                count=len(self),
            )
            excludes = np.fromiter(
                (country in p.excluded_countries for p in self.profiles), dtype=bool, count=len(self)
            )
            self._country_cache[country] = (wants.astype(np.float32) * (WEIGHTS["preferences"] / 2), excludes)
        return self._country_cache[country]

    def _mask(self, filters: Filters) -> np.ndarray | None:
        mask = None

        def narrow(condition: np.ndarray) -> None:
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
            narrow(np.fromiter((filters.programme in p for p in self.programmes), dtype=bool, count=len(self)))
        return mask

    def scores(
        self, query: Profile, filters: Filters = Filters(), forbidden_schools: frozenset[str] = frozenset()
    ) -> np.ndarray:
        """The query's score with every row; rows it may not be offered score -inf."""
        language = np.empty(len(self.languages), dtype=np.float32)
        for sig, g in self.languages.items():
            worth = max(
                (LEVEL_VALUE[min(level, query.languages[code])] for code, level in sig if code in query.languages),
                default=0.0,
            )
            language[g] = WEIGHTS["language"] * worth if worth else -HARD
        ages = (
            np.array([age_similarity(query, Profile("", "", "", a, b, {}))[1] for a, b in self.ages], dtype=np.float32)
            * WEIGHTS["ages"]
        )
        hours = self.timetable_masks @ _slot_mask(query.timetable_signature(self.when)) * (SLOT_MINUTES / 60)
        timetable = (WEIGHTS["timetable"] * np.minimum(1.0, hours / TIMETABLE_FULL_HOURS)).astype(np.float32)
        band = class_size_band(query.class_size)
        size = BAND_KERNEL[BANDS if band is None else band] * WEIGHTS["class_size"]

        total = language[self.language_ids]
        total += ages[self.age_ids]
        total += timetable[self.timetable_ids]
        total += size[self.bands]
        for weight, bits, rows, norm, items in (
            (WEIGHTS["objectives"], self.objective_bits, self.objectives, self.objective_norm, query.objectives),
            (WEIGHTS["themes"], self.theme_bits, self.themes, self.theme_norm, query.themes),
        ):
            if items:
                mask = np.uint64(sum(1 << bits[item] for item in items if item in bits))
                shared = np.bitwise_count(rows & mask).astype(np.float32)
                total += shared * norm * (weight / np.sqrt(len(items)))

        their_part, they_exclude = self._their_wishes(query.country)
        total += their_part
        mine = np.ones(len(self.countries), dtype=np.float32)
        if query.wanted_countries:
            mine = np.array([c in query.wanted_countries for c in self.countries], dtype=np.float32)
        mine *= WEIGHTS["preferences"] / 2
        for c in query.excluded_countries & self.countries.keys():
            mine[self.countries[c]] = -HARD
        total += mine[self.country_ids]
        total[they_exclude] = -np.inf

        blocked = [self.schools[s] for s in forbidden_schools | {query.school} if s in self.schools]
        if blocked:
            total[np.isin(self.school_ids, blocked)] = -np.inf
        mask = self._mask(filters)
        if mask is not None:
            total[~mask] = -np.inf
        return total

    def search(
        self,
        query: Profile,
        filters: Filters = Filters(),
        *,
        limit: int = 20,
        forbidden_schools: frozenset[str] = frozenset(),
    ) -> list[tuple[Profile, float]]:
        """The best `limit` profiles for the query, best first, with their scores."""
        total = self.scores(query, filters, forbidden_schools)
        top = np.argpartition(total, -limit)[-limit:] if len(total) > limit else np.arange(len(total))
        top = top[total[top] > 0]
        top = top[np.lexsort((top, -total[top]))]
        return [(self.profiles[i], float(total[i])) for i in top.tolist()]
