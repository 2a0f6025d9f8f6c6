"""Whose school contacts a person names in a twinning: the access function called directly."""

import pytest
from django.http import Http404

from twinning.twinnings import rules, services


def test_rules_teachers_name_their_own_schools_contacts_and_principals_theirs(cast, twinning):
    assert rules.get_school_row_for_contacts(cast.teacher_a.user, twinning).school == cast.school_a
    assert rules.get_school_row_for_contacts(cast.teacher_b.user, twinning).school == cast.school_b
    assert rules.get_school_row_for_contacts(cast.principal_a, twinning).school == cast.school_a
    for person in (cast.coordinator, cast.nso_il, cast.pending_il.user, cast.admin):
        with pytest.raises(Http404):
            rules.get_school_row_for_contacts(person, twinning)


def test_rules_no_contacts_are_named_in_a_closed_twinning(cast, twinning):
    services.close_twinning(twinning=twinning, by=cast.coordinator, reason="The year is over.")
    twinning.refresh_from_db()
    assert twinning.read_only
    for person in (cast.teacher_a.user, cast.principal_a):
        with pytest.raises(Http404):
            rules.get_school_row_for_contacts(person, twinning)
