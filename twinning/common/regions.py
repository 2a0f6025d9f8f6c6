"""The regions of a country whose public or school holidays differ, from the `holidays` package.

A school's region (an English county, a German state, a French school zone) decides which
holidays it keeps. The sign-up form (for a new school) and the school's calendar ask for it only
where the country's holidays differ from region to region, and refuse a region of another country.
"""

from datetime import UTC, date, datetime
from functools import lru_cache

import holidays


@lru_cache(maxsize=256)
def regions_of(country: str) -> tuple[tuple[str, str], ...]:
    """The country's regions as (code, name), in the package's order; empty when it has none or no calendar.

    A region's name is its first alias in the package that is a word rather than an abbreviation
    ("England" for ENG, "Bayern" for BY); a region without one is named by its code ("Zone A").
    """
    try:
        probe = holidays.country_holidays(country)
    except (NotImplementedError, KeyError):
        return ()
    names: dict[str, str] = {}
    for alias, code in (getattr(probe, "subdivisions_aliases", None) or {}).items():
        if code not in names and not (alias.isupper() and " " not in alias):
            names[code] = alias
    return tuple((code, names.get(code, code)) for code in probe.subdivisions)


def region_name(country: str, code: str) -> str:
    return dict(regions_of(country)).get(code, code)


def is_region_of(country: str, code: str) -> bool:
    return code in dict(regions_of(country))


@lru_cache(maxsize=256)
def regions_differ(country: str) -> bool:
    """Whether some region's holidays (public, and school where the package has them) differ from the country's."""
    regions = regions_of(country)
    if not regions:
        return False
    this_year = datetime.now(UTC).year
    years = range(this_year, this_year + 2)

    def days(subdivision: str | None) -> frozenset[date]:
        try:
            found = holidays.country_holidays(country, subdiv=subdivision, years=years, categories=("public", "school"))
        except Exception:  # noqa: BLE001  (no school category for this country: public holidays only)
            found = holidays.country_holidays(country, subdiv=subdivision, years=years)
        return frozenset(found)

    whole = days(None)
    return any(days(code) != whole for code, _name in regions)


def regions_in_words(country: str) -> str:
    """The choices, for a message: "England (ENG), Northern Ireland (NIR), …", isolated (U+2068 … U+2069)
    so that a right-to-left sentence around them keeps their order and its own punctuation."""
    words = ", ".join(name if name == code else f"{name} ({code})" for code, name in regions_of(country))
    return f"\u2068{words}\u2069" if words else ""
