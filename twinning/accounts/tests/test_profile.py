from django.urls import reverse

from twinning.common.models import AuditEntry


def test_profile_saves_person_and_teacher_fields(client, cast):
    client.force_login(cast.pending_il.user)

    response = client.post(
        reverse("accounts:profile"),
        {
            "person-full_name": "Yossi Mizrahi-Cohen",
            "person-preferred_language": "he",
            "person-time_zone": "Asia/Jerusalem",
            "teacher-subjects": ["history", "civics"],
            "teacher-languages": ["he", "en"],
            "teacher-bio": "Grade 8 history, keen on a partner in France.",
        },
    )

    assert response.status_code == 302
    cast.pending_il.refresh_from_db()
    user = cast.pending_il.user
    user.refresh_from_db()
    assert user.full_name == "Yossi Mizrahi-Cohen"
    assert user.time_zone == "Asia/Jerusalem"
    assert sorted(cast.pending_il.subjects.values_list("code", flat=True)) == ["civics", "history"]
    # Saved by the service NSO staff use too, and recorded in the teacher's history.
    entry = AuditEntry.objects.get(action="teacher.updated")
    assert (entry.actor, set(entry.data["fields"])) == (user, {"subjects", "languages", "bio"})


def test_profile_unknown_time_zone_is_refused_and_nothing_changes(client, cast):
    user = cast.teacher_a.user
    client.force_login(user)

    response = client.post(
        reverse("accounts:profile"),
        {
            "person-full_name": "Changed",
            "person-preferred_language": "en",
            "person-time_zone": "Mars/Olympus",
        },
    )

    assert response.status_code == 200
    assert "time_zone" in response.context["form"].errors
    user.refresh_from_db()
    assert user.full_name == "Dana Levi"


def test_profile_checklist_reflects_completeness(client, cast):
    client.force_login(cast.pending_il.user)

    checklist = client.get(reverse("dashboard")).context["checklist"]

    assert (checklist["done"], checklist["total"]) == (3, 5)
