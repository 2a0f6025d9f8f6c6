"""Who reads labels, decides on school labels, awards the international label and manages conference
awards: the rules called directly, with each persona."""

import pytest
from django.http import Http404

from twinning import testing
from twinning.recognition import rules
from twinning.recognition.models import AwardCategory


def test_rules_labels_are_read_by_adults_not_pupils(client, cast, pupils):
    ours, _theirs = pupils
    adults = (cast.teacher_a.user, cast.pending_il.user, cast.principal_a, cast.nso_il, cast.coordinator)
    assert [rules.can_read(p) for p in adults] == [True] * 5
    assert not rules.can_read(ours.user)


def test_rules_evaluators_are_nso_staff_and_the_administrator(cast):
    assert [rules.is_evaluator(p) for p in (cast.nso_il, cast.nso_uk, cast.admin)] == [True, True, True]
    people = (cast.coordinator, cast.principal_a, cast.teacher_a.user)
    assert [rules.is_evaluator(p) for p in people] == [False, False, False]


def test_rules_the_school_label_page_is_for_principals_and_evaluators(cast):
    allowed = (cast.principal_a, cast.nso_il, cast.admin)
    assert [rules.can_see_school_labels(p) for p in allowed] == [True, True, True]
    refused = (cast.teacher_a.user, cast.coordinator, cast.pending_il.user)
    assert [rules.can_see_school_labels(p) for p in refused] == [False, False, False]
    assert list(rules.schools_led_by(cast.principal_a)) == [cast.school_a]
    assert list(rules.schools_led_by(cast.nso_il)) == []


def test_rules_only_administrators_award_the_international_label(cast):
    assert rules.can_award_international(cast.admin)
    for person in (cast.nso_il, cast.coordinator, cast.principal_a, cast.teacher_a.user):
        assert not rules.can_award_international(person)


def test_rules_award_categories_are_managed_by_their_nsos_staff_and_administrators(cast):
    assert [rules.can_manage_awards(p) for p in (cast.nso_il, cast.nso_uk, cast.admin)] == [True, True, True]
    assert [rules.can_manage_awards(p) for p in (cast.coordinator, cast.principal_a)] == [False, False]
    assert rules.may_manage_awards_of(cast.nso_il, cast.il_nso)
    assert not rules.may_manage_awards_of(cast.nso_il, cast.uk_nso)
    assert rules.may_manage_awards_of(cast.admin, cast.uk_nso)
    category = AwardCategory.objects.create(nso=cast.il_nso, school_year=2026, names={"en": "Best twinning"})
    assert rules.get_category_for_manager(cast.nso_il, category.pk) == category
    assert rules.get_category_for_manager(cast.admin, category.pk) == category
    for person in (cast.nso_uk, cast.coordinator):
        with pytest.raises(Http404):
            rules.get_category_for_manager(person, category.pk)


def test_rules_a_principal_of_another_school_does_not_lead_school_a(cast):
    other = testing.make_person(name="Other Principal")
    testing.grant(other, "principal", school=cast.school_b)
    assert rules.can_see_school_labels(other)
    assert list(rules.schools_led_by(other)) == [cast.school_b]
