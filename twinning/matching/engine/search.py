"""Self-service partner search: one school's profile against every profile that is looking.

The index keeps each part of a profile in a column of small integers (an age-range group, a
language group, a timetable group, bit sets of objectives and themes…). A query works out its
score against each *group* once, then spreads it to every row with one gather per part, so a
query over 200,000 profiles costs a few passes over a few small arrays.

Everything the index holds per row is an array of numbers, bits or fixed-width strings
(`columns_of`), never a Python object per row, so an index built once can be saved to disk and
mapped by every web process (`stored.py`) instead of being built again in each.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt

from .profiles import (
    DEFAULT_RULES,
    LEVEL_VALUE,
    SLOT_MINUTES,
    TIMETABLE_FULL_HOURS,
    WEEK_MINUTES,
    WEIGHTS,
    LanguageSignature,
    Profile,
    Rules,
    age_similarity,
    ages,
    class_size_band,
)
from .scoring import BAND_KERNEL, BANDS, HARD, _ranges, _slot_mask

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


def _lookup(sorted_values: npt.NDArray[np.str_], order: npt.NDArray[np.int32], wanted: Iterable[str]) -> Indices:
    """The rows whose value (key or school) is one of `wanted`, through the values sorted once."""
    values = np.array(sorted(set(wanted)), dtype=np.str_)
    if len(values) == 0 or len(sorted_values) == 0:
        return np.zeros(0, dtype=np.int64)
    starts = np.searchsorted(sorted_values, values, side="left")
    stops = np.searchsorted(sorted_values, values, side="right")
    return order[_ranges(starts.astype(np.int64), (stops - starts).astype(np.int64))].astype(np.int64)


def _csr(lists: list[list[int]]) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.int64]]:
    """Lists of rows as one array of rows and each list's start in it (the last entry: the end)."""
    pointer = np.zeros(len(lists) + 1, dtype=np.int64)
    pointer[1:] = np.cumsum([len(rows) for rows in lists])
    rows = np.fromiter((r for rows in lists for r in rows), dtype=np.int32, count=int(pointer[-1]))
    return rows, pointer


KeyT = TypeVar("KeyT", bound=Hashable)
ValueT = TypeVar("ValueT")


class _Recent(OrderedDict[KeyT, ValueT]):
    """A dict keeping its `size` most recently stored entries."""

    def __init__(self, size: int) -> None:
        super().__init__()
        self.size = size

    def __setitem__(self, key: KeyT, value: ValueT) -> None:
        super().__setitem__(key, value)
        if len(self) > self.size:
            self.popitem(last=False)


# What a built index is: named arrays (nothing per row but numbers, fixed-width strings and bits) and
# small tables (vocabularies and group keys, a few thousand entries at most). `stored.py` writes both
# to disk, and maps them back without copying.
Arrays = dict[str, np.ndarray]
Tables = dict[str, Any]


def columns_of(
    profiles: list[Profile], *, when: datetime, programmes: list[frozenset[str]] | None = None
) -> tuple[Arrays, Tables]:
    """The index of these profiles as arrays and tables (see `SearchIndex.of_columns`)."""
    n = len(profiles)
    keys = np.array([p.key for p in profiles], dtype=np.str_)
    schools = np.array([p.school for p in profiles], dtype=np.str_)
    key_order = np.argsort(keys, kind="stable").astype(np.int32)
    school_order = np.argsort(schools, kind="stable").astype(np.int32)
    country_ids, countries = _numbering(p.country for p in profiles)
    # The countries of wish lists too, so a wish names a number whatever country the searcher is from.
    for p in profiles:
        for c in sorted(p.wanted_countries | p.excluded_countries):
            countries.setdefault(c, len(countries))
    age_ids, age_groups = _numbering((p.age_from, p.age_to) for p in profiles)
    language_ids, languages = _numbering(p.language_signature() for p in profiles)
    timetable_ids, timetables = _numbering(p.timetable_signature(when) for p in profiles)
    spans = [ages(p) for p in profiles]
    objective_bits = {o: i for i, o in enumerate(sorted({o for p in profiles for o in p.objectives}))}
    theme_bits = {t: i for i, t in enumerate(sorted({t for p in profiles for t in p.themes}))}
    if len(objective_bits) > 64 or len(theme_bits) > 64:
        raise ValueError("the search index holds at most 64 curated objectives and 64 themes")
    bands = [class_size_band(p.class_size) for p in profiles]
    band_ids = np.array([BANDS if b is None else b for b in bands], dtype=np.int64)
    # Parts that depend on few combinations share one column each, so a query gathers three
    # columns instead of five: "where" (timetable and country) and "who" (ages and class size).
    where_ids, where = _numbering(zip(timetable_ids.tolist(), country_ids.tolist(), strict=True))
    who_ids, who = _numbering(zip(age_ids.tolist(), band_ids.tolist(), strict=True))
    codes = sorted({c for p in profiles for c in p.languages})
    speaks = np.zeros((len(codes), n), dtype=bool)
    code_of = {c: i for i, c in enumerate(codes)}
    for i, p in enumerate(profiles):
        for code in p.languages:
            speaks[code_of[code], i] = True
    # Like the languages, one list of rows per programme, so the filter is a lookup, not a pass over profiles.
    slugs = sorted({s for these in programmes or () for s in these})
    members: list[list[int]] = [[] for _ in slugs]
    slug_of = {s: i for i, s in enumerate(slugs)}
    for i, these in enumerate(programmes or ()):
        for slug in these:
            members[slug_of[slug]].append(i)
    programme_rows, programme_pointer = _csr(members)
    # Visions (unit vectors), kept in half precision: rows without one have no slot.
    vision_slot = np.full(n, -1, dtype=np.int32)
    with_vision = [i for i, p in enumerate(profiles) if p.vision is not None]
    vision_slot[with_vision] = np.arange(len(with_vision), dtype=np.int32)
    visions = (
        np.asarray([profiles[i].vision for i in with_vision], dtype=np.float16)
        if with_vision
        else np.zeros((0, 0), dtype=np.float16)
    )
    wanted = [(i, countries[c]) for i, p in enumerate(profiles) for c in sorted(p.wanted_countries)]
    excluded = [(i, countries[c]) for i, p in enumerate(profiles) for c in sorted(p.excluded_countries)]
    arrays: Arrays = {
        "keys": keys,
        "key_order": key_order,
        "sorted_keys": keys[key_order],
        "school_order": school_order,
        "sorted_schools": schools[school_order],
        "country_ids": _narrow(country_ids),
        "language_ids": _narrow(language_ids),
        "where_ids": _narrow(where_ids),
        "who_ids": _narrow(who_ids),
        "timetable_masks": (
            np.stack([_slot_mask(sig) for sig in timetables])
            if n
            else np.zeros((0, WEEK_MINUTES // SLOT_MINUTES), np.float32)
        ),
        "age_groups": np.array(list(age_groups), dtype=np.int64).reshape(-1, 2),
        "age_from": np.array([p.age_from for p in profiles], dtype=np.int16),
        "age_to": np.array([p.age_to for p in profiles], dtype=np.int16),
        # The ages as the score and the age rule see them (clipped to the engine's range).
        "age_low": np.array([span.start for span in spans], dtype=np.int16),
        "age_high": np.array([span.stop - 1 for span in spans], dtype=np.int16),
        "objectives": _bits([p.objectives for p in profiles], objective_bits),
        "themes": _bits([p.themes for p in profiles], theme_bits),
        "objective_norm": np.array(
            [1 / np.sqrt(len(p.objectives)) if p.objectives else 0 for p in profiles], dtype=np.float32
        ),
        "theme_norm": np.array([1 / np.sqrt(len(p.themes)) if p.themes else 0 for p in profiles], dtype=np.float32),
        "where_parts": np.array(list(where), dtype=np.int64).reshape(-1, 2),
        "who_parts": np.array(list(who), dtype=np.int64).reshape(-1, 2),
        "speaks": speaks,
        "programme_rows": programme_rows,
        "programme_pointer": programme_pointer,
        "vision_slot": vision_slot,
        "visions": visions,
        # Wish lists and exclusions, one (row, country) pair an entry: most profiles have neither.
        "wanting_rows": np.array(sorted({i for i, _c in wanted}), dtype=np.int64),
        "wanted_rows": np.array([i for i, _c in wanted], dtype=np.int64),
        "wanted_countries": np.array([c for _i, c in wanted], dtype=np.int32),
        "excluded_rows": np.array([i for i, _c in excluded], dtype=np.int64),
        "excluded_countries": np.array([c for _i, c in excluded], dtype=np.int32),
    }
    tables: Tables = {
        "when": when.isoformat(),
        "countries": list(countries),
        "languages": [[list(pair) for pair in sig] for sig in languages],
        "language_codes": codes,
        "objectives": list(objective_bits),
        "themes": list(theme_bits),
        "programmes": slugs,
    }
    return arrays, tables


class SearchIndex:
    """The profiles a search can offer (looking, with room for a partner), ready to be scored.

    Built from profiles (`SearchIndex(profiles, when=…)`, which keeps them for `search`) or from the
    arrays and tables of one built earlier (`SearchIndex.of_columns`, e.g. mapped from disk by
    `stored.open_index`, which holds no profile: `ranked` gives keys and scores).
    """

    profiles: list[Profile] | None

    def __init__(
        self, profiles: list[Profile], *, when: datetime, programmes: list[frozenset[str]] | None = None
    ) -> None:
        arrays, tables = columns_of(profiles, when=when, programmes=programmes)
        self._take(arrays, tables)
        self.profiles = profiles

    @classmethod
    def of_columns(cls, arrays: Arrays, tables: Tables) -> SearchIndex:
        index = cls.__new__(cls)
        index._take(arrays, tables)
        index.profiles = None
        return index

    def _take(self, arrays: Arrays, tables: Tables) -> None:
        self.arrays, self.tables = arrays, tables
        self.when = datetime.fromisoformat(tables["when"])
        self.keys: npt.NDArray[np.str_] = arrays["keys"]
        self.country_ids: GroupIds = arrays["country_ids"]
        self.language_ids: GroupIds = arrays["language_ids"]
        self.where_ids: GroupIds = arrays["where_ids"]
        self.who_ids: GroupIds = arrays["who_ids"]
        self.timetable_masks: Floats = arrays["timetable_masks"]
        self.age_from: npt.NDArray[np.int16] = arrays["age_from"]
        self.age_to: npt.NDArray[np.int16] = arrays["age_to"]
        self.age_low: npt.NDArray[np.int16] = arrays["age_low"]
        self.age_high: npt.NDArray[np.int16] = arrays["age_high"]
        self.objectives: npt.NDArray[np.uint64] = arrays["objectives"]
        self.themes: npt.NDArray[np.uint64] = arrays["themes"]
        self.objective_norm: Floats = arrays["objective_norm"]
        self.theme_norm: Floats = arrays["theme_norm"]
        self.where_parts: Indices = arrays["where_parts"]
        self.who_parts: Indices = arrays["who_parts"]
        self.vision_slot: npt.NDArray[np.int32] = arrays["vision_slot"]
        self.visions: npt.NDArray[np.float16] | None = arrays["visions"] if arrays["visions"].size else None
        self.countries = {c: i for i, c in enumerate(tables["countries"])}
        self.languages: dict[LanguageSignature, int] = {
            tuple((code, int(level)) for code, level in sig): g for g, sig in enumerate(tables["languages"])
        }
        self.language_rows = {c: i for i, c in enumerate(tables["language_codes"])}
        self.objective_bits = {o: i for i, o in enumerate(tables["objectives"])}
        self.theme_bits = {t: i for i, t in enumerate(tables["themes"])}
        self.programme_of = {s: i for i, s in enumerate(tables["programmes"])}
        # What queries worked out per group, kept for the next query alike: a few hundred entries
        # at most (one per group table each), so a long-lived process's memory stays bounded.
        self._wish_cache: _Recent[str, tuple[Indices, Indices]] = _Recent(64)
        self._language_cache: _Recent[LanguageSignature, Floats] = _Recent(256)
        self._age_cache: _Recent[tuple[int, int], Floats] = _Recent(1024)

    def __len__(self) -> int:
        return len(self.keys)

    def rows_of_keys(self, keys: Iterable[str]) -> Indices:
        return _lookup(self.arrays["sorted_keys"], self.arrays["key_order"], keys)

    def rows_of_schools(self, schools: Iterable[str]) -> Indices:
        return _lookup(self.arrays["sorted_schools"], self.arrays["school_order"], schools)

    def _their_wishes(self, country: str) -> tuple[Indices, Indices]:
        """For a searcher from `country`: the rows whose wish list leaves it out, and those that exclude it.

        Only the entries of wish lists and exclusions are looked at (most profiles have neither).
        """
        if country not in self._wish_cache:
            a = self.arrays
            code = self.countries.get(country, -1)
            unmet = np.setdiff1d(a["wanting_rows"], a["wanted_rows"][a["wanted_countries"] == code])
            self._wish_cache[country] = (unmet, a["excluded_rows"][a["excluded_countries"] == code])
        return self._wish_cache[country]

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
                [
                    age_similarity(query, Profile("", "", "", int(a), int(b), {}))[1]
                    for a, b in self.arrays["age_groups"].tolist()
                ],
                dtype=np.float32,
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
            row = self.language_rows.get(filters.language)
            narrow(self.arrays["speaks"][row] if row is not None else np.zeros(len(self), dtype=bool))
        if filters.theme:
            bit = self.theme_bits.get(filters.theme)
            narrow((self.themes & np.uint64(1 << bit)) != 0 if bit is not None else np.zeros(len(self), bool))
        if filters.programme:
            members = np.zeros(len(self), dtype=bool)
            p = self.programme_of.get(filters.programme)
            if p is not None:
                pointer = self.arrays["programme_pointer"]
                members[self.arrays["programme_rows"][pointer[p] : pointer[p + 1]]] = True
            narrow(members)
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
        forbidden = rules.forbidden_with(query.key)
        if forbidden:
            out[self.rows_of_keys(forbidden)] = True
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

        unmet, they_exclude = self._their_wishes(query.country)
        if len(unmet):
            their_part = np.full(len(total), WEIGHTS["preferences"] / 2, dtype=np.float32)
            their_part[unmet if rows is None else np.isin(rows, unmet)] = 0.0
            total += their_part
        else:
            total += WEIGHTS["preferences"] / 2  # every row's wishes are met: one number, not a column
        blocked = np.concatenate([they_exclude, self.rows_of_schools(forbidden_schools | {query.school})])
        if len(blocked):
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

    def _best_rows(
        self, query: Profile, filters: Filters, limit: int, forbidden_schools: frozenset[str], rules: Rules
    ) -> tuple[Indices, Floats]:
        """The rows of the best `limit` profiles for the query, best first, and their scores."""
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
        return (best[order] if rows is None else rows[best[order]]), values[order]

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
        Only an index built from profiles has them to give (see `ranked` for one built from columns).
        """
        if self.profiles is None:
            raise TypeError("an index built from columns holds no profiles: use `ranked`")
        positions, values = self._best_rows(query, filters, limit, forbidden_schools, rules)
        profiles = self.profiles
        return [(profiles[i], float(v)) for i, v in zip(positions.tolist(), values.tolist(), strict=True)]

    def ranked(
        self,
        query: Profile,
        filters: Filters = Filters(),
        *,
        limit: int = 20,
        forbidden_schools: frozenset[str] = frozenset(),
        rules: Rules = DEFAULT_RULES,
    ) -> list[tuple[str, float]]:
        """As `search`, with each profile's key instead of the profile."""
        positions, values = self._best_rows(query, filters, limit, forbidden_schools, rules)
        return [(str(self.keys[i]), float(v)) for i, v in zip(positions.tolist(), values.tolist(), strict=True)]


def merge_ranked(results: list[list[tuple[str, float]]], limit: int) -> list[tuple[str, float]]:
    """The best `limit` of several indexes' `ranked` results, best first (ties: the earlier index first).

    A built index and the index of the schools changed since it was built (left out of the first
    with `forbidden_schools`) give together what one index of every profile would: each pair's
    score depends only on the two profiles.
    """
    merged = [
        (-score, place, position, key)
        for place, found in enumerate(results)
        for position, (key, score) in enumerate(found)
    ]
    return [(key, -negative) for negative, _place, _position, key in sorted(merged)[:limit]]
