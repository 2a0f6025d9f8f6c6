"""The family's link: no account, their language, one question per use, change and withdraw; bad links."""

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from twinning.accounts.models import Pupil
from twinning.common.models import AuditEntry, Notification
from twinning.common.uploads.tests.corpus import jpeg_with_gps
from twinning.consent import queries, services
from twinning.consent.models import ConsentAnswer, ConsentRequest, Use
from twinning.consent.tests.conftest import answers
from twinning.consent.views import UNKNOWN_LINKS
from twinning.testing import as_
from twinning.workspace.models import Event, MediaItem, Moderation

pytestmark = pytest.mark.django_db


def test_the_email_goes_to_the_parent_in_the_familys_language_and_the_link_names_nobody(cast, link):
    form, path = link
    (message,) = mail.outbox
    assert message.to == ["parent@example.org"]
    assert "Maya" in message.subject and "twinning" not in message.subject  # written in Hebrew
    assert path in message.body
    token = path.split("/")[-2]
    assert "maya" not in token.lower() and "parent" not in token.lower()
    assert form.link_key not in ConsentRequest.objects.values_list("parent_email", flat=True)


def test_the_family_reads_the_twinning_in_their_language_without_an_account(client, cast, twinning, link):
    _form, path = link
    response = client.get(path)
    page = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="he" dir="rtl">' in page
    assert "King David School" in page and "Our towns" in page
    # One fieldset per use, each with its legend.
    assert page.count('<fieldset class="question') == len(Use) == page.count("<legend>")
    assert response["Cache-Control"] == "no-store" and response["Referrer-Policy"] == "same-origin"
    arabic = client.get(f"{path}?lang=ar").content.decode()
    assert '<html lang="ar" dir="rtl">' in arabic


def test_answers_are_kept_per_use_with_time_text_and_how_they_were_given(client, cast, link):
    form, path = link
    response = client.post(path + "answer/", {"language": "he", **answers(Use.PHOTOS, Use.LIVE)})
    assert response.status_code == 302
    rows = {row.use: row for row in ConsentAnswer.objects.filter(request=form)}
    assert {use: row.given for use, row in rows.items()} == {
        "photos": True,
        "video": False,
        "voice": False,
        "full_name": False,
        "live": True,
        "recording": False,
        "public": False,
    }
    text = rows["photos"].text
    assert {row.method for row in rows.values()} == {"link"} and {row.text_id for row in rows.values()} == {text.pk}
    assert text.language == "he" and "Maya K." in text.body and "King David School" in text.body
    # The stored text is the one the page shows: the same words, the same hash.
    shown = client.get(path).content.decode()
    for line in text.body.splitlines()[:1]:
        assert line.replace("'", "&#x27;") in shown
    pupil = Pupil.objects.get(pk=form.pupil_id)
    assert (pupil.consent_face, pupil.consent_video, pupil.consent_voice, pupil.consent_full_name) == (
        True,
        False,
        False,
        False,
    )
    assert Notification.objects.filter(recipient=cast.teacher_a.user, kind="consent_answered").count() == 1


def test_a_missing_answer_is_named_in_the_error_summary_and_nothing_is_saved(client, cast, link):
    form, path = link
    posted = answers(Use.PHOTOS)
    del posted["video"]
    response = client.post(path + "answer/", {"language": "ar", **posted})
    page = response.content.decode()
    assert response.status_code == 400
    assert 'id="error-summary"' in page and 'href="#question-video"' in page
    assert '<html lang="ar" dir="rtl">' in page
    assert ConsentAnswer.objects.count() == 0


def test_a_link_used_again_shows_the_current_answers_and_changes_them(client, cast, link):
    form, path = link
    client.post(path + "answer/", {"language": "he", **answers(Use.PHOTOS, Use.VIDEO, Use.VOICE)})
    page = client.get(path).content.decode()
    assert 'data-testid="state"' in page
    assert '<input type="radio" name="photos" value="yes" id="id_photos_0" required checked>' in page
    assert '<input type="radio" name="video" value="yes" id="id_video_0" required checked>' in page
    assert '<input type="radio" name="recording" value="no" id="id_recording_1" required checked>' in page
    client.post(path + "answer/", {"language": "he", **answers(Use.PHOTOS)})
    assert [a.given for a in ConsentAnswer.objects.filter(request=form, use="video").order_by("at", "pk")] == [
        True,
        False,
    ]
    assert Pupil.objects.get(pk=form.pupil_id).consent_video is False


def test_withdrawal_hides_what_was_shared_from_the_partner_school_at_once(
    client, cast, twinning, pupils, link, media_root
):
    ours, _theirs = pupils
    form, path = link
    client.post(path + "answer/", {"language": "he", **answers(*Use.values)})
    from twinning.workspace import services as workspace_services

    ours.refresh_from_db()
    photo = workspace_services.upload_media(
        twinning=twinning,
        by=cast.teacher_a.user,
        upload=SimpleUploadedFile("class.jpg", jpeg_with_gps()),
        title="Maya at the fair",
        pupils=[ours],
    )
    partner = as_(client, cast.teacher_b.user)
    assert "Maya at the fair" in partner.get(f"/twinnings/{twinning.pk}/media/").content.decode()
    assert partner.get(f"/twinnings/{twinning.pk}/media/{photo.pk}/file/").status_code == 200

    client.logout()
    response = client.post(path + "withdraw/", {"language": "he"})
    assert response.status_code == 302
    photo.refresh_from_db()
    assert photo.status == Moderation.WITHDRAWN
    assert not Event.objects.filter(media=photo).exists()
    partner = as_(client, cast.teacher_b.user)
    assert "Maya at the fair" not in partner.get(f"/twinnings/{twinning.pk}/media/").content.decode()
    assert partner.get(f"/twinnings/{twinning.pk}/media/{photo.pk}/file/").status_code == 404
    assert "Maya at the fair" not in partner.get(f"/twinnings/{twinning.pk}/").content.decode()
    pupil_b = Pupil.objects.get(school=cast.school_b)
    # The teacher of the pupil's school still sees it, marked, and is told what to replace.
    own = as_(client, cast.teacher_a.user).get(f"/twinnings/{twinning.pk}/media/").content.decode()
    assert "Maya at the fair" in own and "Hidden: a family withdrew consent" in own
    kinds = set(Notification.objects.filter(recipient=cast.teacher_a.user).values_list("kind", flat=True))
    assert {"consent_media_hidden", "consent_withdrawn"} <= kinds
    assert not Notification.objects.filter(recipient=cast.teacher_b.user, kind="consent_media_hidden").exists()
    assert pupil_b.consent_face is False
    ours.refresh_from_db()
    assert (ours.consent_face, ours.consent_video, ours.consent_voice, ours.consent_full_name) == (False,) * 4
    assert AuditEntry.objects.filter(action="workspace.media_hidden").count() == 1
    # The page now says so, and offers to agree again.
    assert "withdrawn" in client.get(path + "?lang=en").content.decode()


def test_taking_back_video_hides_clips_but_not_photos(cast, twinning, pupils, link, media_root):
    from twinning.common.uploads.tests.corpus import phone_mp4
    from twinning.workspace import services as workspace_services

    ours, _theirs = pupils
    form, _path = link
    services.answer_by_link(form=form, answers=dict.fromkeys(Use.values, True), language="he")
    ours.refresh_from_db()
    photo = workspace_services.upload_media(
        twinning=twinning, by=cast.teacher_a.user, upload=SimpleUploadedFile("a.jpg", jpeg_with_gps()), pupils=[ours]
    )
    clip = workspace_services.upload_media(
        twinning=twinning, by=cast.teacher_a.user, upload=SimpleUploadedFile("v.mp4", phone_mp4()), pupils=[ours]
    )
    services.answer_by_link(form=form, answers={use: use != Use.VIDEO for use in Use.values}, language="he")
    assert dict(MediaItem.objects.values_list("pk", "status")) == {
        photo.pk: Moderation.PUBLISHED,
        clip.pk: Moderation.WITHDRAWN,
    }


def test_an_expired_link_says_so_in_the_familys_language_changes_nothing_and_asks_the_teacher(client, cast, link):
    form, path = link
    ours = form.pupil
    newer = services.send_consent_link(pupil=ours, by=cast.teacher_a.user, email="other@example.org", language="ar")
    assert newer.pk != form.pk
    page = client.get(path + "?lang=ar").content.decode()
    assert 'data-testid="link-expired"' in page and '<html lang="ar" dir="rtl">' in page
    assert 'name="photos"' not in page
    assert client.post(path + "answer/", {"language": "ar", **answers(*Use.values)}).status_code == 410
    assert client.post(path + "withdraw/", {"language": "ar"}).status_code == 410
    assert ConsentAnswer.objects.count() == 0
    assert client.post(path + "new-link/", {"language": "ar"}).status_code == 302
    assert client.post(path + "new-link/", {"language": "ar"}).status_code == 302
    # The teacher is told once, however often the button is pressed the same day.
    assert Notification.objects.filter(recipient=cast.teacher_a.user, kind="consent_new_link_asked").count() == 1
    # A link still valid cannot ask anew: it can answer.
    new_path = services.link_path(queries.link_token(newer))
    assert client.post(new_path + "new-link/", {"language": "ar"}).status_code == 400


def test_a_tampered_link_says_so_changes_nothing_and_is_throttled(client, cast, link):
    form, path = link
    token = path.split("/")[-2]
    for bad in (token[:-1] + ("A" if token[-1] != "A" else "B"), f"{form.pk}.{form.link_key}:forged", "nothing"):
        response = client.get(f"/consent/f/{bad}/?lang=ar")
        assert response.status_code == 404
        assert '<html lang="ar" dir="rtl">' in response.content.decode()
        assert client.post(f"/consent/f/{bad}/answer/", answers(*Use.values)).status_code == 404
        assert client.post(f"/consent/f/{bad}/withdraw/").status_code == 404
    assert ConsentAnswer.objects.count() == 0
    for _ in range(UNKNOWN_LINKS.limit):
        client.get("/consent/f/made-up/")
    assert client.get("/consent/f/made-up/").status_code == 429
    # The family's real link still answers.
    assert client.get(path).status_code == 200


def test_before_the_family_answers_nothing_showing_the_pupil_reaches_the_partner_school(
    client, cast, twinning, pupils, link, media_root
):
    from twinning.twinnings import services as twinning_services

    ours, theirs = pupils
    row_b = twinning.schools.get(school=cast.school_b)
    twinning_services.add_pupils(twinning=twinning, row=row_b, pupils=[theirs], by=cast.teacher_b.user)
    response = as_(client, cast.teacher_a.user).post(
        f"/twinnings/{twinning.pk}/media/",
        {"file": SimpleUploadedFile("class.jpg", jpeg_with_gps()), "title": "Maya's drawing", "pupils": [ours.pk]},
    )
    assert response.status_code == 200 and "Maya K. may not appear in photos." in response.content.decode()
    assert MediaItem.objects.count() == 0
    for person in (cast.teacher_b.user, theirs.user):
        page = as_(client, person).get(f"/twinnings/{twinning.pk}/media/")
        seen = page.content.decode()
        assert page.status_code == 200 and list(page.context["page"]) == []
        assert "Maya&#x27;s drawing" not in seen and "Maya's drawing" not in seen
    # Nor can the partner school's teacher read the family's answers or address.
    assert as_(client, cast.teacher_b.user).get(f"/consent/pupils/{ours.pk}/").status_code == 404
