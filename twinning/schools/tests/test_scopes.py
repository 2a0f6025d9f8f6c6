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


def test_directory_links_its_pages_both_ways_in_the_readers_direction(client, cast):
    for n in range(30):
        testing.make_school(country=cast.israel, name=f"Directory {n:02}")
    client.force_login(cast.teacher_a.user)

    first = client.get("/schools/?q=directory")
    page = first.context["page"]
    cast.teacher_a.user.preferred_language = "he"
    cast.teacher_a.user.save(update_fields=["preferred_language"])
    second = client.get(f"/schools/?q=directory&after={page.next_cursor}")
    body = second.content.decode()

    assert 'rel="next"' in first.content.decode() and 'rel="prev"' not in first.content.decode()
    assert [school.name for school in second.context["page"]] == [f"Directory {n:02}" for n in range(25, 30)]
    assert 'rel="prev"' in body and 'rel="next"' not in body
    assert '<span aria-hidden="true">→</span>' in body  # back is to the right in Hebrew


def test_directory_with_a_broken_cursor_shows_the_first_page_and_says_why(client, cast):
    client.force_login(cast.teacher_a.user)
    response = client.get("/schools/?after=broken")
    assert response.status_code == 200
    assert [school.name for school in response.context["page"]] == ["King David School", "Reali School"]
    assert "could not be found any more" in response.content.decode()
