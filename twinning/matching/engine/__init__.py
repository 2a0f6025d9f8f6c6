"""The matching engine: twinning profiles in, scores, searches and optimal pairings out. No Django."""

from .assign import Matching, MatchingError, Pair, greedy, match
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
