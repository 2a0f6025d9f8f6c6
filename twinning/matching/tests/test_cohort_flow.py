"""A coordinator's cohort from run to approved twinnings: the programme's schools and rules, "all
other countries", the schools left without a partner and pairing them by hand, one approval."""

import pytest

from twinning import testing
from twinning.accounts.models import Role
from twinning.common.models import AuditEntry
from twinning.matching.models import CohortPair, CohortRun, Proposal, TwinningProfile
from twinning.matching.tests.conftest import make_profile
from twinning.schools.models import Programme
from twinning.testing import as_
from twinning.twinnings.models import Twinning

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme(cast):
    """Israel–diaspora: Israel, the UK and France; the cast's two schools are members."""
    france = testing.make_country("FR", "France", nso=None, time_zone="Europe/Paris")
    programme = Programme.objects.create(slug="diaspora", names={"en": "Israel–diaspora"})
    programme.countries.set([cast.israel, cast.uk, france])
    for school in (cast.school_a, cast.school_b):
        school.programmes.add(programme)
    return programme


@pytest.fixture
def coordinator(cast, programme):
    person = testing.make_person(name="Programme Coordinator")
    testing.grant(person, Role.Kind.COORDINATOR, programme=programme)
    return person


@pytest.fixture
def start(client, django_capture_on_commit_callbacks):
    def run(user, programme=None, *, follow_errors=False, **fields):
        data = {"shape": "two_sides", "left_countries": ["IL"], "right_countries": ["GB"], "min_fit": 35}
        if programme is not None:
            data["programme"] = programme.pk
        data.update(fields)
        with django_capture_on_commit_callbacks(execute=True):
            response = as_(client, user).post("/matching/cohorts/", data)
        if follow_errors:
            return response
        assert response.status_code == 302, response.context["form"].errors
        return CohortRun.objects.get(pk=int(response["Location"].rstrip("/").rsplit("/", 1)[1]))

    return run


def pairs_of(run):
    return [
        (p.left.school.name, p.right.school.name) for p in run.pairs.select_related("left__school", "right__school")
    ]


def test_a_programme_run_pairs_only_the_programmes_member_schools(cast, profiles, programme, coordinator, start):
    # A British school that names the programme on its profile without being a member, fitting better.
    outsider = testing.make_school(country=cast.uk, name="Not A Member")
    make_profile(outsider, languages={"he": 3, "en": 3}, programme=programme)
    TwinningProfile.objects.filter(pk=profiles[1].pk).update(capacity=1)
    run = start(coordinator, programme)
    assert pairs_of(run) == [("Reali School", "King David School")]


def test_a_run_never_pairs_classes_further_apart_than_the_programme_allows(
    client, cast, profiles, programme, coordinator, start
):
    programme.max_age_gap = 0
    programme.save()
    TwinningProfile.objects.filter(pk=profiles[1].pk).update(age_from=13, age_to=15)  # 10–12 does not overlap
    run = start(coordinator, programme, min_fit=0)
    assert pairs_of(run) == []
    page = as_(client, coordinator).get(f"/matching/cohorts/{run.pk}/")
    assert page.context["refusals"] == [("ages too far apart", 1)]
    [row, other] = page.context["unmatched"]
    assert (row["profile"], row["counts"], row["best"]) == (
        profiles[0],
        [("ages too far apart", 1)],
        [],
    )
    programme.max_age_gap = 1  # a year apart will do: 12 and 13
    programme.save()
    assert pairs_of(start(coordinator, programme, min_fit=0)) == [("Reali School", "King David School")]


def test_all_other_countries_of_the_programme_in_one_tick(cast, profiles, programme, coordinator, start):
    run = start(coordinator, programme, right_countries=[], right_all_others="on")
    assert sorted(run.right_countries.values_list("code", flat=True)) == ["FR", "GB"]
    assert pairs_of(run) == [("Reali School", "King David School")]


def poor_fit(profile):
    """Nothing in common but English and the ages: a fit well under 90 %."""
    profile.objectives.set(["environment"])
    profile.themes.set(["music"])


def test_unmatched_schools_are_listed_with_their_best_partner_and_paired_by_hand(
    client, cast, profiles, programme, coordinator, start, django_capture_on_commit_callbacks
):
    poor_fit(profiles[1])
    run = start(coordinator, programme, min_fit=95)
    assert pairs_of(run) == []
    client = as_(client, coordinator)
    page = client.get(f"/matching/cohorts/{run.pk}/")
    rows = page.context["unmatched"]
    assert [r["profile"] for r in rows] == [profiles[0], profiles[1]]
    best = rows[0]["best"]
    assert [(b["profile"], b["label"], b["can_pair"]) for b in best] == [
        (profiles[1], "a fit below the minimum set for the run", True)
    ]
    assert rows[0]["counts"] == [("a fit below the minimum set for the run", 1)]
    assert "Pair these two" in page.content.decode()

    response = client.post(f"/matching/cohorts/{run.pk}/pair/", {"left": profiles[0].pk, "right": profiles[1].pk})
    assert response["Location"] == f"/matching/cohorts/{run.pk}/#unmatched"
    pair = CohortPair.objects.get(run=run)
    assert (pair.by_hand, pair.pinned, pair.left, pair.right) == (True, True, *profiles)
    assert client.get(f"/matching/cohorts/{run.pk}/").context["unmatched"] == []
    assert AuditEntry.objects.filter(action="cohort.paired_by_hand").count() == 1
    again = client.post(
        f"/matching/cohorts/{run.pk}/pair/", {"left": profiles[0].pk, "right": profiles[1].pk}, follow=True
    )
    assert [str(m) for m in again.context["messages"]] == [
        "These schools already have a twinning or a proposal this year."
    ]

    # One approval: the run's, which covers the twinning the pair becomes.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/matching/cohorts/{run.pk}/approve/")
    proposal = Proposal.objects.get()
    for teacher in (cast.teacher_a, cast.teacher_b):
        as_(client, teacher.user).post(f"/matching/proposals/{proposal.pk}/accept/")
    twinning = Twinning.objects.get()
    assert (twinning.status, twinning.coordinator, twinning.programme) == ("approved", coordinator, programme)
    assert AuditEntry.objects.filter(action="twinning.approved", target_id=str(twinning.pk)).count() == 1


def test_pairing_by_hand_keeps_to_the_programmes_rules(client, cast, profiles, programme, coordinator, start):
    programme.partners_from_other_countries = True
    programme.save()
    neighbour = testing.make_school(country=cast.israel, name="Haifa Neighbour")
    neighbour.programmes.add(programme)
    near = make_profile(neighbour)
    poor_fit(profiles[1])
    run = start(coordinator, programme, min_fit=95, shape="one_pool", right_countries=[], left_countries=["IL", "GB"])
    response = as_(client, coordinator).post(
        f"/matching/cohorts/{run.pk}/pair/", {"left": profiles[0].pk, "right": near.pk}, follow=True
    )
    assert [str(m) for m in response.context["messages"]] == ["This programme pairs schools of different countries."]
    assert not CohortPair.objects.filter(run=run).exists()
    # And only schools of the run's cohort.
    stranger = make_profile(testing.make_school(country=cast.uk, name="Not In The Run"))
    response = as_(client, coordinator).post(
        f"/matching/cohorts/{run.pk}/pair/", {"left": profiles[0].pk, "right": stranger.pk}, follow=True
    )
    assert [str(m) for m in response.context["messages"]] == ["Both schools must belong to this run's cohort."]


@pytest.mark.parametrize("language", ["en", "he"])
def test_an_empty_side_says_why_with_counts_and_saves_nothing(cast, profiles, programme, coordinator, start, language):
    TwinningProfile.objects.filter(pk=profiles[1].pk).update(looking=False)
    testing.make_school(country=cast.uk, name="No Profile Yet").programmes.add(programme)
    coordinator.preferred_language = language
    coordinator.save()
    response = start(coordinator, programme, follow_errors=True)
    [error] = response.context["form"].non_field_errors()
    expected = {
        "en": "No school of the second side can be matched: 1 school has no twinning profile for this year; "
        "1 profile is not looking for partners.",
        "he": "אין בית ספר בצד השני שאפשר לשבץ: בית ספר אחד בלי פרופיל תאומות לשנה זו; פרופיל אחד שלא מחפש שותפים.",
    }
    assert error == expected[language]
    assert CohortRun.objects.count() == 0


def test_the_same_country_on_both_sides_and_a_programme_without_schools_are_refused(
    cast, profiles, programme, coordinator, start
):
    response = start(coordinator, programme, follow_errors=True, right_countries=["IL", "GB"])
    assert response.context["form"].errors["right_countries"] == ["A country cannot be on both sides."]
    empty = Programme.objects.create(slug="empty", names={"en": "Empty"})
    empty.countries.set([cast.israel, cast.uk])
    testing.grant(coordinator, Role.Kind.COORDINATOR, programme=empty)
    response = start(coordinator, empty, follow_errors=True)
    assert response.context["form"].non_field_errors() == ["The programme Empty has no member schools yet."]
    assert CohortRun.objects.count() == 0


def test_the_dashboard_lists_what_waits_for_the_coordinator(client, cast, profiles, programme, coordinator, start):
    poor_fit(profiles[1])
    run = start(coordinator, programme, min_fit=95)
    waiting = as_(client, coordinator).get("/dashboard/")
    assert waiting.context["waiting"]["to_review"] == 1
    assert waiting.context["waiting"]["unmatched"] == 2
    html = waiting.content.decode()
    assert "2 schools left without a partner by the latest cohort matching" in html
    assert f"/matching/cohorts/{run.pk}/#unmatched" in html
    # A twinning to approve and one to re-match, in the programme.
    from twinning.twinnings import services

    other = testing.make_school(country=cast.uk, name="Manchester Partner")
    other.programmes.add(programme)
    teacher = testing.make_teacher(school=other, name="M")
    twinning = services.propose_twinning(
        from_school=cast.school_a,
        to_schools=[other],
        by=cast.teacher_a.user,
        school_year=run.school_year,
        programme=programme,
    )
    services.answer_invitation(twinning=twinning, row=twinning.schools.get(school=other), by=teacher.user, accept=True)
    waiting = as_(client, coordinator).get("/dashboard/").context["waiting"]
    assert (waiting["to_approve"], waiting["approve_first"], waiting["rematch"]) == (1, [twinning], 0)


def test_programme_rules_are_set_by_its_coordinators_only(client, cast, programme, coordinator):
    page = as_(client, coordinator).post(
        f"/programmes/{programme.slug}/pairing-rules/", {"max_age_gap": 0, "partners_from_other_countries": "on"}
    )
    assert page.status_code == 302
    programme.refresh_from_db()
    assert (programme.max_age_gap, programme.partners_from_other_countries) == (0, True)
    assert as_(client, cast.coordinator).get(f"/programmes/{programme.slug}/pairing-rules/").status_code == 404
    assert as_(client, cast.teacher_a.user).get(f"/programmes/{programme.slug}/pairing-rules/").status_code == 404
    bad = as_(client, coordinator).post(f"/programmes/{programme.slug}/pairing-rules/", {"max_age_gap": 11})
    assert bad.status_code == 200 and bad.context["form"].errors["max_age_gap"]


def test_a_fair_run_says_what_it_cost_and_what_the_worst_off_school_gained(
    client, cast, profiles, programme, coordinator, start
):
    # Two more schools each side, fitting unevenly: the most total fit leaves one school a poor partner.
    for name, country, objectives in (
        ("Galil", cast.israel, ("environment",)),
        ("Leeds", cast.uk, ("identity",)),
        ("Haifa", cast.israel, ("identity",)),
        ("Hendon", cast.uk, ("environment",)),
    ):
        school = testing.make_school(country=country, name=name)
        school.programmes.add(programme)
        make_profile(school, objectives=objectives)
    run = start(coordinator, programme, min_fit=0, fairness="maximin")
    assert run.fairness == "maximin"
    fair = run.stats["fairness"]
    assert fair["gain"] >= 0 and fair["cost"] >= 0 and fair["matched"] >= fair["plain_matched"]
    assert fair["worst"] == pytest.approx(min(run.pairs.values_list("score", flat=True)))
    page = as_(client, coordinator).get(f"/matching/cohorts/{run.pk}/").content.decode()
    assert "The worst-off school gained" in page and "It cost" in page
    # Run again keeps the choice.
    again = start(coordinator, programme, min_fit=40, fairness="floor")
    assert again.fairness == "floor" and min(again.pairs.values_list("score", flat=True)) >= 0.4
