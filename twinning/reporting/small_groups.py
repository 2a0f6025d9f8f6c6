"""Which parts of a questionnaire's results may be shown, so that no small group's answers can be read.

Pupils are children, and a twinning has a handful of teachers: a figure counted from fewer than
`SMALLEST_GROUP` answers is never shown. Hiding it is not enough when other figures are shown beside it:
the results give every answer's total, each country's and each twinning's, and a hidden group's figures
would come back by subtraction (all the answers less those of the twinnings shown). So a part is shown
only when what is left over beside it is either nothing or at least `SMALLEST_GROUP` answers:

- countries: the countries not shown, together, have no answer or at least the smallest group (else the
  smallest country shown is hidden as well);
- twinnings: for every set of countries whose total can be read (a sum of countries shown, or the whole
  less such a sum), the answers of that set less those of the twinnings shown that lie wholly inside it
  are none or at least the smallest group (else the smallest of those twinnings is hidden as well).

What is hidden is shown together, as "other countries" and "other twinnings", since that remainder is
by the rules above none or big enough. Answers with no known twinning or country (given before the
results were kept per twinning) only ever count in the remainder.

Every set of countries is tried when at most `EXACT_COUNTRIES` countries are shown (a programme spans a
few); beyond that, each country alone and the whole less each country.

Plain Python over counts: one group (pupils or teachers) and one wave at a time.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterator, Mapping
from dataclasses import dataclass
from itertools import combinations

SMALLEST_GROUP = 5
EXACT_COUNTRIES = 10


@dataclass(frozen=True)
class Shown:
    """What may be shown: the countries and twinnings on their own; the rest only together."""

    everything: bool  # the whole group's figures (false when it has fewer answers than the smallest group)
    countries: frozenset[Hashable]
    twinnings: frozenset[Hashable]


def _sets_read(shown: list[Hashable], every: frozenset[Hashable]) -> Iterator[frozenset[Hashable]]:
    """The sets of countries whose total can be worked out from the whole and the countries shown."""
    if len(shown) <= EXACT_COUNTRIES:
        sizes = range(0, len(shown) + 1)
        parts: Iterator[tuple[Hashable, ...]] = (part for size in sizes for part in combinations(shown, size))
    else:
        parts = iter([(), *((country,) for country in shown)])
    for part in parts:
        chosen = frozenset(part)
        if chosen:
            yield chosen
        yield every - chosen


def protect(cells: Mapping[tuple[Hashable | None, Hashable | None], int], smallest: int = SMALLEST_GROUP) -> Shown:
    """`cells`: how many answered per (twinning, country); None for an unknown twinning or country."""
    total = sum(cells.values())
    if total < smallest:
        return Shown(False, frozenset(), frozenset())
    per_country: dict[Hashable | None, int] = {}
    per_twinning: dict[Hashable, int] = {}
    spans: dict[Hashable, set[Hashable | None]] = {}
    for (twinning, country), n in cells.items():
        if n <= 0:
            continue
        per_country[country] = per_country.get(country, 0) + n
        if twinning is not None:
            per_twinning[twinning] = per_twinning.get(twinning, 0) + n
            spans.setdefault(twinning, set()).add(country)
    countries = {c for c, n in per_country.items() if c is not None and n >= smallest}
    twinnings = {t for t, n in per_twinning.items() if n >= smallest}
    every = frozenset(per_country)

    def smallest_of(found: set[Hashable], counts: Mapping[Hashable, int]) -> Hashable:
        # The smallest first; among equals, a fixed order so that the same answers give the same page.
        return min(found, key=lambda key: (counts[key], repr(key)))

    while True:
        left = total - sum(per_country[c] for c in countries)
        if 0 < left < smallest:
            countries.discard(smallest_of(countries, per_country))
            continue
        for chosen in _sets_read(sorted(countries, key=repr), every):
            inside = {t for t in twinnings if spans[t] <= chosen}
            left = sum(per_country[c] for c in chosen) - sum(per_twinning[t] for t in inside)
            if 0 < left < smallest and inside:
                twinnings.discard(smallest_of(inside, per_twinning))
                break
        else:
            return Shown(True, frozenset(countries), frozenset(twinnings))
