"""Light copies of shared media: made by a background job after upload, metadata-free, served
through the file's own access check, hidden with it when a family withdraws consent, removed with
it, and a failure shown as such while the original stays downloadable by the teachers."""

import io
import json
import re
import shutil
import subprocess
from datetime import timedelta
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from PIL import Image

from twinning import testing
from twinning.common.files import sweep
from twinning.common.jobs.worker import run_job_now
from twinning.common.models import Job
from twinning.common.privacy import delete_rows
from twinning.common.uploads.audiovideo import ALLOWED_TAGS, DENIED_BOXES, iso_boxes
from twinning.common.uploads.engine import limits
from twinning.common.uploads.tests import corpus
from twinning.common.uploads.tests.corpus import PLACE, stored_files
from twinning.common.uploads.variants import VariantFailed
from twinning.consent import services as consent_services
from twinning.testing import as_
from twinning.workspace.models import MediaItem, MediaVariant

pytestmark = pytest.mark.django_db

EVERY_USE = ("photos", "video", "voice", "full_name", "live", "recording", "public")


@pytest.fixture(autouse=True)
def _files_under_tmp(media_root):
    """Stored and temporary files under one folder the tests look into."""


@pytest.fixture
def outsider(cast):
    """A validated teacher of a school outside the twinning."""
    return testing.make_teacher(school=testing.make_school(country=cast.uk, name="Other School"), name="Out Sider")


def share(client, twinning, name, data, capture, **fields):
    with capture(execute=True):
        response = client.post(
            f"/twinnings/{twinning.pk}/media/", {"file": SimpleUploadedFile(name, data), "title": "", **fields}
        )
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    return MediaItem.objects.latest("pk")


def variant_url(twinning, item, name):
    return f"/twinnings/{twinning.pk}/media/{item.pk}/copy/{name}/"


def body_of(response) -> bytes:
    return b"".join(response.streaming_content)


def ffprobe_tags(path) -> set[str]:
    report = json.loads(
        subprocess.run(  # noqa: S603  # our own fixed command
            [shutil.which("ffprobe"), "-v", "error", "-show_entries", "format_tags:stream_tags", "-of", "json", path],
            check=True,
            capture_output=True,
        ).stdout
    )
    tags = set((report.get("format") or {}).get("tags") or {})
    for stream in report.get("streams") or []:
        tags |= set(stream.get("tags") or {})
    return {tag.lower() for tag in tags}


def assert_photo_clean(data: bytes) -> Image.Image:
    photo = Image.open(io.BytesIO(data))
    assert (photo.format, len(photo.getexif()), b"Exif" in data, b"ns.adobe.com/xap" in data) == (
        "JPEG",
        0,
        False,
        False,
    )
    assert set(photo.info) <= {"jfif", "jfif_version", "jfif_unit", "jfif_density", "progressive", "progression"}
    return photo


def test_phone_photo_gets_metadata_free_thumbnail_and_screen_size_in_the_gallery(
    client, cast, twinning, django_capture_on_commit_callbacks
):
    item = share(
        as_(client, cast.teacher_a.user),
        twinning,
        "IMG_0042.JPG",
        corpus.phone_photo(),
        django_capture_on_commit_callbacks,
    )
    assert item.preparation == "ready"
    partner = as_(client, cast.teacher_b.user)
    sizes = {}
    for name, box in (("thumb", limits.THUMB_BOX), ("screen", limits.SCREEN_BOX)):
        served = partner.get(variant_url(twinning, item, name))
        assert (served.status_code, served["Content-Type"], served["Cache-Control"]) == (
            200,
            "image/jpeg",
            "private, max-age=3600",
        )
        photo = assert_photo_clean(body_of(served))
        sizes[name] = photo.size
        assert photo.width <= box[0] and photo.height <= box[1]
    # Taken sideways (its EXIF says turn it): every copy is upright, as the original is kept.
    assert sizes == {"thumb": (300, 400), "screen": (1200, 1600)}
    page = partner.get(f"/twinnings/{twinning.pk}/media/").content.decode()
    thumb = item.variants.get(name="thumb")
    assert 'width="300" height="400"' in page and 'loading="lazy"' in page
    assert f'srcset="{variant_url(twinning, item, "thumb")}?v={thumb.pk} 300w' in page
    assert f'/media/{item.pk}/file/" download' in page  # the cleaned original, for download


def test_photo_copies_take_the_upright_orientation_of_the_original(
    client, cast, twinning, django_capture_on_commit_callbacks
):
    # corpus.jpeg_with_gps is 64 x 48 with "rotate 90°" in its EXIF: kept upright as 48 x 64, never enlarged.
    item = share(
        as_(client, cast.teacher_a.user), twinning, "x.jpg", corpus.jpeg_with_gps(), django_capture_on_commit_callbacks
    )
    assert {v.name: (v.width, v.height) for v in item.variants.all()} == {"thumb": (48, 64), "screen": (48, 64)}


def test_a_served_copy_already_held_is_answered_304_after_the_access_check(
    client, cast, twinning, outsider, django_capture_on_commit_callbacks
):
    item = share(
        as_(client, cast.teacher_a.user), twinning, "p.jpg", corpus.jpeg_with_gps(), django_capture_on_commit_callbacks
    )
    url = variant_url(twinning, item, "thumb")
    etag = as_(client, cast.teacher_b.user).get(url)["ETag"]
    again = client.get(url, headers={"if-none-match": etag})
    assert (again.status_code, again.content) == (304, b"")
    assert as_(client, outsider.user).get(url, headers={"if-none-match": etag}).status_code == 404


def test_video_gets_360p_720p_and_poster_without_any_tag_and_the_small_plays_on_save_data(
    client, cast, twinning, django_capture_on_commit_callbacks, tmp_path, monkeypatch
):
    # The ladder a tenth of its size (36 and 72 pictures high for 360p and 720p), and a clip a tenth of
    # 1280 x 720: the same copies, made by the same ffmpeg commands, in a fraction of the encoding time.
    monkeypatch.setattr(limits, "VIDEO_SMALL_HEIGHT", limits.VIDEO_SMALL_HEIGHT // 10)
    monkeypatch.setattr(limits, "VIDEO_MEDIUM_HEIGHT", limits.VIDEO_MEDIUM_HEIGHT // 10)
    clip = corpus.hd_mp4(128, 72, 1)
    item = share(as_(client, cast.teacher_a.user), twinning, "VID_1.mp4", clip, django_capture_on_commit_callbacks)
    partner = as_(client, cast.teacher_b.user)
    found = {}
    for variant in item.variants.order_by("name"):
        data = body_of(partner.get(variant_url(twinning, item, variant.name)))
        path = tmp_path / f"{variant.name}.bin"
        path.write_bytes(data)
        assert PLACE.encode() not in data and b"Maya at home" not in data and b"PhoneMaker" not in data
        if variant.name == "poster":
            assert_photo_clean(data)
        else:
            assert ffprobe_tags(path) <= ALLOWED_TAGS
            assert not DENIED_BOXES & set(iso_boxes(path))
        found[variant.name] = (variant.content_type, variant.width, variant.height)
    assert found == {
        "medium": ("video/mp4", 128, 72),
        "poster": ("image/jpeg", 128, 72),
        "small": ("video/mp4", 64, 36),
    }
    small, medium = (item.variants.get(name=n).pk for n in ("small", "medium"))
    fast = partner.get(f"/twinnings/{twinning.pk}/media/").content.decode()
    slow = partner.get(f"/twinnings/{twinning.pk}/media/", headers={"save-data": "on"}).content.decode()
    assert f'src="{variant_url(twinning, item, "medium")}?v={medium}"' in fast
    assert f'src="{variant_url(twinning, item, "small")}?v={small}"' in slow
    assert "Save-Data" in partner.get(f"/twinnings/{twinning.pk}/media/")["Vary"]


def test_sound_gets_a_compact_copy_without_tags(client, cast, twinning, django_capture_on_commit_callbacks, tmp_path):
    item = share(
        as_(client, cast.teacher_a.user),
        twinning,
        "song.m4a",
        corpus.m4a_with_tags(),
        django_capture_on_commit_callbacks,
    )
    compact = item.variants.get()
    path = tmp_path / "compact.m4a"
    path.write_bytes(body_of(as_(client, cast.teacher_b.user).get(variant_url(twinning, item, "compact"))))
    assert (compact.name, compact.content_type) == ("compact", "audio/mp4")
    assert ffprobe_tags(path) <= ALLOWED_TAGS and corpus.AUTHOR.encode() not in path.read_bytes()


def test_copies_follow_the_access_rule_of_their_file(
    client, cast, twinning, outsider, django_capture_on_commit_callbacks
):
    item = share(
        as_(client, cast.teacher_a.user), twinning, "p.jpg", corpus.jpeg_with_gps(), django_capture_on_commit_callbacks
    )
    for name in ("thumb", "screen"):
        url = variant_url(twinning, item, name)
        assert as_(client, outsider.user).get(url).status_code == 404
        assert as_(client, cast.teacher_b.user).get(url).status_code == 200
    client.logout()
    assert client.get(variant_url(twinning, item, "thumb")).status_code == 302  # to the sign-in page
    teacher = as_(client, cast.teacher_a.user)
    assert teacher.get(variant_url(twinning, item, "poster")).status_code == 404  # a photo has no poster
    assert teacher.get(variant_url(twinning, item, "../file")).status_code == 404


def test_consent_withdrawn_hides_the_pupil_from_every_copy(
    client, cast, twinning, pupils, django_capture_on_commit_callbacks
):
    ours, _theirs = pupils
    teacher = as_(client, cast.teacher_a.user)
    consent_services.record_paper_answers(
        pupil=ours, by=cast.teacher_a.user, answers=dict.fromkeys(EVERY_USE, True), language="en"
    )
    photo = share(
        teacher, twinning, "p.jpg", corpus.jpeg_with_gps(), django_capture_on_commit_callbacks, pupils=[ours.pk]
    )
    clip = share(teacher, twinning, "v.mp4", corpus.phone_mp4(), django_capture_on_commit_callbacks, pupils=[ours.pk])
    urls = [variant_url(twinning, item, v.name) for item in (photo, clip) for v in item.variants.all()]
    assert len(urls) == 4
    partner = as_(client, cast.teacher_b.user)
    assert [partner.get(url).status_code for url in urls] == [200] * 4
    form = consent_services.send_consent_link(pupil=ours, by=cast.teacher_a.user, email="f@example.org", language="en")
    consent_services.answer_by_link(form=form, answers=dict.fromkeys(EVERY_USE, True), language="en")
    consent_services.withdraw_by_link(form=form, language="en")
    assert [partner.get(url).status_code for url in urls] == [404] * 4
    page = partner.get(f"/twinnings/{twinning.pk}/media/").content.decode()
    assert f"/media/{photo.pk}/" not in page and f"/media/{clip.pk}/" not in page
    # Their school's teachers still see them, to replace them.
    assert [as_(client, cast.teacher_a.user).get(url).status_code for url in urls] == [200] * 4


def test_a_file_removed_takes_its_copies_files_along_and_the_sweep_keeps_live_ones(
    client, cast, twinning, media_root, django_capture_on_commit_callbacks
):
    teacher = as_(client, cast.teacher_a.user)
    kept = share(teacher, twinning, "a.jpg", corpus.jpeg_with_gps(), django_capture_on_commit_callbacks)
    gone = share(teacher, twinning, "b.jpg", corpus.jpeg_with_gps(), django_capture_on_commit_callbacks)
    assert len(stored_files(media_root)) == 6
    with django_capture_on_commit_callbacks(execute=True):
        delete_rows(MediaItem.objects.filter(pk=gone.pk))
    names = {str(path.relative_to(media_root)) for path in stored_files(media_root)}
    assert names == {kept.file.name, *(v.file.name for v in kept.variants.all())}
    assert MediaVariant.objects.filter(item_id=gone.pk).count() == 0
    assert sweep(grace=timedelta(0)).removed == []


def test_a_failing_copy_is_retried_then_shown_as_not_prepared_with_the_original_for_teachers(
    client, cast, twinning, django_capture_on_commit_callbacks
):
    uploader = as_(client, cast.teacher_a.user)
    with mock.patch("twinning.workspace.services.make_variants", side_effect=VariantFailed("x264 crashed")):
        item = share(uploader, twinning, "v.mp4", corpus.phone_mp4(), django_capture_on_commit_callbacks)
        job = Job.objects.get(name="workspace.prepare_media")
        assert (job.status, job.attempts) == ("queued", 1)  # tried once, queued again
        item.refresh_from_db()
        assert item.preparation == "preparing"
        assert 'data-testid="preparing"' in uploader.get(f"/twinnings/{twinning.pk}/media/").content.decode()
        for _attempt in (2, 3):
            Job.objects.filter(pk=job.pk).update(run_at=job.created_at)
            with django_capture_on_commit_callbacks(execute=True):
                run_job_now(job.pk)
    job.refresh_from_db()
    item.refresh_from_db()
    assert (job.status, job.attempts, item.preparation, item.variants.count()) == ("failed", 3, "failed", 0)
    page = uploader.get(f"/twinnings/{twinning.pk}/media/").content.decode()
    assert "Could not prepare this file." in page
    assert f'href="/twinnings/{twinning.pk}/media/{item.pk}/file/" download' in page
    assert uploader.get(f"/twinnings/{twinning.pk}/media/{item.pk}/file/").status_code == 200


def test_a_video_ffmpeg_cannot_decode_is_refused_and_nothing_is_kept(client, cast, twinning, media_root):
    data = bytearray(corpus.phone_mp4())
    start = data.find(b"mdat") + 40
    for at in range(start, len(data) - 64):
        data[at] = (at * 7) & 0xFF
    response = as_(client, cast.teacher_a.user).post(
        f"/twinnings/{twinning.pk}/media/", {"file": SimpleUploadedFile("v.mp4", bytes(data))}
    )
    assert response.context["form"].errors["file"][0].startswith("This clip could not be read as sound or video.")
    assert (MediaItem.objects.count(), Job.objects.filter(name="workspace.prepare_media").count()) == (0, 0)
    assert stored_files(media_root) == []


def test_the_command_prepares_existing_media(client, cast, twinning, media_root, django_capture_on_commit_callbacks):
    item = share(
        as_(client, cast.teacher_a.user), twinning, "p.jpg", corpus.jpeg_with_gps(), django_capture_on_commit_callbacks
    )
    with django_capture_on_commit_callbacks(execute=True):
        delete_rows(MediaVariant.objects.filter(item=item))
    MediaItem.objects.filter(pk=item.pk).update(preparation="")
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("prepare_media", stdout=out)
    item.refresh_from_db()
    assert (item.preparation, item.variants.count()) == ("ready", 2)
    assert out.getvalue().startswith("Queued the light copies of 1 file(s);")
    out = io.StringIO()
    call_command("prepare_media", stdout=out)  # nothing left to do
    assert out.getvalue().startswith("Queued the light copies of 0 file(s);")
    assert Job.objects.filter(name="workspace.prepare_media", status="queued").count() == 0


def test_the_feed_shows_a_shared_photos_thumbnail_inside_its_link(
    client, cast, twinning, django_capture_on_commit_callbacks
):
    teacher = as_(client, cast.teacher_a.user)
    item = share(teacher, twinning, "p.jpg", corpus.jpeg_with_gps(), django_capture_on_commit_callbacks, title="Yard")
    thumb = item.variants.get(name="thumb")
    partner = as_(client, cast.teacher_b.user)
    page = partner.get(f"/twinnings/{twinning.pk}/workspace/").content.decode()
    source = f"{variant_url(twinning, item, 'thumb')}?v={thumb.pk}"
    assert (
        f'<a href="/twinnings/{twinning.pk}/media/#media-{item.pk}" dir="auto"><img class="feed-thumb" '
        f'src="{source}" width="48" height="64" alt="" loading="lazy" decoding="async">Yard</a>'
    ) in page
    assert partner.get(source).status_code == 200


def queries_of(get) -> tuple[str, list[str]]:
    """A page's text and the database queries serving it took."""
    sent = []

    def counted(execute, sql, params, many, context):
        sent.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counted):
        page = get().content.decode()
    return page, sent


def test_the_feed_reads_its_photos_thumbnails_with_its_events_whatever_their_number(
    client, cast, twinning, django_capture_on_commit_callbacks
):
    teacher = as_(client, cast.teacher_a.user)
    feed = f"/twinnings/{twinning.pk}/workspace/"
    first = share(teacher, twinning, "a.jpg", corpus.jpeg_with_gps(), django_capture_on_commit_callbacks, title="A")
    teacher.get(feed)  # the visit row and the session as every later page finds them
    page, with_one = queries_of(lambda: teacher.get(feed))
    assert page.count('class="feed-thumb"') == 1
    second = share(teacher, twinning, "b.jpg", corpus.jpeg_with_gps(), django_capture_on_commit_callbacks, title="B")
    second.variants.filter(name="thumb").delete()  # a photo whose light copies are not made yet
    third = share(teacher, twinning, "c.jpg", corpus.jpeg_with_gps(), django_capture_on_commit_callbacks, title="C")
    teacher.get(feed)
    page, with_three = queries_of(lambda: teacher.get(feed))
    assert len(with_three) == len(with_one)
    # The thumbnails come with the events: no query of their own.
    assert not any('FROM "workspace_mediavariant"' in sql for sql in with_three)
    shown = re.findall(r"#media-(\d+)\" dir=\"auto\">(<img[^>]*>)?", page)
    assert {int(pk): bool(img) for pk, img in shown} == {first.pk: True, second.pk: False, third.pk: True}
    thumb = third.variants.get(name="thumb")
    assert f'src="{variant_url(twinning, third, "thumb")}?v={thumb.pk}" width="{thumb.width}"' in page
