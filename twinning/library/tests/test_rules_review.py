"""Who writes, edits and reviews library activities: the rules called directly, with each persona."""

from twinning import testing
from twinning.library import rules
from twinning.library.models import Activity, Version


def test_rules_reviewers_are_coordinators_nso_staff_and_the_administrator(cast):
    assert [rules.can_review(p) for p in (cast.coordinator, cast.nso_il, cast.admin)] == [True, True, True]
    people = (cast.teacher_a.user, cast.pending_il.user, cast.principal_a)
    assert [rules.can_review(p) for p in people] == [False, False, False]


def test_rules_validated_teachers_and_reviewers_write_pending_teachers_do_not(cast):
    assert [rules.can_write(p) for p in (cast.teacher_a.user, cast.coordinator)] == [True, True]
    assert [rules.can_write(p) for p in (cast.pending_il.user, cast.principal_a)] == [False, False]


def test_rules_an_activity_is_edited_by_its_author_and_the_reviewers_only(cast):
    activity = Activity(author=cast.teacher_a.user)
    assert [rules.can_edit(p, activity) for p in (cast.teacher_a.user, cast.coordinator)] == [True, True]
    assert [rules.can_edit(p, activity) for p in (cast.teacher_b.user, cast.pending_il.user)] == [False, False]


def test_rules_a_submitted_version_is_reviewed_by_a_reviewer_who_did_not_write_it(cast):
    by_teacher = Version(author=cast.teacher_a.user, state=Version.State.SUBMITTED)
    assert rules.may_review(cast.coordinator, by_teacher)
    assert not rules.may_review(cast.teacher_a.user, by_teacher)
    assert not rules.may_review(cast.teacher_b.user, by_teacher)
    # Four eyes: a coordinator's own version waits for another reviewer.
    by_coordinator = Version(author=cast.coordinator, state=Version.State.SUBMITTED)
    assert not rules.may_review(cast.coordinator, by_coordinator)
    other = testing.make_person(name="Second Coordinator")
    testing.grant(other, "coordinator", nso=cast.il_nso)
    assert rules.may_review(other, by_coordinator)


def test_rules_only_a_submitted_version_is_reviewed(cast):
    for state in (Version.State.DRAFT, Version.State.RETURNED, Version.State.PUBLISHED):
        assert not rules.may_review(cast.coordinator, Version(author=cast.teacher_a.user, state=state)), state
