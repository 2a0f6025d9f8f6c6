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
