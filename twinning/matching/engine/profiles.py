"""The plain data the matching engine works on: one twinning profile, the hard rules, and the score's parts.

Nothing here knows about Django: a profile can come from the database, a CSV file or a test.

Hard rules (`Rules`) say which pairs may never be proposed, whatever their fit. Every entry point
of the engine takes one (`rules=`; the default is `Rules()`):

    Rules(max_age_gap=1, other_country=False, forbidden=frozenset())

- `max_age_gap`: the two classes' age ranges may be at most this many years apart (0: the ranges
  must overlap; 1, the default: next to each other will do, e.g. 10–12 with 13–14).
  Ranges are compared after clipping to MIN_AGE–MAX_AGE, as the score does.
- `other_country`: partners must be from different countries. One pool always asks for it.
- `forbidden`: pairs of profile keys (each a frozenset of two keys) that may never pair, e.g.
  already twinned, proposed or declined this year. `Rules.forbidding([(a, b), …])` builds it.
  (`match`, `score_pair` and `diagnose` still take `forbidden=` pairs of *schools* as well.)

`score_pair(...).refusal` and `diagnose` name the rule that removed a pair (`Refusal`); the
vectorised scoring (scoring.py), the search index (search.py) and the solver (assign.py) apply
the same rules, and the property tests hold them equal to `score_pair`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import lru_cache
from typing import TypedDict
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt

# How much each part counts in the score (they add up to 1). Each part is computed three times: in
# `score_pair` below (the reference, with the facts behind it), in scoring.py (every pair of a cohort,
# as one matrix product) and in search.py (one query against the index, by groups of rows); the
# property tests hold the three equal. A new part touches all three (docs/recipes.md).
WEIGHTS: dict[str, float] = {
    "objectives": 0.25,
    "ages": 0.20,
    "language": 0.20,
    "themes": 0.15,
    "timetable": 0.10,
    "class_size": 0.05,
    "preferences": 0.05,
}
COMPONENTS = tuple(WEIGHTS)

# Language levels: 1 basic, 2 good, 3 fluent or native. What a shared language at that level is worth.
LEVEL_VALUE = {1: 0.5, 2: 0.75, 3: 1.0}
LEVELS = tuple(LEVEL_VALUE)

# Weekly school time in common (hours, in UTC on days both schools work) that counts as a full timetable fit.
TIMETABLE_FULL_HOURS = 3.0
SLOT_MINUTES = 15
WEEK_MINUTES = 7 * 24 * 60

# Pupils' ages the engine understands (a profile's ages are clipped to this range).
MIN_AGE, MAX_AGE = 2, 25

# Class-size bands: up to 10, 11–15, 16–20, 21–25, 26–30, more than 30 pupils.
CLASS_SIZE_BOUNDS = (10, 15, 20, 25, 30)

# A school week in UTC: (offset from UTC in minutes, ISO weekdays, day start, day end in minutes).
TimetableSignature = tuple[int, tuple[int, ...], int, int]
# A profile's languages and levels, sorted: profiles with the same one score alike on language.
LanguageSignature = tuple[tuple[str, int], ...]


@dataclass(frozen=True, slots=True)
class Profile:
    """What a school states about the partner it seeks, for one school year.

    `key` identifies the profile in results; `school` identifies the school (a school never
    partners itself). `days` are ISO weekdays (Monday 1 … Sunday 7) and the school day runs from
    `day_start` to `day_end`, in minutes after local midnight, in `time_zone`.
    """

    key: str
    school: str
    country: str
    age_from: int
    age_to: int
    languages: dict[str, int]
    time_zone: str = "UTC"
    days: tuple[int, ...] = (1, 2, 3, 4, 5)
    day_start: int = 8 * 60
    day_end: int = 14 * 60
    objectives: frozenset[str] = frozenset()
    themes: frozenset[str] = frozenset()
    class_size: int | None = None
    capacity: int = 1
    side: str = ""
    wanted_countries: frozenset[str] = frozenset()
    excluded_countries: frozenset[str] = frozenset()
    label: str = ""
    # The vision text as a unit vector (see `vision.py`), or None when there is no text or no model.
    vision: npt.NDArray[np.float32] | None = field(default=None, compare=False, repr=False)

    def language_signature(self) -> LanguageSignature:
        return tuple(sorted(self.languages.items()))

    def timetable_signature(self, when: datetime) -> TimetableSignature:
        """The school week in UTC at the instant `when` (its offset then, so daylight saving counts)."""
        return (utc_offset_minutes(self.time_zone, when), tuple(sorted(set(self.days))), self.day_start, self.day_end)


@lru_cache(maxsize=1024)
def utc_offset_minutes(time_zone: str, when: datetime) -> int:
    offset = when.astimezone(_zone(time_zone)).utcoffset()
    return int(offset.total_seconds() // 60) if offset else 0


@lru_cache(maxsize=1024)
def _zone(name: str) -> ZoneInfo:
    """The zone of this name, kept: `ZoneInfo` keeps only the last few strongly, and a search scores schools
    in dozens of zones at an instant of its own (so `utc_offset_minutes` is asked anew each time)."""
    return ZoneInfo(name)


def class_size_band(size: int | None) -> int | None:
    if size is None:
        return None
    return sum(size > bound for bound in CLASS_SIZE_BOUNDS)


def class_size_fit(size_a: int | None, size_b: int | None) -> float:
    """1 in the same band, 0.6 a band apart, 0.2 two apart; 0.5 when either size is unknown."""
    band_a, band_b = class_size_band(size_a), class_size_band(size_b)
    if band_a is None or band_b is None:
        return 0.5
    return max(0.0, 1.0 - 0.4 * abs(band_a - band_b))


def shared_language(a: Profile, b: Profile) -> tuple[str | None, float]:
    """The best language both can work in, and its worth (the weaker side's level counts)."""
    best, worth = None, 0.0
    for code, level in sorted(a.languages.items()):
        if code in b.languages:
            value = LEVEL_VALUE[min(level, b.languages[code])]
            if value > worth:
                best, worth = code, value
    return best, worth


def set_similarity(a: frozenset[str], b: frozenset[str]) -> float:
    """Cosine similarity of two sets (|a∩b| / √(|a|·|b|)); 0 when either is empty."""
    if not a or not b:
        return 0.0
    return len(a & b) / math.sqrt(len(a) * len(b))


def vision_similarity(a: Profile, b: Profile) -> float | None:
    """Cosine of the two vision vectors (after each language's mean is removed), when both have one."""
    if a.vision is None or b.vision is None:
        return None
    return float(np.dot(a.vision, b.vision))


def objectives_fit(a: Profile, b: Profile) -> float:
    """The curated objectives in common; with both visions written, half of it is how alike they read.

    (1 + cosine) / 2 maps the visions' similarity onto 0–1; it is linear in the cosine, so the
    vectorised scoring can fold it into its matrix product.
    """
    curated = set_similarity(a.objectives, b.objectives)
    similarity = vision_similarity(a, b)
    if similarity is None:
        return curated
    return 0.5 * curated + 0.25 * (1.0 + similarity)


def ages(profile: Profile) -> range:
    low = min(max(profile.age_from, MIN_AGE), MAX_AGE)
    high = min(max(profile.age_to, low), MAX_AGE)
    return range(low, high + 1)


def age_similarity(a: Profile, b: Profile) -> tuple[int, float]:
    """Years of age both classes cover, and that overlap as a cosine of the two age sets."""
    ages_a, ages_b = set(ages(a)), set(ages(b))
    common = len(ages_a & ages_b)
    return common, common / math.sqrt(len(ages_a) * len(ages_b))


@lru_cache(maxsize=4096)
def weekly_slots(signature: TimetableSignature) -> frozenset[int]:
    """The week's 15-minute slots (in UTC, counted from Monday 00:00) a school is in session."""
    offset, days, start, end = signature
    slots = set()
    for day in days:
        first = (day - 1) * 24 * 60 + start - offset
        for minute in range(first, first + max(0, end - start), SLOT_MINUTES):
            slots.add((minute % WEEK_MINUTES) // SLOT_MINUTES)
    return frozenset(slots)


def preference(a: Profile, b: Profile) -> float:
    """How well each side's wish list of countries is met, averaged over both sides."""

    def met(x: Profile, y: Profile) -> float:
        return 1.0 if not x.wanted_countries or y.country in x.wanted_countries else 0.0

    return (met(a, b) + met(b, a)) / 2


class Refusal:
    """Why a pair can never be proposed (hard constraints), in the order `score_pair` checks them."""

    SAME_SCHOOL = "same_school"
    SAME_COUNTRY = "same_country"  # one pool, or `Rules.other_country`
    EXCLUDED_COUNTRY = "excluded_country"  # one of the schools left the other's country out
    AGE_GAP = "age_gap"  # age ranges further apart than `Rules.max_age_gap`
    NO_LANGUAGE = "no_language"
    FORBIDDEN = "forbidden"  # already twinned, proposed or declined (`Rules.forbidden` or school pairs)

    ALL = (SAME_SCHOOL, SAME_COUNTRY, EXCLUDED_COUNTRY, AGE_GAP, NO_LANGUAGE, FORBIDDEN)


def age_gap(a: Profile, b: Profile) -> int:
    """Years between the two classes' age ranges: 0 when they overlap, 1 when next to each other…"""
    ages_a, ages_b = ages(a), ages(b)
    return max(0, max(ages_a.start, ages_b.start) - min(ages_a.stop, ages_b.stop) + 1)


@dataclass(frozen=True, slots=True)
class Rules:
    """The hard rules of a run or a search (see the module docstring)."""

    max_age_gap: int = 1
    other_country: bool = False
    forbidden: frozenset[frozenset[str]] = frozenset()

    def __post_init__(self) -> None:
        if self.max_age_gap < 0:
            raise ValueError("max_age_gap must be 0 or more")
        if any(len(pair) != 2 for pair in self.forbidden):
            raise ValueError("each forbidden pair names two different profile keys")

    @staticmethod
    def forbidding(pairs: Iterable[tuple[str, str]], **fields: object) -> Rules:
        """Rules forbidding these profile-key pairs (either way round); other fields as given."""
        forbidden = frozenset(frozenset(pair) for pair in pairs if pair[0] != pair[1])
        return Rules(forbidden=forbidden, **fields)  # type: ignore[arg-type]

    def forbids(self, key_a: str, key_b: str) -> bool:
        return bool(self.forbidden) and frozenset((key_a, key_b)) in self.forbidden

    def forbidden_with(self, key: str) -> frozenset[str]:
        """The keys this profile may never pair with."""
        return frozenset(other for pair in self.forbidden if key in pair for other in pair if other != key)

    def with_forbidden(self, pairs: Iterable[tuple[str, str]]) -> Rules:
        """These rules, forbidding these profile-key pairs as well."""
        return replace(self, forbidden=self.forbidden | {frozenset(p) for p in pairs if p[0] != p[1]})

    def refusal(self, a: Profile, b: Profile, *, one_pool: bool = False) -> str | None:
        """The first rule that rules the pair out (school pairs aside), or None. See `Refusal`."""
        found = self.refusals(a, b, one_pool=one_pool, first=True)
        return found[0] if found else None

    def refusals(self, a: Profile, b: Profile, *, one_pool: bool = False, first: bool = False) -> list[str]:
        """Every rule that rules the pair out, in `Refusal` order (only the first with `first`)."""
        found = []
        checks = (
            (Refusal.SAME_SCHOOL, lambda: a.school == b.school),
            (Refusal.SAME_COUNTRY, lambda: (one_pool or self.other_country) and a.country == b.country),
            (
                Refusal.EXCLUDED_COUNTRY,
                lambda: b.country in a.excluded_countries or a.country in b.excluded_countries,
            ),
            (Refusal.AGE_GAP, lambda: age_gap(a, b) > self.max_age_gap),
            (Refusal.NO_LANGUAGE, lambda: not (a.languages.keys() & b.languages.keys())),
            (Refusal.FORBIDDEN, lambda: self.forbids(a.key, b.key)),
        )
        for name, broken in checks:
            if broken():
                found.append(name)
                if first:
                    break
        return found


# The default hard rules (a module-level value: a call in every signature's defaults would be one per import).
DEFAULT_RULES = Rules()


class PairFacts(TypedDict):
    """What a pair has in common, behind its score's parts (stored with a proposal, read by explanations)."""

    objectives: list[str]  # curated objectives both chose
    vision: float | None  # cosine of the two visions, when both have one
    themes: list[str]
    ages: int  # years of age both classes cover
    language: str | None  # the best language both work in
    language_level: int | None  # its level, the weaker side's
    shared_hours: float  # weekly school time in common
    shared_days: int
    class_sizes: tuple[int | None, int | None]
    wanted: tuple[bool, bool]  # each side's wish list of countries met


@dataclass(frozen=True, slots=True)
class PairScore:
    """One pair's score, its parts (each 0–1, before weighting) and the facts behind them."""

    score: float
    parts: dict[str, float]
    facts: PairFacts
    refusal: str | None = None


def score_pair(
    a: Profile,
    b: Profile,
    *,
    when: datetime,
    one_pool: bool = False,
    forbidden: frozenset[tuple[str, str]] = frozenset(),
    rules: Rules = DEFAULT_RULES,
) -> PairScore:
    """The score of one pair, part by part, with the facts an explanation needs.

    `forbidden` holds school pairs; `rules` the hard rules (profile-key pairs among them). A pair
    a rule rules out scores 0 and its `refusal` names the first rule broken (`Refusal` order).
    This is the reference the vectorised scoring must agree with.
    """
    language, language_worth = shared_language(a, b)
    refusal = rules.refusal(a, b, one_pool=one_pool)
    if refusal is None and ((a.school, b.school) in forbidden or (b.school, a.school) in forbidden):
        refusal = Refusal.FORBIDDEN

    common_years, age_part = age_similarity(a, b)
    shared_slots = weekly_slots(a.timetable_signature(when)) & weekly_slots(b.timetable_signature(when))
    shared_hours = len(shared_slots) * SLOT_MINUTES / 60
    shared_days = len({slot * SLOT_MINUTES // (24 * 60) for slot in shared_slots})
    parts = {
        "objectives": objectives_fit(a, b),
        "ages": age_part,
        "language": language_worth,
        "themes": set_similarity(a.themes, b.themes),
        "timetable": min(1.0, shared_hours / TIMETABLE_FULL_HOURS),
        "class_size": class_size_fit(a.class_size, b.class_size),
        "preferences": preference(a, b),
    }
    facts: PairFacts = {
        "objectives": sorted(a.objectives & b.objectives),
        "vision": vision_similarity(a, b),
        "themes": sorted(a.themes & b.themes),
        "ages": common_years,
        "language": language,
        "language_level": min(a.languages[language], b.languages[language]) if language else None,
        "shared_hours": shared_hours,
        "shared_days": shared_days,
        "class_sizes": (a.class_size, b.class_size),
        "wanted": (
            not a.wanted_countries or b.country in a.wanted_countries,
            not b.wanted_countries or a.country in b.wanted_countries,
        ),
    }
    score = sum(WEIGHTS[name] * value for name, value in parts.items())
    return PairScore(score=0.0 if refusal else score, parts=parts, facts=facts, refusal=refusal)


def diagnose(
    left: list[Profile],
    right: list[Profile] | None = None,
    *,
    when: datetime,
    forbidden: Iterable[tuple[str, str]] = (),
    rules: Rules = DEFAULT_RULES,
    min_score: float = 0.0,
    limit: int = 40_000,
    one_pool: bool | None = None,
) -> dict[str, int]:
    """Why pairs of a cohort are impossible: how many pairs each hard rule rules out (`Refusal` names).

    For a cohort where nobody is compatible, this is the answer to "why is the result empty?";
    with `left=[one school]` it says why that school has no partner (pass `one_pool=True` to
    check the others as one pool would). Each pair counts under the first rule it breaks;
    "below_minimum" counts allowed pairs under `min_score`, "possible" the rest. Large cohorts
    are sampled evenly (at most `limit` pairs); "examined" says how many were.
    """
    pool = right is None if one_pool is None else one_pool
    others = left if right is None else right
    schools = frozenset(forbidden)
    step = max(1, int(math.sqrt(len(left) * len(others) / max(limit, 1))))
    counts = {"examined": 0, "possible": 0}
    for a in left[::step]:
        for b in others[::step]:
            if a.key == b.key:
                continue
            verdict = score_pair(a, b, when=when, one_pool=pool, forbidden=schools, rules=rules)
            counts["examined"] += 1
            reason = verdict.refusal or ("below_minimum" if verdict.score < min_score else "possible")
            counts[reason] = counts.get(reason, 0) + 1
    return counts


def why_not(
    a: Profile,
    b: Profile,
    *,
    one_pool: bool = False,
    forbidden: Iterable[tuple[str, str]] = (),
    rules: Rules = DEFAULT_RULES,
) -> list[str]:
    """Every hard rule this pair breaks (`Refusal` names, in order); empty when it is allowed."""
    found = rules.refusals(a, b, one_pool=one_pool)
    pairs = frozenset(forbidden)
    if Refusal.FORBIDDEN not in found and ((a.school, b.school) in pairs or (b.school, a.school) in pairs):
        found.append(Refusal.FORBIDDEN)
    return found
