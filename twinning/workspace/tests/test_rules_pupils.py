"""Who adds pupils to a twinning and removes them: the rule called directly, with each persona."""

from twinning.twinnings.models import Twinning
from twinning.workspace import rules


def test_rules_the_twinnings_teachers_manage_their_pupils_nobody_else(cast, twinning, pupils):
    ours, _theirs = pupils
    manage = {
        who: rules.can_manage_pupils(user, Twinning.objects.get(pk=twinning.pk))
        for who, user in {
            "teacher A": cast.teacher_a.user,
            "teacher B": cast.teacher_b.user,
            "pupil": ours.user,
            "coordinator": cast.coordinator,
            "principal": cast.principal_a,
            "pending teacher": cast.pending_il.user,
        }.items()
    }
    assert manage == {
        "teacher A": True,
        "teacher B": True,
        "pupil": False,
        "coordinator": False,
        "principal": False,
        "pending teacher": False,
    }


def test_rules_the_membership_set_by_the_access_function_is_the_one_judged(cast, twinning):
    seen = rules.get_workspace_for_user(cast.teacher_a.user, twinning.pk)
    assert rules.can_manage_pupils(cast.teacher_a.user, seen)
    seen.viewer_membership = None  # as for a visitor (an overseer or a principal)
    assert not rules.can_manage_pupils(cast.teacher_a.user, seen)
