"""Who oversees which twinning: the one-query scope (`twinnings_overseen_by`, and `twinnings_for` built on it) and
the per-twinning rule (`can_oversee`) say the same, for every persona and every way a twinning can be in a person's
care: as its coordinator, through a school of the first or of the second partner country (a school that declined
counts, as it did), through a programme, or not at all."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from twinning import testing
from twinning.accounts.models import Role
from twinning.accounts.rules import roles_of
from twinning.schools.models import Programme
from twinning.twinnings import services
from twinning.twinnings.models import Twinning, TwinningSchool
from twinning.twinnings.rules import can_oversee, oversees_any_twinning, twinnings_for, twinnings_overseen_by

pytestmark = pytest.mark.django_db


@pytest.fixture
def shapes(cast):
    """One twinning of each shape, by name, and the people beyond the cast who oversee some of them."""
    france_nso = testing.make_nso("fr", "France NSO")
    france = testing.make_country("FR", "France", nso=france_nso)
    spain = testing.make_country("ES", "Spain", nso=None)  # a country no NSO serves
    lycee = testing.make_school(country=france, name="Lycée Jean Moulin")
    testing.make_teacher(school=lycee, name="Claire Martin")
    colegio = testing.make_school(country=spain, name="Colegio Cervantes")
    oak = testing.make_school(country=cast.uk, name="Oak School")
    testing.make_teacher(school=oak, name="Teacher of Oak")
    programme = Programme.objects.create(slug="rivers", names={"en": "Rivers"})
    loner = testing.make_person(name="Personal Coordinator")
    programme_coordinator = testing.make_person(name="Programme Coordinator")
    testing.grant(programme_coordinator, Role.Kind.COORDINATOR, programme=programme)
    france_coordinator = testing.make_person(name="France Coordinator")
    testing.grant(france_coordinator, Role.Kind.COORDINATOR, nso=france_nso)

    def between(first, second, title):
        twinning = Twinning.objects.create(titles={"en": title}, school_year=2026, status=Twinning.Status.APPROVED)
        for school in (first, second):
            TwinningSchool.objects.create(twinning=twinning, school=school, status=TwinningSchool.Status.JOINED)
        return twinning

    found = {
        # Israel first, the UK second: the cast's own.
        "il-uk": testing.active_twinning(cast),
        # France and the UK: the UK's NSO sees it only through its second partner's school.
        "fr-uk": between(lycee, oak, "Across the Channel"),
        # France and Spain, in the programme: nobody's country but France's, and the programme's.
        "fr-es": between(lycee, colegio, "Pyrenees"),
        # Spain and France, with a person of no role as its coordinator.
        "es-fr": between(colegio, lycee, "Two coasts"),
        # Israel and France, where Israel's school declined: Israel's staff still see what it was asked to join.
        "il-fr": services.propose_twinning(
            from_school=lycee, to_schools=[cast.school_a], by=lycee.teachers.get().user, school_year=2026
        ),
    }
    Twinning.objects.filter(pk=found["fr-es"].pk).update(programme=programme)
    Twinning.objects.filter(pk=found["es-fr"].pk).update(coordinator=loner)
    TwinningSchool.objects.filter(twinning=found["il-fr"], school=cast.school_a).update(
        status=TwinningSchool.Status.DECLINED
    )
    found = {name: Twinning.objects.get(pk=twinning.pk) for name, twinning in found.items()}
    people = {
        "admin": cast.admin,
        "nso_il": cast.nso_il,
        "nso_uk": cast.nso_uk,
        "coordinator_il": cast.coordinator,
        "coordinator_fr": france_coordinator,
        "programme": programme_coordinator,
        "loner": loner,
        "principal_a": cast.principal_a,
        "teacher_a": cast.teacher_a.user,
        "teacher_b": cast.teacher_b.user,
    }
    return found, people


# Who oversees which twinning, written out: the figures the two rules are both held to.
OVERSEES = {
    "admin": {"il-uk", "fr-uk", "fr-es", "es-fr", "il-fr"},
    "nso_il": {"il-uk", "il-fr"},
    "nso_uk": {"il-uk", "fr-uk"},
    "coordinator_il": {"il-uk", "il-fr"},  # also the coordinator who approved il-uk
    "coordinator_fr": {"fr-uk", "fr-es", "es-fr", "il-fr"},
    "programme": {"fr-es"},
    "loner": {"es-fr"},
    "principal_a": set(),  # principals see their school's twinnings but do not oversee them
    "teacher_a": set(),
    "teacher_b": set(),
}


def test_oversight_scope_and_can_oversee_agree_for_every_persona_and_shape(shapes):
    twinnings, people = shapes
    names = {twinning.pk: name for name, twinning in twinnings.items()}
    for who, person in people.items():
        scope = {names[pk] for pk in twinnings_overseen_by(person).values_list("pk", flat=True)}
        one_by_one = {name for name, twinning in twinnings.items() if can_oversee(person, twinning)}
        assert (who, scope) == (who, OVERSEES[who])
        assert (who, one_by_one) == (who, OVERSEES[who])
        assert (who, oversees_any_twinning(person)) == (who, bool(OVERSEES[who]))


def test_oversight_what_a_person_sees_holds_what_they_oversee_and_their_own(shapes, cast):
    twinnings, people = shapes
    names = {twinning.pk: name for name, twinning in twinnings.items()}
    seen = {
        who: {names[pk] for pk in twinnings_for(person).values_list("pk", flat=True)} for who, person in people.items()
    }
    # Principals see their school's twinnings, the one it declined too; teachers their own and those they are asked to.
    assert seen == {**OVERSEES, "principal_a": {"il-uk", "il-fr"}, "teacher_a": {"il-uk"}, "teacher_b": {"il-uk"}}


def test_oversight_asked_by_state_is_the_scope_in_that_state(shapes):
    twinnings, people = shapes
    Twinning.objects.filter(pk=twinnings["fr-uk"].pk).update(status=Twinning.Status.ACCEPTED)
    Twinning.objects.filter(pk=twinnings["es-fr"].pk).update(status=Twinning.Status.NEEDS_PARTNER)
    for who, person in people.items():
        for statuses in ([Twinning.Status.ACCEPTED], [Twinning.Status.NEEDS_PARTNER], list(Twinning.Status.values)):
            asked = set(twinnings_overseen_by(person, statuses=statuses).values_list("pk", flat=True))
            filtered = set(twinnings_overseen_by(person).filter(status__in=statuses).values_list("pk", flat=True))
            assert (who, statuses, asked) == (who, statuses, filtered)


def test_oversight_scope_asks_the_same_queries_however_many_twinnings(shapes, cast):
    _twinnings, people = shapes

    def queries_of(person) -> int:
        person = type(person).objects.get(pk=person.pk)  # roles read afresh, then kept on the user
        roles_of(person)
        with CaptureQueriesContext(connection) as captured:
            twinnings_overseen_by(person, statuses=[Twinning.Status.ACCEPTED]).count()
            twinnings_overseen_by(person).count()
            twinnings_for(person).count()
        return len(captured)

    few = {who: queries_of(person) for who, person in people.items()}
    for n in range(5):
        testing.approved_twinning_with_new_partner(cast, name=f"Elm School {n}")
    assert {who: queries_of(person) for who, person in people.items()} == few
    # Each count one query, after the countries of the person's NSOs and whether they coordinate a twinning by name
    # (the teacher's school for `twinnings_for`): three each at most, whatever the network holds.
    assert max(few.values()) <= 9
