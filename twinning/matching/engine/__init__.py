"""The matching engine: twinning profiles in, scores, searches and optimal pairings out. No Django.

- `match(left, right=None, *, rules=Rules(), objective="total", min_fit=0, …)`: a cohort's pairs.
- `Cohort.build(…)` then `.solve(pinned=…, forbidden_keys=…, objective=…)`: score once, re-solve fast.
- `SearchIndex(profiles, when=…).search(query, filters, rules=Rules())`: one school's best partners.
- `stored.IndexStore(root).publish(index.arrays, index.tables)`, `stored.open_index(folder)`: an index
  on disk, mapped (not copied) by every process that searches it; `.ranked(…)` gives keys and scores.
- `score_pair`, `why_not`, `diagnose`: one pair's score and the hard rules it breaks (`Refusal`).
- `Rules(max_age_gap=1, other_country=False, forbidden=frozenset())`: the hard rules (profiles.py).
"""

from .assign import Cohort, Fairness, Matching, MatchingError, Pair, greedy, match
from .profiles import (
    COMPONENTS,
    LEVEL_VALUE,
    WEIGHTS,
    PairScore,
    Profile,
    Refusal,
    Rules,
    age_gap,
    diagnose,
    score_pair,
    why_not,
)
from .search import SearchIndex

__all__ = [
    "COMPONENTS",
    "Cohort",
    "Fairness",
    "LEVEL_VALUE",
    "WEIGHTS",
    "Matching",
    "MatchingError",
    "Pair",
    "PairScore",
    "Profile",
    "Refusal",
    "Rules",
    "SearchIndex",
    "age_gap",
    "diagnose",
    "greedy",
    "match",
    "score_pair",
    "why_not",
]
