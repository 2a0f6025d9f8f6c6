from django.urls import reverse

from twinning.common.models import AuditEntry
from twinning.schools.models import ValidationStatus
from twinning.testing import make_teacher


def edit_data(**overrides):
    data = {
        "name": "Reali School",
        "native_name": "בית הספר הריאלי העברי",
        "city": "Haifa",
        "school_type": "public",
        "age_from": "12",
        "age_to": "18",
        "languages": ["he", "en"],
        "time_zone": "Asia/Jerusalem",
        "school_week": "sun_fri",
        "website": "https://reali.example.org",
    }
    data.update(overrides)
    return data


def test_principal_edits_school_and_change_is_recorded(client, cast):
    client.force_login(cast.principal_a)

    response = client.post(reverse("schools:edit", args=[cast.school_a.pk]), edit_data())

    assert response.status_code == 302
    cast.school_a.refresh_from_db()
    assert (cast.school_a.city, cast.school_a.age_from, cast.school_a.school_week) == ("Haifa", 12, "sun_fri")
    assert sorted(cast.school_a.languages.values_list("code", flat=True)) == ["en", "he"]
    entry = AuditEntry.objects.get(action="school.updated")
    assert entry.actor == cast.principal_a
    assert "city" in entry.data["fields"] and "languages" in entry.data["fields"]


def test_school_edit_is_for_its_people_and_its_nso_only(client, cast):
    url = reverse("schools:edit", args=[cast.school_a.pk])
    for outsider in [cast.teacher_b.user, cast.nso_uk, cast.pending_il.user, cast.coordinator]:
        client.force_login(outsider)
        assert client.get(url).status_code == 404
        assert client.post(url, edit_data(city="Hacked")).status_code == 404
    for insider in [cast.teacher_a.user, cast.nso_il, cast.admin]:
        client.force_login(insider)
        assert client.get(url).status_code == 200
    cast.school_a.refresh_from_db()
    assert cast.school_a.city == "Springfield"


def test_school_edit_bad_input_keeps_what_was_saved(client, cast):
    client.force_login(cast.principal_a)

    response = client.post(
        reverse("schools:edit", args=[cast.school_a.pk]),
        edit_data(age_from="16", age_to="9", time_zone="Nowhere/Land", languages=[]),
    )

    errors = response.context["form"].errors
    assert errors["age_to"] == ["The oldest pupils cannot be younger than the youngest."]
    assert "time_zone" in errors and errors["languages"] == ["Choose at least one language."]
    cast.school_a.refresh_from_db()
    assert (cast.school_a.age_from, cast.school_a.age_to) == (10, 14)


def test_edit_link_only_for_editors(client, cast):
    url = reverse("schools:detail", args=[cast.school_a.pk])
    client.force_login(cast.teacher_b.user)
    assert not client.get(url).context["can_edit"]
    client.force_login(make_teacher(school=cast.school_a, status=ValidationStatus.VALIDATED).user)
    assert client.get(url).context["can_edit"]
