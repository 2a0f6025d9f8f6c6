"""Who reaches a school's page: the platform administrator reaches every school, pending ones too."""

import pytest

from twinning import testing
from twinning.schools.models import ValidationStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def pending_school(cast):
    school = testing.make_school(country=cast.israel, name="Pending Galil School", status=ValidationStatus.PENDING)
    testing.make_teacher(school=school, status=ValidationStatus.PENDING, name="Galil Teacher")
    return school


def test_scopes_platform_admin_reaches_a_pending_school_and_validates_it(client, cast, pending_school):
    client.force_login(cast.admin)

    assert client.get(f"/schools/{pending_school.pk}/").status_code == 200
    assert client.get(f"/schools/{pending_school.pk}/edit/").status_code == 200
    assert client.post(f"/validation/schools/{pending_school.pk}/approve/").status_code == 302
    pending_school.refresh_from_db()
    assert pending_school.status == ValidationStatus.VALIDATED


def test_scopes_of_others_are_unchanged_for_a_pending_school(client, cast, pending_school):
    galil_teacher = pending_school.teachers.get().user
    for person, status in [
        (cast.nso_il, 200),
        (galil_teacher, 200),
        (cast.nso_uk, 404),
        (cast.teacher_a.user, 404),
        (cast.teacher_b.user, 404),
        (cast.coordinator, 404),
    ]:
        client.force_login(person)
        response = client.get(f"/schools/{pending_school.pk}/")
        assert (person.full_name, response.status_code) == (person.full_name, status)


def test_scopes_directory_shows_validated_schools_only_even_to_the_admin(client, cast, pending_school):
    client.force_login(cast.admin)

    names = [school.name for school in client.get("/schools/").context["page"]]

    assert names == ["King David School", "Reali School"]
