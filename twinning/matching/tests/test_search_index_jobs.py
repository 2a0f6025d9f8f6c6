"""The partner-search index a job builds on disk: mapped by search, changes since shown at once,
folded into the next build; built in process (and queued) while none is built yet."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from twinning import testing
from twinning.common.models import Job
from twinning.common.school_year import current_school_year
from twinning.matching import queries, services, tasks
from twinning.matching.engine.search import Filters
from twinning.matching.models import Proposal, SearchChange, TwinningProfile
from twinning.matching.tests.conftest import make_profile
from twinning.schools.models import Programme
from twinning.schools.services import schools_changed
from twinning.testing import as_

pytestmark = pytest.mark.django_db


def query_of(profile):
    return queries.engine_profiles(TwinningProfile.objects.filter(pk=profile.pk))[0]


def found_keys(profile, **filters):
    index = queries.search_index(current_school_year())
    return [key for key, _score in index.ranked(query_of(profile), Filters(**filters), limit=20)]


def test_search_maps_the_index_the_job_built(client, cast, profiles):
    year = current_school_year()
    version = services.build_search_index(school_year=year)

    index = queries.search_index(year)

    assert (index.version, index.base.profiles, len(index)) == (version, None, 2)
    assert (index.changes, index.changed_schools) == (None, frozenset())
    response = as_(client, cast.teacher_a.user).get("/matching/search/")
    assert [r["profile"].pk for r in response.context["results"]] == [profiles[1].pk]


def test_a_new_profile_is_found_without_a_new_build(cast, profiles):
    year = current_school_year()
    version = services.build_search_index(school_year=year)
    newcomer = make_profile(testing.make_school(country=cast.uk, name="Leeds Grammar"))
    assert found_keys(profiles[0]) == [str(profiles[1].pk)]  # not told yet: the built index answers

    services.record_search_changes(school_ids=[newcomer.school_id])

    assert sorted(found_keys(profiles[0])) == sorted([str(profiles[1].pk), str(newcomer.pk)])
    index = queries.search_index(year)
    assert (index.version, len(index.changes), index.changed_schools) == (version, 1, {str(newcomer.school_id)})


def test_a_school_that_stops_looking_leaves_the_ranking_itself(cast, profiles):
    services.build_search_index(school_year=current_school_year())
    TwinningProfile.objects.filter(pk=profiles[1].pk).update(looking=False)

    services.record_search_changes(school_ids=[profiles[1].school_id])

    # Not only hidden by the check before showing (`still_open`): the index no longer offers it.
    assert found_keys(profiles[0]) == []


def test_an_accepted_proposal_that_fills_the_room_takes_the_school_out(cast, profiles):
    services.build_search_index(school_year=current_school_year())
    other = make_profile(testing.make_school(country=cast.israel, name="Hadera High"))
    assert str(profiles[1].pk) in found_keys(other)
    proposal = Proposal.objects.create(
        origin="search", left=profiles[0], right=profiles[1], left_accepted=True, left_accepted_by=cast.teacher_a.user
    )

    services.answer_proposal(proposal=proposal, school_id=cast.school_b.pk, by=cast.teacher_b.user, accept=True)

    assert set(SearchChange.objects.values_list("school_id", flat=True)) == {cast.school_a.pk, cast.school_b.pk}
    assert str(profiles[1].pk) not in found_keys(other)


def test_programme_membership_shows_in_the_programme_filter_at_once(cast, profiles):
    programme = Programme.objects.create(slug="bridges", names={"en": "Bridges"})
    services.build_search_index(school_year=current_school_year())
    assert found_keys(profiles[0], programme="bridges") == []

    cast.school_b.programmes.add(programme)
    schools_changed([cast.school_b.pk])  # as the schools services do when a membership begins or ends

    assert found_keys(profiles[0], programme="bridges") == [str(profiles[1].pk)]


def test_the_job_builds_only_when_something_changed_and_folds_changes_in(cast, profiles):
    year = current_school_year()
    first = services.build_search_index(school_year=year)
    assert services.build_search_index(school_year=year) is None  # nothing changed

    services.record_search_changes(school_ids=[profiles[1].school_id])
    second = services.build_search_index(school_year=year)

    assert second is not None and second > first
    index = queries.search_index(year)
    # The change is older than the build, less the slack: it is still overlaid, and answers the same.
    assert (index.version, found_keys(profiles[0])) == (second, [str(profiles[1].pk)])
    # A change long folded in is removed by a later build.
    SearchChange.objects.update(created_at=timezone.now() - timedelta(hours=1))
    assert services.build_search_index(school_year=year, force=True) is not None
    assert SearchChange.objects.count() == 0


def test_an_index_of_another_format_is_not_read_and_is_built_again(cast, profiles):
    year = current_school_year()
    store = queries.index_store(year)
    first = services.build_search_index(school_year=year)
    tables = store.root / first / "index.json"
    tables.write_text(tables.read_text().replace('"format": 1', '"format": 0'))

    assert queries.search_index(year).version == ""  # built in process meanwhile
    assert services.build_search_index(school_year=year) > first
    assert queries.search_index(year).version == store.current_version()


def test_periodic_job_builds_the_current_years_index(cast, profiles):
    tasks.refresh_search_index()

    assert queries.index_store(current_school_year()).current_version() is not None


def test_command_builds_then_says_nothing_changed(cast, profiles):
    out = io.StringIO()
    call_command("build_search_index", stdout=out)
    call_command("build_search_index", stdout=out)

    version = queries.index_store(current_school_year()).current_version()
    assert out.getvalue().splitlines() == [
        f"Built the partner-search index of {current_school_year()}: version {version}.",
        f"Nothing changed since the last build of {current_school_year()}: the current index stays.",
    ]


def test_without_a_built_index_search_builds_one_in_process_and_queues_the_job(
    cast, profiles, django_capture_on_commit_callbacks
):
    year = current_school_year()
    with django_capture_on_commit_callbacks(execute=True):
        index = queries.search_index(year)

    # This search was answered from an index built here; the job it queued built the shared one.
    assert (index.version, len(index.base.profiles)) == ("", 2)
    assert list(Job.objects.values_list("name", "status")) == [("matching.build_search_index", "done")]
    assert queries.search_index(year).version == queries.index_store(year).current_version()


def test_profile_saved_through_the_form_is_recorded(client, cast, profiles):
    response = as_(client, cast.teacher_b.user).post(
        "/matching/profile/",
        {
            "vision": "Letters and songs.",
            "objectives": ["identity"],
            "themes": ["history"],
            "age_from": 9,
            "age_to": 11,
            "capacity": 2,
            "time_zone": "Europe/London",
            "school_week": cast.school_b.school_week,
            "day_start": "08:00",
            "day_end": "15:00",
            "devices": "shared",
            "languages_fluent": ["en"],
            "looking": "on",
        },
    )

    assert response.status_code == 302, response.context["form"].errors
    assert set(SearchChange.objects.values_list("school_id", flat=True)) == {cast.school_b.pk}
