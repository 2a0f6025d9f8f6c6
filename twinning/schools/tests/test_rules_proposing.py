"""Who proposes a twinning to a school and who leads it: the rules called directly."""

from twinning import testing
from twinning.schools import rules
from twinning.schools.models import ValidationStatus


def test_rules_a_validated_teacher_proposes_to_another_validated_school(cast):
    assert rules.may_propose_to(cast.teacher_a.user, cast.school_b)
    assert not rules.may_propose_to(cast.teacher_a.user, cast.school_a)  # never to their own school
    pending_school = testing.make_school(country=cast.uk, name="Not Yet School", status=ValidationStatus.PENDING)
    assert not rules.may_propose_to(cast.teacher_a.user, pending_school)
    for person in (cast.pending_il.user, cast.principal_a, cast.coordinator, cast.nso_il, cast.admin):
        assert not rules.may_propose_to(person, cast.school_b)


def test_rules_a_principal_leads_their_own_school_only(cast):
    assert rules.is_principal_of(cast.principal_a, cast.school_a)
    assert not rules.is_principal_of(cast.principal_a, cast.school_b)
    for person in (cast.teacher_a.user, cast.nso_il, cast.admin):
        assert not rules.is_principal_of(person, cast.school_a)
