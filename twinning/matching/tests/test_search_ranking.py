"""The search's fast top-k (block maxima, only the rows that pass the filters) against a plain sort."""

import random
from datetime import UTC, datetime

import numpy as np
import pytest

from twinning.matching.engine import SearchIndex
from twinning.matching.engine.search import Filters
from twinning.matching.engine.synthetic import pool

WHEN = datetime(2026, 11, 23, 12, tzinfo=UTC)
FILTERS = [
    Filters(),
    Filters(countries=frozenset({"IL", "GB"})),
    Filters(age_from=12, age_to=12),
    Filters(language="fr"),
    Filters(theme="history", countries=frozenset({"US"})),
]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_search_returns_the_same_ranking_as_sorting_every_score(seed):
    profiles = pool(3000, seed=seed)
    index = SearchIndex(profiles, when=WHEN)
    rng = random.Random(seed)
    for _ in range(40):
        query = profiles[rng.randrange(len(profiles))]
        filters, limit = rng.choice(FILTERS), rng.choice([1, 7, 20, 300])
        scores = index.scores(query, filters)
        expected = [i for i in np.lexsort((np.arange(len(scores)), -scores)) if scores[i] > 0][:limit]
        found = index.search(query, filters, limit=limit)
        assert [p.key for p, _score in found] == [profiles[i].key for i in expected]
        assert np.allclose([s for _p, s in found], scores[expected])


def test_search_never_returns_the_searchers_own_school_or_forbidden_ones():
    profiles = pool(500, seed=4)
    index = SearchIndex(profiles, when=WHEN)
    query = profiles[0]
    everyone = [p.school for p, _score in index.search(query, limit=500)]
    forbidden = frozenset(everyone[:3])
    again = [p.school for p, _score in index.search(query, limit=500, forbidden_schools=forbidden)]
    assert query.school not in everyone
    assert again == [school for school in everyone if school not in forbidden]
