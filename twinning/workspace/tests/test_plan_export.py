"""The activity plan, and the whole workspace exported as a ZIP that loses nothing."""

import io
import json
import zipfile
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from twinning import testing
from twinning.common.uploads.tests.corpus import jpeg_with_gps
from twinning.testing import as_
from twinning.workspace import services
from twinning.workspace.models import Activity, Event, MediaItem

pytestmark = pytest.mark.django_db


def test_teachers_plan_activities_with_dates_owners_and_status(client, cast, twinning):
    client = as_(client, cast.teacher_a.user)
    response = client.post(
        f"/twinnings/{twinning.pk}/plan/",
        {
            "title": "Exchange letters",
            "starts_on": "2026-12-01",
            "due_on": "2026-12-15",
            "owner": cast.teacher_b.user.pk,
            "description": "Each pupil writes one letter.",
        },
    )
    activity = Activity.objects.get()
    assert response.status_code == 302
    assert (activity.starts_on, activity.due_on, activity.owner, activity.status) == (
        date(2026, 12, 1),
        date(2026, 12, 15),
        cast.teacher_b.user,
        "planned",
    )
    client.post(f"/twinnings/{twinning.pk}/plan/{activity.pk}/status/", {"status": "done"})
    activity.refresh_from_db()
    assert activity.status == "done"
    assert Event.objects.get(kind="activity").activity == activity


def test_plan_refuses_an_activity_due_before_it_starts_or_owned_by_an_outsider(client, cast, twinning):
    client = as_(client, cast.teacher_a.user)
    response = client.post(
        f"/twinnings/{twinning.pk}/plan/", {"title": "Backwards", "starts_on": "2026-12-15", "due_on": "2026-12-01"}
    )
    assert response.context["form"].errors["due_on"] == ["The activity cannot be due before it starts."]
    outsider = testing.make_teacher(school=testing.make_school(country=cast.uk, name="Far away"), name="Out")
    response = client.post(
        f"/twinnings/{twinning.pk}/plan/", {"title": "Theirs", "starts_on": "2026-12-15", "owner": outsider.user.pk}
    )
    assert "owner" in response.context["form"].errors
    assert Activity.objects.count() == 0


def test_visitors_and_outsiders_cannot_change_the_plan(client, cast, twinning):
    activity = services.plan_activity(
        twinning=twinning, by=cast.teacher_a.user, title="Video call", starts_on=date(2027, 1, 10)
    )
    coordinator = as_(client, cast.coordinator)
    assert coordinator.get(f"/twinnings/{twinning.pk}/plan/").status_code == 200
    assert (
        coordinator.post(f"/twinnings/{twinning.pk}/plan/", {"title": "x", "starts_on": "2027-01-01"}).status_code
        == 404
    )
    assert (
        coordinator.post(f"/twinnings/{twinning.pk}/plan/{activity.pk}/status/", {"status": "done"}).status_code == 404
    )
    outsider = testing.make_teacher(school=testing.make_school(country=cast.uk, name="Far away"), name="Out")
    assert as_(client, outsider.user).get(f"/twinnings/{twinning.pk}/plan/").status_code == 404
    activity.refresh_from_db()
    assert (activity.status, Activity.objects.count()) == ("planned", 1)


def test_export_contains_every_item_and_every_file(client, cast, twinning, media_root):
    thread = services.start_thread(twinning=twinning, by=cast.teacher_a.user, title="שלום", body="First message")
    first = thread.posts.get()
    services.reply(thread=thread, by=cast.teacher_b.user, body="مرحبا", quote=first)
    services.start_thread(twinning=twinning, by=cast.teacher_b.user, title="Second thread", body="Another")
    services.plan_activity(
        twinning=twinning,
        by=cast.teacher_a.user,
        title="Letters",
        starts_on=date(2026, 12, 1),
        owner=cast.teacher_b.user,
    )
    photo = services.upload_media(
        twinning=twinning,
        by=cast.teacher_a.user,
        upload=SimpleUploadedFile("p.jpg", jpeg_with_gps()),
        title="Playground",
    )
    text = services.upload_media(
        twinning=twinning, by=cast.teacher_b.user, upload=SimpleUploadedFile("poem.txt", "שיר\n".encode())
    )

    response = as_(client, cast.teacher_a.user).get(f"/twinnings/{twinning.pk}/export/")
    assert (response.status_code, response["Content-Type"]) == (200, "application/zip")
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    data = json.loads(archive.read("workspace.json"))

    assert data["format"] == "twinning-workspace/1"
    assert data["twinning"]["titles"] == {"en": "Our towns"}
    assert [(t["title"], [p["body"] for p in t["posts"]]) for t in data["threads"]] == [
        ("שלום", ["First message", "مرحبا"]),
        ("Second thread", ["Another"]),
    ]
    assert data["threads"][0]["posts"][1]["quotes"] == first.pk
    assert {p["status"] for t in data["threads"] for p in t["posts"]} | {m["status"] for m in data["media"]} == {
        "published"
    }
    assert [(a["title"], a["starts_on"], a["owner"]) for a in data["plan"]] == [
        ("Letters", "2026-12-01", "Sarah Cohen")
    ]
    assert sorted(m["id"] for m in data["media"]) == sorted([photo.pk, text.pk])
    for entry in data["media"]:
        item = MediaItem.objects.get(pk=entry["id"])
        with item.file.open("rb") as stored:
            assert archive.read(entry["file"]) == stored.read()
        assert entry["size"] == item.size
    assert sorted(archive.namelist()) == sorted(["workspace.json", *(m["file"] for m in data["media"])])


def test_only_teacher_admins_export(client, cast, twinning):
    home = as_(client, cast.teacher_a.user).get(f"/twinnings/{twinning.pk}/workspace/")
    assert f'href="/twinnings/{twinning.pk}/export/"' in home.content.decode()
    visitor_home = as_(client, cast.coordinator).get(f"/twinnings/{twinning.pk}/workspace/")
    assert f'href="/twinnings/{twinning.pk}/export/"' not in visitor_home.content.decode()
    assert as_(client, cast.coordinator).get(f"/twinnings/{twinning.pk}/export/").status_code == 404
    outsider = testing.make_teacher(school=testing.make_school(country=cast.uk, name="Far away"), name="Out")
    assert as_(client, outsider.user).get(f"/twinnings/{twinning.pk}/export/").status_code == 404
