"""The hard rules of pairing: never twice the same pair in a year, only a programme's own schools,
ages close enough, partners from another country when the programme says so."""

import pytest
from django.db import IntegrityError, transaction
from django.utils import translation

from twinning import testing
from twinning.common.errors import ServiceError
from twinning.common.school_year import current_school_year
from twinning.matching import services
from twinning.matching.constraints import PairRules, Party, Rule, age_gap, refusal, refusal_message
from twinning.matching.models import Proposal, TwinningProfile
from twinning.matching.tests.conftest import make_profile
from twinning.schools.models import Programme
from twinning.testing import as_
from twinning.twinnings import services as twinning_services
from twinning.twinnings.models import Twinning

pytestmark = pytest.mark.django_db


def twin_by_hand(cast, partner=None):
    """A twinning the Israeli school proposed by hand (not from a search): no partnership proposal."""
    return twinning_services.propose_twinning(
        from_school=cast.school_a,
        to_schools=[partner or cast.school_b],
        by=cast.teacher_a.user,
        school_year=current_school_year(),
        titles={"en": "A day in our school"},
    )


def found(client, user, **query):
    return [r["profile"].school.name for r in as_(client, user).get("/matching/search/", query).context["results"]]


def test_search_never_offers_a_school_already_twinned_this_year(client, cast, profiles):
    assert found(client, cast.teacher_a.user) == ["King David School"]
    twin_by_hand(cast)
    assert found(client, cast.teacher_a.user) == []
    # Nor the other way round.
    assert found(client, cast.teacher_b.user) == []


def test_a_request_to_a_school_already_twinned_is_refused_and_nothing_is_saved(client, cast, profiles):
    twin_by_hand(cast)
    response = as_(client, cast.teacher_a.user).post(f"/matching/request/{profiles[1].pk}/", follow=True)
    assert [str(m) for m in response.context["messages"]] == [
        "Your schools already have a twinning or a proposal this year, or one of you declined it."
    ]
    assert Proposal.objects.count() == 0


def test_a_second_twinning_of_the_same_pair_in_a_year_is_refused(client, cast):
    twin_by_hand(cast)
    response = as_(client, cast.teacher_b.user, "he").post(
        f"/twinnings/propose/{cast.school_a.pk}/", {"title_en": "Again"}
    )
    assert response.status_code == 200
    errors = response.context["form"].non_field_errors()
    assert errors == ["Reali School: לבתי הספר האלה כבר יש תאומות או הצעה השנה."]
    assert Twinning.objects.count() == 1


def test_a_second_twinning_cannot_open_from_a_proposal_either(cast, profiles):
    proposal = services.request_partnership(from_profile=profiles[0], to_profile=profiles[1], by=cast.teacher_a.user)
    with translation.override("en"), pytest.raises(ServiceError, match="already have a twinning or a proposal"):
        twin_by_hand(cast)  # refused while the proposal waits
    # One made before these checks existed: the proposal cannot open a second one.
    made = Twinning.objects.create(school_year=current_school_year(), titles={"en": "Older"})
    for school in (cast.school_a, cast.school_b):
        made.schools.create(school=school, status="joined")
    with translation.override("en"), pytest.raises(ServiceError, match="already have a twinning"):
        services.answer_proposal(proposal=proposal, school_id=cast.school_b.pk, by=cast.teacher_b.user, accept=True)
    proposal.refresh_from_db()
    assert (proposal.status, Twinning.objects.count()) == ("pending", 1)


def test_the_database_keeps_one_open_proposal_per_pair_whichever_school_asked(cast, profiles):
    Proposal.objects.create(origin="search", left=profiles[0], right=profiles[1], left_accepted=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        Proposal.objects.create(origin="search", left=profiles[1], right=profiles[0], left_accepted=True)
    # A declined proposal leaves room for none either (the services refuse), but is no open proposal.
    Proposal.objects.update(status="declined")
    Proposal.objects.create(origin="search", left=profiles[1], right=profiles[0], status="declined")


def test_a_request_to_ones_own_profile_is_a_clear_refusal(client, cast, profiles):
    response = as_(client, cast.teacher_a.user).post(f"/matching/request/{profiles[0].pk}/", follow=True)
    assert response.status_code == 200
    assert [str(m) for m in response.context["messages"]] == ["A school cannot twin with itself."]
    # A principal who does not teach has no search of their own: not theirs, a 404, never a 500.
    assert as_(client, cast.principal_a).post(f"/matching/request/{profiles[0].pk}/").status_code == 404


@pytest.fixture
def cross_country(cast):
    """A programme of Israeli and British schools whose partners come from the other country."""
    programme = Programme.objects.create(
        slug="etwinning", names={"en": "eTwinning"}, partners_from_other_countries=True
    )
    programme.countries.set([cast.israel, cast.uk])
    for school in (cast.school_a, cast.school_b):
        school.programmes.add(programme)
    return programme


def test_search_in_a_cross_country_programme_never_offers_a_school_of_ones_own_country(
    client, cast, profiles, cross_country
):
    neighbour = testing.make_school(country=cast.israel, name="Haifa Neighbour")
    neighbour.programmes.add(cross_country)
    # The neighbour fits better than the British school on every count.
    make_profile(neighbour, languages={"he": 3, "en": 2})
    assert found(client, cast.teacher_a.user) == ["King David School"]
    cross_country.partners_from_other_countries = False
    cross_country.save()
    # Allowed then, but partners abroad come first in a programme of several countries.
    assert found(client, cast.teacher_a.user) == ["King David School", "Haifa Neighbour"]


def test_search_offers_only_members_of_the_programme(client, cast, profiles, cross_country):
    outsider = testing.make_school(country=cast.uk, name="Outside School")
    make_profile(outsider)
    assert found(client, cast.teacher_a.user) == ["King David School"]
    # A profile naming a programme is not offered to schools outside it.
    loner = testing.make_school(country=cast.israel, name="Loner School")
    loner_teacher = testing.make_teacher(school=loner, name="Lone Teacher")
    make_profile(loner)
    assert "King David School" not in found(client, loner_teacher.user)
    TwinningProfile.objects.filter(pk=profiles[1].pk).update(programme=cross_country)
    assert "King David School" not in found(client, loner_teacher.user)


def test_search_keeps_to_the_programmes_age_gap(client, cast, profiles, cross_country):
    TwinningProfile.objects.filter(pk=profiles[1].pk).update(age_from=14, age_to=16)  # two years above 10–12
    assert found(client, cast.teacher_a.user) == []
    cross_country.max_age_gap = 2
    cross_country.save()
    assert found(client, cast.teacher_a.user) == ["King David School"]


def test_a_request_breaking_the_programmes_rules_says_which(client, cast, profiles, cross_country):
    TwinningProfile.objects.filter(pk=profiles[1].pk).update(age_from=15, age_to=17)
    response = as_(client, cast.teacher_a.user).post(f"/matching/request/{profiles[1].pk}/", follow=True)
    assert [str(m) for m in response.context["messages"]] == ["The two classes' ages are more than 1 year apart."]
    assert Proposal.objects.count() == 0


def party(school_id, country, ages, programmes=()):
    return Party(school_id, country, ages[0], ages[1], frozenset(programmes))


def test_rules_name_the_first_rule_broken():
    strict = PairRules(programme_id=7, max_age_gap=0, other_country=True)
    a = party(1, "IL", (10, 12), [7])
    assert refusal(strict, a, a) == Rule.SAME_SCHOOL
    assert refusal(strict, a, party(2, "GB", (10, 12))) == Rule.PROGRAMME
    assert refusal(strict, a, party(2, "IL", (10, 12), [7])) == Rule.SAME_COUNTRY
    assert refusal(strict, a, party(2, "GB", (13, 14), [7])) == Rule.AGE_GAP
    assert refusal(strict, a, party(2, "GB", (12, 14), [7])) is None
    assert refusal(PairRules(), a, party(2, "IL", (13, 14), [7, 8])) is None  # defaults: a year apart, any country
    assert refusal(PairRules(), party(1, "IL", (10, 12)), party(2, "IL", (13, 14))) is None  # both outside programmes


def test_outside_a_programme_schools_pair_only_within_one_they_share():
    a = party(1, "IL", (10, 12), [7])
    assert refusal(PairRules(), a, party(2, "GB", (10, 12))) == Rule.PROGRAMME  # one outside every programme
    assert refusal(PairRules(), a, party(2, "GB", (10, 12), [8])) == Rule.PROGRAMME  # another programme's
    assert refusal(PairRules(), a, party(2, "GB", (10, 12), [8, 7])) is None
    assert refusal_message(Rule.PROGRAMME, PairRules()) == "The two schools take part in no programme together."
    assert (age_gap(10, 12, 12, 14), age_gap(10, 12, 13, 14), age_gap(15, 18, 5, 9)) == (0, 1, 6)


def test_search_looks_in_the_schools_own_programme_and_offers_only_its_programmes(
    client, cast, profiles, cross_country
):
    """Partner search never defaults to "any programme": a school in two programmes chooses between them."""
    other = Programme.objects.create(slug="unrwa", names={"en": "Other network"})
    other.countries.set([cast.israel, cast.uk])
    theirs = testing.make_school(country=cast.uk, name="Other Network School")
    theirs.programmes.add(other)
    make_profile(theirs, languages={"he": 3, "en": 2})
    page = as_(client, cast.teacher_a.user).get("/matching/search/")
    choices = [str(p) for p in page.context["form"].fields["programme"].queryset]
    assert choices == ["eTwinning"]
    assert "Any programme" not in page.content.decode()
    assert found(client, cast.teacher_a.user) == ["King David School"]
    # Another programme's id sent by hand is refused, and nothing of it is shown.
    assert found(client, cast.teacher_a.user, programme=other.pk) == []
    # In both, the school chooses: each search keeps to the programme chosen.
    cast.school_a.programmes.add(other)
    assert found(client, cast.teacher_a.user, programme=other.pk) == ["Other Network School"]
    assert found(client, cast.teacher_a.user, programme=cross_country.pk) == ["King David School"]


def test_a_school_outside_every_programme_never_meets_a_programmes_school(client, cast, profiles, cross_country):
    loner = testing.make_school(country=cast.israel, name="Loner School")
    loner_teacher = testing.make_teacher(school=loner, name="Lone Teacher")
    make_profile(loner)
    # King David is in two programmes and names none: still not offered to a school outside both.
    other = Programme.objects.create(slug="other", names={"en": "Other"})
    cast.school_b.programmes.add(other)
    free = testing.make_school(country=cast.uk, name="Free School")
    make_profile(free)
    assert found(client, loner_teacher.user) == ["Free School"]


def test_a_run_without_a_programme_holds_the_schools_outside_every_programme(cast, profiles, cross_country):
    from twinning.matching.models import CohortRun

    free = testing.make_school(country=cast.uk, name="Free School")
    make_profile(free)
    free_il = testing.make_school(country=cast.israel, name="Free Israeli School")
    make_profile(free_il)
    run = services.start_cohort_run(
        by=cast.nso_il,
        nso=cast.il_nso,
        school_year=current_school_year(),
        shape=CohortRun.Shape.TWO_SIDES,
        left_countries=[cast.israel],
        right_countries=[cast.uk],
        min_score=0,
    )
    left, right = services.cohort_profiles(run)
    assert {p.school for p in left} == {str(free_il.pk)}
    assert {p.school for p in right} == {str(free.pk)}


def test_a_twinning_of_two_schools_in_several_programmes_belongs_to_one_they_share(cast, profiles, cross_country):
    other = Programme.objects.create(slug="aaa-other", names={"en": "Other"})
    for school in (cast.school_a, cast.school_b):
        school.programmes.add(other)
    proposal = services.request_partnership(from_profile=profiles[0], to_profile=profiles[1], by=cast.teacher_a.user)
    services.answer_proposal(proposal=proposal, school_id=cast.school_b.pk, by=cast.teacher_b.user, accept=True)
    assert Twinning.objects.get().programme == other


@pytest.mark.parametrize("bound", [1, 25, 45], ids=["one", "two-rounds", "past-the-rounds"])
def test_search_never_offers_schools_bound_to_another_programme_however_many_fit_better(
    client, cast, profiles, cross_country, bound
):
    """Schools of the programme whose profile names a programme the searcher is not in are never offered, even
    when more of them fit better than a page of results holds (the search asks again without them)."""
    elsewhere = Programme.objects.create(slug="elsewhere", names={"en": "Elsewhere"})
    better = []
    for n in range(bound):
        school = testing.make_school(country=cast.uk, name=f"Bound School {n}")
        school.programmes.add(cross_country)
        better.append(make_profile(school, languages={"he": 3, "en": 2}, programme=elsewhere))
    assert found(client, cast.teacher_a.user) == ["King David School"]
    # Named the searcher's programme, one of them is offered, before King David: it fits better.
    TwinningProfile.objects.filter(pk=better[-1].pk).update(programme=cross_country)
    assert found(client, cast.teacher_a.user) == [f"Bound School {bound - 1}", "King David School"]
