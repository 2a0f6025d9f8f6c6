"""Realistic random twinning profiles, for benchmarks and property tests (seeded, reproducible)."""

from __future__ import annotations

import random
from dataclasses import replace

import numpy as np

from .profiles import Profile
from .vision import DIMENSIONS

OBJECTIVES = (
    "identity",
    "peoplehood",
    "intercultural",
    "language_practice",
    "citizenship",
    "environment",
    "wellbeing",
    "digital",
    "arts",
    "science",
    "heritage",
    "peace_dialogue",
    "entrepreneurship",
    "inclusion",
    "media_literacy",
    "sport",
)
THEMES = (
    "history",
    "hebrew",
    "arabic",
    "english",
    "jewish-studies",
    "music",
    "art",
    "science",
    "maths",
    "geography",
    "civics",
    "literature",
    "ict",
    "pe",
    "religion",
    "french",
    "drama",
)
# country → (time zone, school days, main language)
COUNTRIES = {
    "IL": ("Asia/Jerusalem", (7, 1, 2, 3, 4, 5), "he"),
    "PS": ("Asia/Hebron", (6, 7, 1, 2, 3, 4), "ar"),
    "JO": ("Asia/Amman", (7, 1, 2, 3, 4), "ar"),
    "GB": ("Europe/London", (1, 2, 3, 4, 5), "en"),
    "FR": ("Europe/Paris", (1, 2, 3, 4, 5), "fr"),
    "DE": ("Europe/Berlin", (1, 2, 3, 4, 5), "de"),
    "US": ("America/New_York", (1, 2, 3, 4, 5), "en"),
    "CA": ("America/Toronto", (1, 2, 3, 4, 5), "en"),
    "AR": ("America/Argentina/Buenos_Aires", (1, 2, 3, 4, 5), "es"),
    "AU": ("Australia/Sydney", (1, 2, 3, 4, 5), "en"),
    "ZA": ("Africa/Johannesburg", (1, 2, 3, 4, 5), "en"),
    "UA": ("Europe/Kyiv", (1, 2, 3, 4, 5), "uk"),
}


def profile(rng: random.Random, key: str, country: str, *, side: str = "", capacity: int | None = None) -> Profile:
    zone, days, native = COUNTRIES[country]
    languages = {native: 3}
    if native != "en":
        languages["en"] = rng.choice((1, 2, 2, 3))
    if rng.random() < 0.4:
        extra = rng.choice(("he", "ar", "fr", "es"))
        languages.setdefault(extra, rng.choice((1, 2)))
    age_from = rng.randint(6, 16)
    wanted = frozenset(rng.sample(sorted(COUNTRIES), 2)) if rng.random() < 0.1 else frozenset()
    excluded = frozenset(rng.sample(sorted(COUNTRIES), 1)) if rng.random() < 0.05 else frozenset()
    start = rng.choice((7 * 60 + 45, 8 * 60, 8 * 60 + 30, 9 * 60))
    return Profile(
        key=key,
        school=key,
        country=country,
        side=side,
        age_from=age_from,
        age_to=min(18, age_from + rng.choice((0, 1, 2, 3))),
        languages=languages,
        time_zone=zone,
        days=days,
        day_start=start,
        day_end=start + rng.choice((5 * 60, 6 * 60, 7 * 60)),
        objectives=frozenset(rng.sample(OBJECTIVES, rng.randint(1, 4))),
        themes=frozenset(rng.sample(THEMES, rng.randint(1, 3))),
        class_size=rng.choice((None, rng.randint(8, 35))),
        capacity=rng.randint(1, 3) if capacity is None else capacity,
        wanted_countries=wanted - {country},
        excluded_countries=excluded - {country} - wanted,
    )


def two_sides(n: int, *, seed: int = 1, visions: bool = False) -> tuple[list[Profile], list[Profile]]:
    """Israeli schools on the left, diaspora and partner-country schools on the right."""
    rng = random.Random(seed)  # nosec B311  # seeded test and benchmark profiles: no secret
    others = [c for c in COUNTRIES if c != "IL"]
    left = [profile(rng, f"L{i}", "IL", side="left") for i in range(n)]
    right = [profile(rng, f"R{i}", rng.choice(others), side="right") for i in range(n)]
    if visions:
        left, right = with_visions(left, seed), with_visions(right, seed + 1)
    return left, right


def pool(n: int, *, seed: int = 1, visions: bool = False) -> list[Profile]:
    rng = random.Random(seed)  # nosec B311  # seeded test and benchmark profiles: no secret
    countries = sorted(COUNTRIES)
    everyone = [profile(rng, f"P{i}", rng.choice(countries)) for i in range(n)]
    return with_visions(everyone, seed) if visions else everyone


def with_visions(profiles: list[Profile], seed: int, *, topics: int = 12) -> list[Profile]:
    """Give every profile a vision vector near one of a few topics, as real visions cluster."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(topics, DIMENSIONS)).astype(np.float32)
    vectors = centres[rng.integers(topics, size=len(profiles))] + 0.8 * rng.normal(
        size=(len(profiles), DIMENSIONS)
    ).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    return [replace(p, vision=v) for p, v in zip(profiles, vectors, strict=True)]


# Realistic variety, as real networks have it: 12 working languages at 3 levels, 30 countries,
# 1–4 languages per school, capacities 1–3, ages 5–18, and a vision for a share of the schools.
LANGUAGES = ("he", "ar", "en", "fr", "de", "es", "pt", "it", "ru", "uk", "pl", "nl")
# How often a language is a school's second, third or fourth one (English the most, as in life).
SECOND_LANGUAGES = {
    "en": 40,
    "fr": 10,
    "es": 8,
    "de": 7,
    "he": 6,
    "ar": 6,
    "ru": 5,
    "it": 4,
    "pt": 3,
    "uk": 3,
    "pl": 3,
    "nl": 3,
}
# country → (time zone, school days, main language)
WORLD = {
    "IL": ("Asia/Jerusalem", (7, 1, 2, 3, 4, 5), "he"),
    "PS": ("Asia/Hebron", (6, 7, 1, 2, 3, 4), "ar"),
    "JO": ("Asia/Amman", (7, 1, 2, 3, 4), "ar"),
    "EG": ("Africa/Cairo", (7, 1, 2, 3, 4), "ar"),
    "MA": ("Africa/Casablanca", (1, 2, 3, 4, 5), "ar"),
    "AE": ("Asia/Dubai", (1, 2, 3, 4, 5), "ar"),
    "GB": ("Europe/London", (1, 2, 3, 4, 5), "en"),
    "IE": ("Europe/Dublin", (1, 2, 3, 4, 5), "en"),
    "FR": ("Europe/Paris", (1, 2, 4, 5), "fr"),
    "BE": ("Europe/Brussels", (1, 2, 3, 4, 5), "fr"),
    "NL": ("Europe/Amsterdam", (1, 2, 3, 4, 5), "nl"),
    "DE": ("Europe/Berlin", (1, 2, 3, 4, 5), "de"),
    "AT": ("Europe/Vienna", (1, 2, 3, 4, 5), "de"),
    "CH": ("Europe/Zurich", (1, 2, 3, 4, 5), "de"),
    "IT": ("Europe/Rome", (1, 2, 3, 4, 5, 6), "it"),
    "ES": ("Europe/Madrid", (1, 2, 3, 4, 5), "es"),
    "PT": ("Europe/Lisbon", (1, 2, 3, 4, 5), "pt"),
    "PL": ("Europe/Warsaw", (1, 2, 3, 4, 5), "pl"),
    "UA": ("Europe/Kyiv", (1, 2, 3, 4, 5), "uk"),
    "RU": ("Europe/Moscow", (1, 2, 3, 4, 5), "ru"),
    "SE": ("Europe/Stockholm", (1, 2, 3, 4, 5), "en"),
    "US": ("America/New_York", (1, 2, 3, 4, 5), "en"),
    "CA": ("America/Toronto", (1, 2, 3, 4, 5), "en"),
    "MX": ("America/Mexico_City", (1, 2, 3, 4, 5), "es"),
    "AR": ("America/Argentina/Buenos_Aires", (1, 2, 3, 4, 5), "es"),
    "BR": ("America/Sao_Paulo", (1, 2, 3, 4, 5), "pt"),
    "CL": ("America/Santiago", (1, 2, 3, 4, 5), "es"),
    "AU": ("Australia/Sydney", (1, 2, 3, 4, 5), "en"),
    "ZA": ("Africa/Johannesburg", (1, 2, 3, 4, 5), "en"),
    "IN": ("Asia/Kolkata", (1, 2, 3, 4, 5, 6), "en"),
}
# Two sides: the first ten countries on the left, the other twenty on the right.
LEFT_COUNTRIES = tuple(WORLD)[:10]
RIGHT_COUNTRIES = tuple(WORLD)[10:]
# Visions are written in the schools' own language: Hebrew, Arabic or English.
VISION_SHARE = 0.4


def varied_profile(rng: random.Random, key: str, country: str, *, side: str = "") -> Profile:
    zone, days, native = WORLD[country]
    languages = {native: 3}
    count = rng.choices((1, 2, 3, 4), weights=(25, 35, 25, 15))[0]
    others = [code for code in SECOND_LANGUAGES if code != native]
    weights = [SECOND_LANGUAGES[code] for code in others]
    while len(languages) < count:
        languages.setdefault(rng.choices(others, weights=weights)[0], rng.choice((1, 2, 2, 3)))
    age_from = rng.randint(5, 17)
    wanted = frozenset(rng.sample(sorted(WORLD), 3)) if rng.random() < 0.1 else frozenset()
    excluded = frozenset(rng.sample(sorted(WORLD), 1)) if rng.random() < 0.05 else frozenset()
    start = rng.choice((7 * 60 + 45, 8 * 60, 8 * 60 + 30, 9 * 60))
    return Profile(
        key=key,
        school=key,
        country=country,
        side=side,
        age_from=age_from,
        age_to=min(18, age_from + rng.choice((0, 1, 1, 2, 2, 3))),
        languages=languages,
        time_zone=zone,
        days=days,
        day_start=start,
        day_end=start + rng.choice((5 * 60, 6 * 60, 7 * 60)),
        objectives=frozenset(rng.sample(OBJECTIVES, rng.randint(1, 4))),
        themes=frozenset(rng.sample(THEMES, rng.randint(1, 3))),
        class_size=rng.choice((None, rng.randint(8, 35))),
        capacity=rng.choices((1, 2, 3), weights=(60, 30, 10))[0],
        wanted_countries=wanted - {country},
        excluded_countries=excluded - {country} - wanted,
    )


def varied_two_sides(n: int, *, seed: int = 1, visions: bool = True) -> tuple[list[Profile], list[Profile]]:
    """n schools of the first ten countries on the left, n of the other twenty on the right."""
    rng = random.Random(seed)  # nosec B311  # seeded test and benchmark profiles: no secret
    left = [varied_profile(rng, f"L{i}", rng.choice(LEFT_COUNTRIES), side="left") for i in range(n)]
    right = [varied_profile(rng, f"R{i}", rng.choice(RIGHT_COUNTRIES), side="right") for i in range(n)]
    if visions:
        left, right = with_some_visions(left, seed), with_some_visions(right, seed + 1)
    return left, right


def varied_pool(n: int, *, seed: int = 1, visions: bool = True) -> list[Profile]:
    """n schools of 30 countries, for one pool."""
    rng = random.Random(seed)  # nosec B311  # seeded test and benchmark profiles: no secret
    countries = sorted(WORLD)
    everyone = [varied_profile(rng, f"P{i}", rng.choice(countries)) for i in range(n)]
    return with_some_visions(everyone, seed) if visions else everyone


def with_some_visions(profiles: list[Profile], seed: int, *, share: float = VISION_SHARE) -> list[Profile]:
    """A vision vector for a share of the profiles (written in he, ar or en: one topic space, as the
    language means are removed), none for the rest."""
    rng = np.random.default_rng(seed)
    chosen = np.flatnonzero(rng.random(len(profiles)) < share)
    written = with_visions([profiles[i] for i in chosen], seed)
    result = list(profiles)
    for i, p in zip(chosen.tolist(), written, strict=True):
        result[i] = p
    return result
