"""Partner search's reads, held to the plainer reads they replace: the same answers in fewer queries."""

import random
from collections import defaultdict

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from twinning import testing
from twinning.common.school_year import current_school_year
from twinning.matching.models import ProfileLanguage, Proposal, TwinningProfile
from twinning.matching.queries import (
    engine_profiles,
    engine_profiles_of,
    schools_bound_elsewhere,
    shown_profiles,
    still_open,
    with_room,
)
from twinning.matching.tests.conftest import make_profile
from twinning.schools.models import Programme, ValidationStatus
from twinning.testing import as_

pytestmark = pytest.mark.django_db


def _plain_parts(pks):
    """Each profile's languages and lists of codes, read one relation at a time (the old way)."""
    languages, lists = defaultdict(dict), defaultdict(lambda: defaultdict(set))
    for pid, code, level in ProfileLanguage.objects.filter(profile_id__in=pks).values_list(
        "profile_id", "language_id", "level"
    ):
        languages[pid][code] = level
    for name in ("objectives", "themes", "wanted_countries", "excluded_countries"):
        for profile in TwinningProfile.objects.filter(pk__in=pks).prefetch_related(name):
            lists[profile.pk][name] = {obj.pk for obj in getattr(profile, name).all()}
    return languages, lists


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_engine_profiles_read_in_one_statement_what_each_relation_holds(cast, seed):
    rng = random.Random(seed)
    countries = [cast.israel, cast.uk]
    created = []
    for n in range(12):
        school = testing.make_school(country=rng.choice(countries), name=f"Reads {seed}-{n}")
        codes = rng.sample(["en", "he", "ar", "fr"], rng.randint(1, 3))
        profile = make_profile(
            school,
            languages={code: rng.randint(1, 3) for code in codes},
            objectives=rng.sample(["identity", "dialogue", "environment"], rng.randint(0, 2)),
        )
        profile.themes.set(rng.sample(["history", "arts", "science"], rng.randint(0, 3)))
        profile.wanted_countries.set(rng.sample(countries, rng.randint(0, 2)))
        profile.excluded_countries.set(rng.sample(countries, rng.randint(0, 1)))
        created.append(profile.pk)

    with CaptureQueriesContext(connection) as queries:
        found = engine_profiles(TwinningProfile.objects.filter(pk__in=created))
    assert len(queries) == 2  # the profiles, and all their lists at once

    # The search's read of a page's worth, compiled once, answers alike (and for a list of any length).
    assert engine_profiles_of(created) == found == engine_profiles_of(list(reversed(created)))
    assert engine_profiles_of(created[:1]) == found[:1] and engine_profiles_of([]) == []

    languages, lists = _plain_parts(created)
    assert [p.key for p in found] == [str(pk) for pk in sorted(created)]
    for profile in found:
        pk = int(profile.key)
        assert profile.languages == languages[pk]
        assert profile.objectives == frozenset(lists[pk]["objectives"])
        assert profile.themes == frozenset(lists[pk]["themes"])
        assert profile.wanted_countries == frozenset(lists[pk]["wanted_countries"])
        assert profile.excluded_countries == frozenset(lists[pk]["excluded_countries"])


@pytest.mark.parametrize("seed", [4, 5, 6, 7])
def test_shown_profiles_and_room_agree_with_bound_elsewhere_and_still_open(cast, seed):
    rng = random.Random(seed)
    year = current_school_year()
    programmes = [Programme.objects.create(slug=f"p{seed}-{n}", names={"en": f"Programme {n}"}) for n in range(3)]
    searcher = testing.make_school(country=cast.israel, name="Searcher")
    searcher.programmes.set(rng.sample(programmes, rng.randint(0, 2)))
    mine = {p.pk for p in searcher.programmes.all()}
    own = make_profile(searcher)
    profiles = []
    for n in range(16):
        status = rng.choice([ValidationStatus.VALIDATED] * 4 + [ValidationStatus.PENDING])
        school = testing.make_school(country=rng.choice([cast.israel, cast.uk]), name=f"Other {n}", status=status)
        school.programmes.set(rng.sample(programmes, rng.randint(0, 2)))
        named = rng.choice([None, None, *programmes])
        profiles.append(make_profile(school, looking=rng.random() > 0.2, capacity=rng.randint(1, 2), programme=named))
    for profile in rng.sample(profiles, 6):
        Proposal.objects.create(
            origin="search", left=own, right=profile, status="accepted", left_accepted=True, right_accepted=True
        )
    pks = [p.pk for p in profiles]

    with CaptureQueriesContext(connection) as queries:
        rows, bound = shown_profiles(pks, year, mine=mine)
        roomy = with_room(rows)
    assert len(queries) == 3

    assert bound == schools_bound_elsewhere(searcher.pk, year, among=[p.school_id for p in profiles])
    assert set(roomy) == still_open(pks, year)
    for pk, profile in roomy.items():
        assert (profile.school.name, profile.school.country.name) == (
            TwinningProfile.objects.get(pk=pk).school.name,
            TwinningProfile.objects.get(pk=pk).school.country.name,
        )


def test_search_queries_do_not_grow_with_its_results(client, cast):
    make_profile(cast.school_a, languages={"he": 3, "en": 2})
    client = as_(client, cast.teacher_a.user)
    tables = (
        'FROM "schools_country"',
        'FROM "schools_subject"',
        'FROM "schools_language"',
        'FROM "matching_objective"',
    )
    counts = []
    for partners in (1, 6):
        for n in range(len(counts) and 5 or 1):
            make_profile(testing.make_school(country=cast.uk, name=f"Partner {partners}-{n}"))
        client.get("/matching/search/")  # the index is built again, the reference data read
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/matching/search/")
        assert len(response.context["results"]) == partners
        # The filters' lists and the reasons' names are kept in memory.
        assert [q["sql"] for q in queries if any(table in q["sql"] for table in tables)] == []
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_results_link_where_reverse_would(client, cast):
    make_profile(cast.school_a, languages={"he": 3, "en": 2})
    for n in range(3):
        make_profile(testing.make_school(country=cast.uk, name=f"Linked {n}"))
    response = as_(client, cast.teacher_a.user).get("/matching/search/")
    html = response.content.decode()
    assert len(response.context["results"]) == 3
    for result in response.context["results"]:
        profile = result["profile"]
        assert result["school_url"] == reverse("schools:detail", args=[profile.school_id])
        assert result["request_url"] == reverse("matching:request", args=[profile.pk])
        assert f'<a href="{result["school_url"]}">' in html
        assert f'action="{result["request_url"]}"' in html
