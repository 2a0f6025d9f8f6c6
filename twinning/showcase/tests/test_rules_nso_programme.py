"""An NSO's own programme (``Programme.nso``) is run by that NSO's staff and coordinators too: they approve
its stories as they decide its members; another NSO's staff do not."""

import pytest

from twinning import testing
from twinning.showcase import rules

pytestmark = pytest.mark.django_db


def test_an_nsos_staff_and_coordinators_run_its_own_programmes_showcase(cast, programme):
    assert not rules.may_approve_stories(cast.nso_il, programme)
    programme.nso = cast.il_nso
    programme.save(update_fields=["nso"])
    for person in (cast.nso_il, cast.coordinator):
        person = type(person).objects.get(pk=person.pk)  # roles are read once per user object
        assert rules.may_approve_stories(person, programme)
        assert programme in rules.programmes_run_by(person)
    assert not rules.may_approve_stories(cast.nso_uk, programme)
    assert programme not in rules.programmes_run_by(cast.nso_uk)
    assert not rules.may_approve_stories(cast.teacher_a.user, programme)
    assert rules.may_approve_stories(cast.admin, programme)
    assert not rules.may_approve_stories(testing.make_person(), programme)
