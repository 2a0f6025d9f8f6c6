"""Which kinds of role a person appoints: the rule called directly, with each persona."""

from twinning import testing
from twinning.accounts import rules
from twinning.accounts.models import Role
from twinning.schools.models import Programme

KINDS = (Role.Kind.NSO_STAFF, Role.Kind.COORDINATOR, Role.Kind.PRINCIPAL, Role.Kind.PROGRAMME_ADMIN)


def appoints(user) -> set[str]:
    return {kind for kind in KINDS if rules.may_appoint_kind(user, kind)}


def test_rules_administrators_appoint_every_kind_nso_staff_principals_and_coordinators(cast):
    assert appoints(cast.admin) == set(KINDS)
    assert appoints(cast.nso_il) == {Role.Kind.PRINCIPAL, Role.Kind.COORDINATOR}


def test_rules_programme_administrators_appoint_coordinators_only(cast):
    programme = Programme.objects.create(slug="global", names={"en": "Global twinning"})
    person = testing.make_person(name="Programme Admin")
    testing.grant(person, Role.Kind.PROGRAMME_ADMIN, programme=programme)
    assert appoints(person) == {Role.Kind.COORDINATOR}


def test_rules_teachers_principals_and_coordinators_appoint_nobody(cast):
    for person in (cast.teacher_a.user, cast.principal_a, cast.coordinator, cast.pending_il.user):
        assert appoints(person) == set(), person
