"""Pupils see their own school's page and their twinnings' partner schools: no directory, no teachers."""

import pytest

from twinning import testing
from twinning.accounts.pupils import create_pupils
from twinning.recognition.models import Label
from twinning.twinnings import services as twinning_services

pytestmark = pytest.mark.django_db


@pytest.fixture
def pupil(cast):
    (pupil, _password), *_ = create_pupils(school=cast.school_a, by=cast.teacher_a.user, names=["Noa L."])
    return pupil.user


def test_pupils_have_no_school_directory(client, cast, pupil):
    client.force_login(pupil)

    assert client.get("/schools/").status_code == 404
    assert client.get("/schools/", {"q": "School"}).status_code == 404
    assert 'href="/schools/"' not in client.get("/dashboard/").content.decode()


def test_pupils_see_their_own_school_without_its_teachers(client, cast, pupil):
    Label.objects.create(kind=Label.Kind.NATIONAL, school_year=2025, school=cast.school_a, teacher=cast.teacher_a.user)
    client.force_login(pupil)

    response = client.get(f"/schools/{cast.school_a.pk}/")

    body = response.content.decode()
    assert response.status_code == 200
    assert "Reali School" in body
    assert 'data-testid="labels"' in body
    for name in ("Dana Levi", "Yossi Mizrahi", cast.teacher_a.user.email):
        assert name not in body
    assert response.context["page"] is None


def test_pupils_reach_no_other_school(client, cast, pupil):
    other = testing.make_school(country=cast.israel, name="Hadera High")
    client.force_login(pupil)

    for school in (cast.school_b, other):
        assert client.get(f"/schools/{school.pk}/").status_code == 404
        assert client.get(f"/schools/{school.pk}/calendar/").status_code == 404


def test_pupils_see_their_twinnings_partner_school_without_its_teachers(client, cast, pupil, twinning):
    row = twinning.schools.get(school=cast.school_a)
    twinning_services.add_pupils(twinning=twinning, row=row, pupils=[pupil.pupil], by=cast.teacher_a.user)
    client.force_login(pupil)

    response = client.get(f"/schools/{cast.school_b.pk}/")

    assert response.status_code == 200
    assert "King David School" in response.content.decode()
    assert "Sarah Cohen" not in response.content.decode()
    assert client.get(f"/schools/{cast.school_b.pk}/calendar/").status_code == 200
    # Taken out of the twinning, the partner school is out of reach again.
    twinning_services.remove_pupil(twinning=twinning, row=row, pupil_user=pupil, by=cast.teacher_a.user)
    assert client.get(f"/schools/{cast.school_b.pk}/").status_code == 404


def test_pupils_rules_leave_teachers_directory_and_teacher_lists_as_they_were(client, cast):
    client.force_login(cast.teacher_b.user)

    directory = client.get("/schools/")
    page = client.get(f"/schools/{cast.school_a.pk}/")

    assert [s.name for s in directory.context["page"]] == ["King David School", "Reali School"]
    assert [t.user.full_name for t in page.context["page"]] == ["Dana Levi"]
