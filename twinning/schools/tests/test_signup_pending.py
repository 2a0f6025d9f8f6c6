"""Sign-up never shows anyone a school still waiting for validation, yet its teachers can still join it."""

import pytest
from django.urls import reverse
from django.utils import timezone

from twinning import testing
from twinning.common.models import AuditEntry
from twinning.schools.models import School, TeacherProfile, ValidationStatus
from twinning.schools.tests.conftest import new_school_data, signup_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def pending(cast):
    school = testing.make_school(
        country=cast.israel, name="Galil Democratic School", city="Karmiel", status=ValidationStatus.PENDING
    )
    testing.make_teacher(school=school, status=ValidationStatus.PENDING, name="First Galil Teacher")
    return school


def test_signup_search_lists_validated_schools_only(client, cast, pending):
    validated = testing.make_school(country=cast.israel, name="Galil High", city="Karmiel")

    partial = client.get(reverse("schools:signup_school_search"), {"country": "IL", "school_search": "Galil"})
    page = client.post(reverse("schools:signup_find_school"), {"country": "IL", "school_search": "Karmiel"})

    assert [s.pk for s in partial.context["school_choices"]] == [validated.pk]
    assert [s.pk for s in page.context["school_choices"]] == [validated.pk]
    for response in (partial, page):
        assert "Galil Democratic School" not in response.content.decode()


def test_signup_a_pending_schools_id_reveals_nothing(client, cast, pending):
    partial = client.get(
        reverse("schools:signup_school_search"), {"country": "IL", "school_search": "zz", "school": pending.pk}
    )
    response = client.post(reverse("schools:signup"), signup_data(cast, school=str(pending.pk)))

    assert partial.context["school_choices"] == []
    assert "Galil" not in partial.content.decode() + response.content.decode()
    assert response.context["form"].errors["school"] == [
        "We could not find that school. Search again, or register it as a new school."
    ]
    assert not TeacherProfile.objects.filter(user__email="miriam.katz@example.org").exists()


def test_signup_describing_a_pending_school_again_joins_it(client, cast, pending):
    response = client.post(
        reverse("schools:signup"),
        new_school_data(cast, new_school_name="galil democratic school ", new_school_city="karmiel"),
    )

    assert response.status_code == 302
    teacher = TeacherProfile.objects.get(user__email="miriam.katz@example.org")
    assert (teacher.school, teacher.status) == (pending, ValidationStatus.PENDING)
    assert School.objects.filter(name__iexact="galil democratic school").count() == 1
    entry = AuditEntry.objects.get(action="teacher.registered", target_id=teacher.pk)
    assert entry.data == {"school": pending.pk, "joined_pending_school": True}
    # Its NSO sees both teachers of the school waiting, and validating one validates the school.
    teacher.user.email_confirmed_at = timezone.now()
    teacher.user.save(update_fields=["email_confirmed_at"])
    client.force_login(cast.nso_il)
    queue = client.get(reverse("schools:queue"))
    waiting = [t.user.full_name for t in queue.context["page"] if t.school == pending]
    assert waiting == ["First Galil Teacher", "Miriam Katz"]
    client.post(reverse("schools:approve_teacher", args=[teacher.pk]))
    pending.refresh_from_db()
    assert pending.status == ValidationStatus.VALIDATED


def test_signup_describing_a_validated_school_again_still_points_to_it(client, cast):
    response = client.post(
        reverse("schools:signup"), new_school_data(cast, new_school_name="reali school", new_school_city="Springfield")
    )

    assert "Reali School in Springfield is already registered" in response.content.decode()
    assert School.objects.filter(name__iexact="reali school").count() == 1
