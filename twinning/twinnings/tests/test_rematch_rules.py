"""The re-match queue keeps to the twinning's programme: its members only, within its rules."""

import pytest
from django.urls import reverse

from twinning import testing
from twinning.accounts.models import Role
from twinning.common.school_year import current_school_year
from twinning.matching.tests.conftest import make_profile
from twinning.schools.models import Programme
from twinning.testing import as_
from twinning.twinnings import services
from twinning.twinnings.models import Membership, TwinningSchool

pytestmark = pytest.mark.django_db


@pytest.fixture
def lost_partner(cast):
    """A twinning of the Israeli school in the JA programme whose British partner left."""
    ja = Programme.objects.create(slug="ja", names={"en": "JA"}, partners_from_other_countries=True)
    ja.countries.set([cast.israel, cast.uk])
    for school in (cast.school_a, cast.school_b):
        school.programmes.add(ja)
    make_profile(cast.school_a)
    twinning = services.propose_twinning(
        from_school=cast.school_a,
        to_schools=[cast.school_b],
        by=cast.teacher_a.user,
        school_year=current_school_year(),
        titles={"en": "Songs we grew up with"},
        programme=ja,
    )
    row = twinning.schools.get(school=cast.school_b)
    services.answer_invitation(twinning=twinning, row=row, by=cast.teacher_b.user, accept=True)
    services.approve_twinning(twinning=twinning, by=cast.coordinator)
    row.refresh_from_db()
    services.withdraw_school(twinning=twinning, row=row, by=cast.teacher_b.user, reason="Moved away")
    twinning.refresh_from_db()
    return twinning


@pytest.fixture
def other_programme(cast):
    """A Palestinian school in another programme, fitting the JA twinning well, with its NSO's staff."""
    ps_nso = testing.make_nso("ps", "Palestinian NSO")
    palestine = testing.make_country("PS", "Palestine", nso=ps_nso, time_zone="Asia/Hebron", week="mon_sat")
    etwinning = Programme.objects.create(slug="etwinning", names={"en": "eTwinning"})
    school = testing.make_school(country=palestine, name="Ramallah Friends")
    school.programmes.add(etwinning)
    make_profile(school)
    staff = testing.make_person(name="PS Staff")
    testing.grant(staff, Role.Kind.NSO_STAFF, nso=ps_nso)
    return school, staff


def suggested(client, user):
    rows = as_(client, user).get("/twinnings/rematch/").context["rows"]
    return [school.name for row in rows for school, _fit in row["suggestions"]]


def test_rematch_offers_only_schools_of_the_twinnings_programme(client, cast, lost_partner, other_programme):
    member = testing.make_school(country=cast.uk, name="Hendon Member")
    member.programmes.add(lost_partner.programme)
    make_profile(member)
    assert suggested(client, cast.coordinator) == ["Hendon Member"]


def test_rematch_keeps_to_the_programmes_age_gap(client, cast, lost_partner):
    member = testing.make_school(country=cast.uk, name="Older Pupils")
    member.programmes.add(lost_partner.programme)
    make_profile(member, age_from=15, age_to=17)
    assert suggested(client, cast.coordinator) == []


def test_inviting_another_programmes_school_is_refused_and_its_nso_stays_out(
    client, cast, lost_partner, other_programme
):
    school, staff = other_programme
    response = as_(client, cast.coordinator).post(
        f"/twinnings/{lost_partner.pk}/invite/", {"school": school.pk}, follow=True
    )
    assert [str(m) for m in response.context["messages"]] == ["Both schools must be members of the programme."]
    assert not lost_partner.schools.filter(school=school).exists()
    assert as_(client, staff).get(f"/twinnings/{lost_partner.pk}/").status_code == 404
    assert as_(client, staff).get(reverse("workspace:home", args=[lost_partner.pk])).status_code == 404
    assert not Membership.objects.filter(twinning=lost_partner, user=staff).exists()


def test_inviting_a_school_already_twinned_with_the_remaining_one_is_refused(client, cast, lost_partner):
    member = testing.make_school(country=cast.uk, name="Already Twinned")
    member.programmes.add(lost_partner.programme)
    teacher = testing.make_teacher(school=member, name="T")
    services.propose_twinning(
        from_school=member,
        to_schools=[cast.school_a],
        by=teacher.user,
        school_year=current_school_year(),
        programme=lost_partner.programme,
    )
    response = as_(client, cast.coordinator).post(
        f"/twinnings/{lost_partner.pk}/invite/", {"school": member.pk}, follow=True
    )
    assert [str(m) for m in response.context["messages"]] == [
        "These schools already have a twinning or a proposal this year."
    ]
    assert lost_partner.schools.filter(status=TwinningSchool.Status.INVITED).count() == 0


def test_a_twinning_outside_programmes_is_offered_no_programmes_school(client, cast, lost_partner, other_programme):
    """A twinning with no programme, its remaining school in none: another programme's school, however
    well it fits, is neither suggested nor invited."""
    from twinning.twinnings.models import Twinning

    Twinning.objects.filter(pk=lost_partner.pk).update(programme=None)
    cast.school_a.programmes.clear()
    free = testing.make_school(country=cast.uk, name="Free School")
    make_profile(free)
    assert suggested(client, cast.coordinator) == ["Free School"]
    school, _staff = other_programme
    response = as_(client, cast.coordinator).post(
        f"/twinnings/{lost_partner.pk}/invite/", {"school": school.pk}, follow=True
    )
    assert [str(m) for m in response.context["messages"]] == ["The two schools take part in no programme together."]
