"""Who keeps a caseload, reads a twinning's guidance log and sets silence limits: the rules called directly."""

import pytest
from django.http import Http404

from twinning import testing
from twinning.coordination import rules
from twinning.schools.models import Programme


def test_rules_the_caseload_is_for_those_who_oversee_a_twinning(cast, twinning):
    overseers = (cast.coordinator, cast.nso_il, cast.nso_uk, cast.admin)
    assert [rules.can_see_caseload(p) for p in overseers] == [True, True, True, True]
    others = (cast.teacher_a.user, cast.teacher_b.user, cast.principal_a)
    assert [rules.can_see_caseload(p) for p in others] == [False, False, False]


def test_rules_the_guidance_log_is_not_for_the_twinnings_own_teachers(cast, twinning):
    for overseer in (cast.coordinator, cast.nso_il, cast.admin):
        assert rules.get_twinning_for_coordinator(overseer, twinning.pk) == twinning
    for person in (cast.teacher_a.user, cast.teacher_b.user, cast.principal_a, cast.pending_il.user):
        with pytest.raises(Http404):
            rules.get_twinning_for_coordinator(person, twinning.pk)


def test_rules_silence_limits_are_set_by_programme_coordinators_and_the_administrator(cast):
    programme = Programme.objects.create(slug="global", names={"en": "Global twinning"})
    assert rules.can_set_limits(cast.admin)
    assert not rules.can_set_limits(cast.coordinator)  # a country's coordinator, not a programme's
    assert not rules.can_set_limits(cast.nso_il)
    programme_coordinator = testing.make_person(name="Programme Coordinator")
    testing.grant(programme_coordinator, "coordinator", programme=programme)
    assert rules.can_set_limits(programme_coordinator)
    assert list(rules.programmes_managed_by(programme_coordinator)) == [programme]
