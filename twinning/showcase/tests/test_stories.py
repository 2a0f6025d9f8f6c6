"""Stories of finished twinnings: written by their teachers, approved by the programme's coordinators,
taken down at any time; no pupil's name; photos only with every pupil's public-use consent."""

import re

import pytest

from twinning.accounts.models import Pupil
from twinning.common.errors import ServiceError
from twinning.common.models import AuditEntry, Notification
from twinning.recognition.models import Label
from twinning.showcase import services
from twinning.showcase.models import Story, StoryPhoto
from twinning.showcase.tests.conftest import answer
from twinning.testing import as_

pytestmark = pytest.mark.django_db


def _write(twinning, by, **changes):
    fields = {
        "twinning": twinning,
        "by": by,
        "title": "Letters across the sea",
        "body": "Both classes wrote letters about their towns.",
        "language": "en",
        "photos": [],
        "everyone_tagged": False,
    }
    fields.update(changes)
    return services.write_story(**fields)


def test_teacher_writes_a_story_that_waits_for_the_programme_coordinator(
    client, cast, finished, programme, programme_coordinator
):
    teacher = as_(client, cast.teacher_a.user)
    page = teacher.get(f"/showcase/twinnings/{finished.pk}/story/")
    html = page.content.decode()
    # Only the photo whose pupils all agreed is offered, and the one without pupils.
    offered = set(page.context["form"].fields["photos"].queryset.values_list("pk", flat=True))
    assert offered == {finished.photo_ok.pk, finished.photo_nobody.pk}
    assert "1 photo shows a pupil whose family has not agreed" in html
    response = teacher.post(
        f"/showcase/twinnings/{finished.pk}/story/",
        {
            "title": "Our harbours",
            "body": "We mapped both harbours.",
            "language": "en",
            "photos": [finished.photo_ok.pk],
            "everyone_tagged": "on",
        },
    )
    story = Story.objects.get()
    assert response.status_code == 302
    assert (story.status, story.programme, story.written_by) == (Story.Status.PENDING, programme, cast.teacher_a.user)
    assert list(story.photos.values_list("media_id", flat=True)) == [finished.photo_ok.pk]
    assert Notification.objects.filter(recipient=programme_coordinator, kind="story_waiting").count() == 1
    assert AuditEntry.objects.filter(action="showcase.story_written", target_id=finished.pk).count() == 1
    # Not public until approved: the anonymous visitor gets 404, the page does not list it.
    client.logout()
    assert client.get(f"/programmes/{programme.slug}/stories/{story.pk}/").status_code == 404
    assert "Our harbours" not in client.get(f"/programmes/{programme.slug}/").content.decode()
    photo = story.photos.get()
    assert client.get(f"/programmes/{programme.slug}/stories/{story.pk}/photos/{photo.pk}/").status_code == 404

    coordinator = as_(client, programme_coordinator)
    queue = coordinator.get(f"/programmes/{programme.slug}/stories/queue/")
    assert [s.pk for s in queue.context["stories"]] == [story.pk]
    assert coordinator.post(f"/programmes/{programme.slug}/stories/{story.pk}/approve/").status_code == 302
    story.refresh_from_db()
    assert story.status == Story.Status.PUBLISHED and story.decided_by == programme_coordinator
    assert Notification.objects.filter(recipient=cast.teacher_a.user, kind="story_published").count() == 1
    client.logout()
    assert "Our harbours" in client.get(f"/programmes/{programme.slug}/").content.decode()
    assert client.get(f"/programmes/{programme.slug}/stories/{story.pk}/photos/{photo.pk}/").status_code == 200


def test_coordinator_turns_a_story_down_with_a_reason_and_its_teachers_may_write_again(
    client, cast, finished, programme, programme_coordinator
):
    story = _write(finished, cast.teacher_a.user)
    coordinator = as_(client, programme_coordinator)
    coordinator.post(f"/programmes/{programme.slug}/stories/{story.pk}/reject/", {"feedback": " "})
    story.refresh_from_db()
    assert story.status == Story.Status.PENDING
    coordinator.post(
        f"/programmes/{programme.slug}/stories/{story.pk}/reject/", {"feedback": "Say more about the map."}
    )
    story.refresh_from_db()
    assert (story.status, story.feedback) == (Story.Status.REJECTED, "Say more about the map.")
    assert Notification.objects.filter(recipient=cast.teacher_a.user, kind="story_rejected").count() == 1
    mine = as_(client, cast.teacher_b.user).get("/showcase/").content.decode()
    assert "Say more about the map." in mine
    again = _write(finished, cast.teacher_b.user, title="Letters, again")
    assert again.status == Story.Status.PENDING


def test_only_one_story_waits_or_is_published_per_twinning(cast, finished):
    _write(finished, cast.teacher_a.user)
    with pytest.raises(ServiceError, match="already waiting for approval or published"):
        _write(finished, cast.teacher_b.user)


def test_a_story_is_written_only_for_a_finished_twinning_of_a_programme_by_its_teachers(
    client, cast, twinning, programme
):
    twinning.programme = programme
    twinning.save(update_fields=["programme"])
    # Still under way: nobody writes its story yet.
    assert as_(client, cast.teacher_a.user).get(f"/showcase/twinnings/{twinning.pk}/story/").status_code == 404
    from twinning.twinnings import services as twinning_services

    twinning_services.close_twinning(twinning=twinning, by=cast.teacher_a.user)
    assert as_(client, cast.teacher_a.user).get(f"/showcase/twinnings/{twinning.pk}/story/").status_code == 200
    for outsider in (cast.pending_il.user, cast.coordinator, cast.nso_il, cast.principal_a, cast.admin):
        assert as_(client, outsider).get(f"/showcase/twinnings/{twinning.pk}/story/").status_code == 404


@pytest.mark.parametrize(
    "text",
    ["Yael helped everyone", "thanks to yael z. for the drawings", "Omri Q. drew the map", "Tom W. came too"],
)
def test_a_story_naming_a_pupil_is_refused(cast, finished, text):
    from twinning.accounts.pupils import create_pupils

    # A pupil of the partner school, not in the twinning, is named too.
    create_pupils(school=cast.school_b, by=cast.teacher_b.user, names=["Tom W."])
    with pytest.raises(ServiceError, match="names a pupil"):
        _write(finished, cast.teacher_a.user, body=text)
    assert not Story.objects.exists()


def test_a_story_giving_a_pupils_username_is_refused(client, cast, finished):
    username = finished.agreed.user.username
    response = as_(client, cast.teacher_a.user).post(
        f"/showcase/twinnings/{finished.pk}/story/",
        {"title": "Our year", "body": f"Ask {username} about it.", "language": "en"},
    )
    assert response.status_code == 400
    assert "names a pupil" in response.content.decode()
    assert not Story.objects.exists()


def test_a_photo_showing_a_pupil_without_public_consent_is_refused(client, cast, finished):
    with pytest.raises(ServiceError, match="every pupil in it agreed"):
        _write(finished, cast.teacher_a.user, photos=[finished.photo_refused], everyone_tagged=True)
    # Through the page: the photo is not among the choices.
    response = as_(client, cast.teacher_a.user).post(
        f"/showcase/twinnings/{finished.pk}/story/",
        {
            "title": "Market day",
            "body": "We visited the market.",
            "language": "en",
            "photos": [finished.photo_refused.pk],
            "everyone_tagged": "on",
        },
    )
    assert response.status_code == 400
    assert not Story.objects.exists()


def test_photos_need_the_teachers_word_that_every_pupil_in_them_is_tagged(cast, finished):
    with pytest.raises(ServiceError, match="is tagged"):
        _write(finished, cast.teacher_a.user, photos=[finished.photo_nobody])


def test_a_withdrawn_public_consent_takes_the_photo_off_the_public_page_at_once(
    client, cast, programme, finished, published
):
    photo = published.photos.get(media=finished.photo_ok)
    url = f"/programmes/{programme.slug}/stories/{published.pk}/photos/{photo.pk}/"
    assert client.get(url).status_code == 200
    story_page = client.get(f"/programmes/{programme.slug}/stories/{published.pk}/").content.decode()
    assert url in story_page
    answer(finished.agreed, cast.teacher_a.user, public=False)
    assert client.get(url).status_code == 404
    assert url not in client.get(f"/programmes/{programme.slug}/stories/{published.pk}/").content.decode()
    assert not StoryPhoto.objects.filter(pk=photo.pk).exists()
    # The photo without pupils stays; the story too.
    assert published.photos.count() == 1
    assert AuditEntry.objects.filter(action="showcase.photos_removed").count() == 1


def test_the_photo_view_checks_the_consent_again_on_every_request(client, programme, finished, published):
    """Even when the consent changed without the withdrawal step (a school year's answers expired)."""
    photo = published.photos.get(media=finished.photo_ok)
    url = f"/programmes/{programme.slug}/stories/{published.pk}/photos/{photo.pk}/"
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('inline; filename="photo-')
    assert "harbour" not in response["Content-Disposition"]
    Pupil.objects.filter(pk=finished.agreed.pk).update(consent_public=False)
    assert client.get(url).status_code == 404


def test_the_public_page_serves_the_photos_screen_size_copy(client, programme, finished, published):
    from twinning.workspace.services import prepare_variants

    photo = published.photos.get(media=finished.photo_ok)
    url = f"/programmes/{programme.slug}/stories/{published.pk}/photos/{photo.pk}/"
    original = b"".join(client.get(url).streaming_content)
    assert original == finished.photo_ok.file.read()
    prepare_variants(item_id=finished.photo_ok.pk)
    screen = finished.photo_ok.variants.get(name="screen")
    response = client.get(url)
    assert (response["Content-Type"], b"".join(response.streaming_content)) == ("image/jpeg", screen.file.read())


def test_a_photo_hidden_in_the_workspace_leaves_the_public_page(client, programme, finished, published):
    from twinning.workspace.models import MediaItem, Moderation

    photo = published.photos.get(media=finished.photo_nobody)
    url = f"/programmes/{programme.slug}/stories/{published.pk}/photos/{photo.pk}/"
    assert client.get(url).status_code == 200
    MediaItem.objects.filter(pk=photo.media_id).update(status=Moderation.WITHDRAWN)
    assert client.get(url).status_code == 404


def test_teachers_or_the_coordinator_take_a_story_down_at_any_time(
    client, cast, programme, published, programme_coordinator
):
    page = f"/programmes/{programme.slug}/stories/{published.pk}/"
    assert client.get(page).status_code == 200
    assert as_(client, cast.teacher_b.user).post(f"/showcase/stories/{published.pk}/remove/").status_code == 302
    published.refresh_from_db()
    assert (published.status, published.removed_by) == (Story.Status.REMOVED, cast.teacher_b.user)
    client.logout()
    assert client.get(page).status_code == 404
    assert "Two harbours" not in client.get(f"/programmes/{programme.slug}/").content.decode()
    # A new story, taken down by the coordinator.
    story = _write(published.twinning, cast.teacher_a.user)
    assert as_(client, programme_coordinator).post(f"/showcase/stories/{story.pk}/remove/").status_code == 302
    story.refresh_from_db()
    assert story.status == Story.Status.REMOVED


def test_someone_else_cannot_take_a_story_down(client, cast, published):
    for person in (cast.coordinator, cast.nso_il, cast.principal_a):
        assert as_(client, person).post(f"/showcase/stories/{published.pk}/remove/").status_code == 404
    client.logout()
    assert client.post(f"/showcase/stories/{published.pk}/remove/").status_code == 302  # to sign in
    published.refresh_from_db()
    assert published.status == Story.Status.PUBLISHED


def test_a_quality_labelled_twinning_shows_its_label(client, cast, programme, published):
    Label.objects.create(
        kind=Label.Kind.NATIONAL,
        school_year=published.twinning.school_year,
        school=cast.school_a,
        teacher=cast.teacher_a.user,
        twinning=published.twinning,
    )
    for url in (f"/programmes/{programme.slug}/", f"/programmes/{programme.slug}/stories/{published.pk}/"):
        html = client.get(url).content.decode()
        assert 'data-testid="quality-label">National Quality Label<' in html


def test_the_showcase_page_lists_what_each_person_runs_and_writes(
    client, cast, programme, finished, programme_coordinator
):
    _write(finished, cast.teacher_a.user)
    coordinator = as_(client, programme_coordinator).get("/showcase/")
    assert coordinator.context["programmes"] == [(programme, False, True)]
    assert "1 story waiting for approval" in coordinator.content.decode()
    teacher = as_(client, cast.teacher_a.user).get("/showcase/")
    assert teacher.context["programmes"] == []
    assert [t.pk for t in teacher.context["twinnings"]] == [finished.pk]
    assert teacher.context["current"] == {finished.pk}
    # The menu leads there, for teachers and for those who run a programme, not for pupils.
    assert 'href="/showcase/"' in teacher.content.decode()
    assert 'href="/showcase/"' not in as_(client, finished.agreed.user).get("/dashboard/").content.decode()


def test_the_family_is_asked_about_the_public_page_apart_from_photos(client, cast, finished):
    from twinning.consent import services as consent_services
    from twinning.consent.queries import link_token

    pupil = finished.refused
    form = consent_services.send_consent_link(
        pupil=pupil, by=cast.teacher_a.user, email="family@example.org", language="en"
    )
    page = client.get(f"/consent/f/{link_token(form)}/").content.decode()
    assert "Appearing in photos on the programme&#x27;s public page" in page
    answers = dict.fromkeys(("photos", "video", "voice", "full_name", "live", "recording", "public"), "yes")
    client.post(f"/consent/f/{link_token(form)}/answer/", {"language": "en", **answers})
    pupil.refresh_from_db()
    assert (pupil.consent_face, pupil.consent_public) == (True, True)


def test_the_queue_shows_a_storys_photos_only_on_tap_in_data_saver_mode(
    client, cast, finished, programme, programme_coordinator
):
    story = _write(
        finished, cast.teacher_a.user, photos=[finished.photo_ok, finished.photo_nobody], everyone_tagged=True
    )
    photos = [f"/programmes/{programme.slug}/stories/{story.pk}/photos/{p.pk}/" for p in story.photos.order_by("pk")]
    coordinator = as_(client, programme_coordinator)
    queue = f"/programmes/{programme.slug}/stories/queue/"

    plain = coordinator.get(queue).content.decode()
    light = coordinator.get(queue, HTTP_SAVE_DATA="on").content.decode()

    assert [re.search(rf'<img src="{url}"', plain) is not None for url in photos] == [True, True]
    assert "<img" not in light.split("<main", 1)[1]
    # Each photo waits behind a button that names it and loads it when asked for.
    for number, url in enumerate(photos, start=1):
        assert (
            f'<a class="tap-image" href="{url}" data-src="{url}" '
            f'data-alt="Photo {number} of the story “Letters across the sea”" data-testid="tap-image">'
        ) in light
