"""The matching engine: twinning profiles in, scores, searches and optimal pairings out. No Django."""

from .assign import Matching, MatchingError, Pair, greedy, match
from .profiles import COMPONENTS, LEVEL_VALUE, WEIGHTS, PairScore, Profile, Refusal, diagnose, score_pair
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
    "SearchIndex",
    "diagnose",
    "greedy",
    "match",
    "score_pair",
]
