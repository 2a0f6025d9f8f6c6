"""Shared files through the workspace's page: judged by their bytes, nothing that tells who made them or
where survives, hostile files refused in the uploader's language with nothing left behind, served
only to the workspace."""

import io
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from twinning import testing
from twinning.common.uploads.tests import corpus
from twinning.common.uploads.tests.corpus import jpeg_with_gps, stored_files
from twinning.testing import as_
from twinning.workspace.models import Event, MediaItem

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _files_under_tmp(media_root):
    """Every test here keeps its stored and temporary files under one folder it can look into."""


def upload(client, twinning, name, data, title=""):
    return client.post(f"/twinnings/{twinning.pk}/media/", {"file": SimpleUploadedFile(name, data), "title": title})


def test_jpeg_with_gps_is_served_back_with_no_exif_at_all(client, cast, twinning, media_root):
    original = jpeg_with_gps()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(0x8825)[2] == (32.0, 47.0, 0.0)
    response = upload(as_(client, cast.teacher_a.user), twinning, "IMG_0001.JPG", original, "Our playground")
    item = MediaItem.objects.get()
    assert response.status_code == 302
    served = as_(client, cast.teacher_b.user).get(f"/twinnings/{twinning.pk}/media/{item.pk}/file/")
    body = b"".join(served.streaming_content)
    photo = Image.open(io.BytesIO(body))
    assert (served["Content-Type"], photo.format, len(photo.getexif()), b"Exif" in body) == (
        "image/jpeg",
        "JPEG",
        0,
        False,
    )
    assert photo.size == (48, 64)  # turned upright before the orientation tag was dropped
    assert served["Content-Disposition"] == 'inline; filename="IMG_0001.JPG"'
    assert Event.objects.get().kind == "media"


def test_type_is_judged_by_content_not_by_name(client, cast, twinning, media_root):
    client = as_(client, cast.teacher_a.user)
    response = upload(client, twinning, "holiday.jpg", b"<?php system($_GET['c']); ?>\x00\x01")
    assert response.context["form"].errors["file"][0].startswith("This kind of file cannot be shared here.")
    png = io.BytesIO()
    Image.new("RGB", (8, 8)).save(png, "PNG")
    upload(client, twinning, "notes.txt", png.getvalue())
    item = MediaItem.objects.get()
    assert (item.kind, item.content_type, item.file.name.endswith(".png")) == ("photo", "image/png", True)
    assert len(stored_files(media_root)) == 1


def test_text_and_documents_are_downloaded_not_shown(client, cast, twinning):
    client = as_(client, cast.teacher_a.user)
    upload(client, twinning, "poem.txt", "שיר קטן\nقصيدة صغيرة\n".encode())
    item = MediaItem.objects.get()
    response = client.get(f"/twinnings/{twinning.pk}/media/{item.pk}/file/")
    assert (response["Content-Type"], response["Content-Disposition"]) == (
        "text/plain; charset=utf-8",
        'attachment; filename="poem.txt"',
    )
    assert "sandbox" in response["Content-Security-Policy"]


def test_too_large_for_its_kind_is_refused_with_the_limit(client, cast, twinning, media_root):
    big_text = b"a" * (1024 * 1024 + 1)
    response = upload(as_(client, cast.teacher_a.user), twinning, "big.txt", big_text)
    assert response.context["form"].errors["file"] == ["This file is too large: at most 1 MB."]
    assert (MediaItem.objects.count(), stored_files(media_root)) == (0, [])


def test_broken_photo_is_refused_in_the_readers_language(client, cast, twinning, media_root):
    cast.teacher_a.user.preferred_language = "he"
    cast.teacher_a.user.save()
    response = upload(as_(client, cast.teacher_a.user), twinning, "x.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 100)
    assert response.context["form"].errors["file"] == [
        "לא ניתן היה לקרוא את התמונה. אפשר לשמור אותה שוב כ-JPEG או PNG."
    ]
    assert (MediaItem.objects.count(), stored_files(media_root)) == (0, [])


def test_upload_that_fails_halfway_leaves_no_row_and_no_file(client, cast, twinning, media_root):
    failing = mock.patch("twinning.workspace.services.Event.objects.create", side_effect=RuntimeError("disk full"))
    with failing, pytest.raises(RuntimeError):
        upload(as_(client, cast.teacher_a.user), twinning, "a.jpg", jpeg_with_gps())
    assert (MediaItem.objects.count(), Event.objects.count(), stored_files(media_root)) == (0, 0, [])


def test_files_are_served_only_to_the_workspace(client, cast, twinning, settings):
    upload(as_(client, cast.teacher_a.user), twinning, "a.jpg", jpeg_with_gps())
    item = MediaItem.objects.get()
    url = f"/twinnings/{twinning.pk}/media/{item.pk}/file/"
    outsider = testing.make_teacher(school=testing.make_school(country=cast.uk, name="Elsewhere"), name="Out")
    for person in (outsider.user, cast.pending_uk.user):
        client = as_(client, person)
        assert client.get(url).status_code == 404
        assert client.get(f"/twinnings/{twinning.pk}/media/").status_code == 404
    client.logout()
    assert client.get(url).status_code == 302  # to the sign-in page
    # No public path: the media folder has no URL of its own.
    assert client.get(f"/{settings.MEDIA_URL.strip('/')}/{item.file.name}".replace("//", "/")).status_code == 404


def test_visitors_see_the_gallery_but_cannot_upload(client, cast, twinning, media_root):
    coordinator = as_(client, cast.coordinator)
    assert coordinator.get(f"/twinnings/{twinning.pk}/media/").status_code == 200
    assert upload(coordinator, twinning, "a.jpg", jpeg_with_gps()).status_code == 404
    assert (MediaItem.objects.count(), stored_files(media_root)) == (0, [])


HOSTILE = {
    "png_bomb": "This picture is too large: at most 50 megapixels. Make it smaller and share it again.",
    "gif_huge_canvas": "This animation is too large:",
    "gif_many_frames": "This animation is too large:",
    "docx_zip_bomb": "This document holds far more data than its size suggests",
    "odt_huge_mimetype": "This document holds far more data than its size suggests",
    "docx_with_nested_zip": "This document has other files embedded in it.",
    "docx_without_parts": "This kind of file cannot be shared here.",
    "not_a_pdf": "This document could not be read.",
    "ftyp_garbage": "This clip could not be read as sound or video.",
    "mp4_only_tags": "This clip could not be read as sound or video.",
}


@pytest.mark.parametrize(("maker", "message"), HOSTILE.items())
def test_hostile_file_is_refused_and_leaves_no_row_no_file_and_no_temporary_file(
    maker, message, client, cast, twinning, media_root
):
    response = upload(as_(client, cast.teacher_a.user), twinning, "holiday.jpg", getattr(corpus, maker)())
    assert response.status_code == 200
    assert response.context["form"].errors["file"][0].startswith(message)
    assert (MediaItem.objects.count(), Event.objects.count(), stored_files(media_root)) == (0, 0, [])


def test_phone_video_is_shared_without_its_place(client, cast, twinning, media_root):
    original = corpus.phone_mp4()
    assert b"\xa9xyz" in original and corpus.PLACE_BYTES in original
    assert upload(as_(client, cast.teacher_a.user), twinning, "VID_0001.mp4", original).status_code == 302
    item = MediaItem.objects.get()
    served = as_(client, cast.teacher_b.user).get(f"/twinnings/{twinning.pk}/media/{item.pk}/file/")
    body = b"".join(served.streaming_content)
    assert (item.kind, served["Content-Type"], item.size, len(body)) == ("video", "video/mp4", len(body), item.size)
    assert (b"\xa9xyz" in body, corpus.PLACE_BYTES in body, b"Maya at home" in body) == (False, False, False)
    assert [p.name for p in stored_files(media_root)] == [item.file.name.rsplit("/", 1)[-1]]


def test_pdf_and_word_files_are_shared_without_their_authors(client, cast, twinning, media_root):
    teacher = as_(client, cast.teacher_a.user)
    upload(teacher, twinning, "report.pdf", corpus.pdf_with_author(script=True))
    upload(teacher, twinning, "letter.docx", corpus.docx_with_author())
    for item in MediaItem.objects.order_by("pk"):
        body = item.file.read()
        assert (corpus.AUTHOR.encode() in body, corpus.COMPANY.encode() in body, b"JavaScript" in body) == (
            False,
            False,
            False,
        )
    assert [i.content_type for i in MediaItem.objects.order_by("pk")] == [
        "application/pdf",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ]


def test_hostile_file_is_refused_in_arabic_for_an_arabic_reader(client, cast, twinning, media_root):
    cast.teacher_a.user.preferred_language = "ar"
    cast.teacher_a.user.save()
    response = upload(as_(client, cast.teacher_a.user), twinning, "big.png", corpus.png_bomb())
    assert response.context["form"].errors["file"] == [
        "هذه الصورة كبيرة جدًا: 50 ميغابكسل على الأكثر. يُرجى تصغيرها ومشاركتها من جديد."
    ]
    assert (MediaItem.objects.count(), stored_files(media_root)) == (0, [])


def test_iphone_photo_is_kept_as_jpeg_without_its_place(client, cast, twinning, media_root):
    original = corpus.heic_with_gps()
    assert b"PhoneMaker" in original
    assert upload(as_(client, cast.teacher_a.user), twinning, "IMG_0042.HEIC", original).status_code == 302
    item = MediaItem.objects.get()
    body = item.file.read()
    photo = Image.open(io.BytesIO(body))
    assert (item.original_name, item.content_type, photo.format, len(photo.getexif())) == (
        "IMG_0042.jpg",
        "image/jpeg",
        "JPEG",
        0,
    )
    assert b"PhoneMaker" not in body
