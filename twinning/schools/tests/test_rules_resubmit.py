"""Who asks for a new decision on a teacher's profile: the rule called directly."""

from django.contrib.auth.models import AnonymousUser

from twinning import testing
from twinning.schools import rules
from twinning.schools.models import ValidationStatus


def test_rules_a_teacher_asks_again_about_their_own_profile(cast):
    turned_down = testing.make_teacher(school=cast.school_a, status=ValidationStatus.REJECTED, name="Turned Down")
    # Anyone with a teacher profile may ask; the service refuses in words unless it was turned down.
    for teacher in (turned_down, cast.pending_il, cast.teacher_a, cast.teacher_b):
        assert rules.may_resubmit(teacher.user), teacher.user.full_name


def test_rules_nobody_without_a_teacher_profile_asks_again(cast, pupils):
    ours, theirs = pupils
    people = (cast.principal_a, cast.coordinator, cast.nso_il, cast.admin, ours.user, theirs.user, AnonymousUser())
    for person in people:
        assert not rules.may_resubmit(person), str(person)
