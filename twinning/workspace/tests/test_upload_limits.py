"""The request itself is bounded before any upload is read: 413 for a body above the limit, whether it
declares its length or arrives in chunks, in the sender's language."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

from twinning.common.uploads.tests.corpus import jpeg_with_gps, stored_files
from twinning.testing import as_
from twinning.workspace.models import MediaItem

pytestmark = pytest.mark.django_db


class Unreadable(io.RawIOBase):
    def read(self, *args):
        raise AssertionError("the body was read")


def chunked(client, url, body: bytes, *, terminated: bool = True):
    """A body sent in chunks with no Content-Length, as gunicorn hands it on."""
    extra = {
        "CONTENT_LENGTH": "",
        "CONTENT_TYPE": MULTIPART_CONTENT,
        "HTTP_TRANSFER_ENCODING": "chunked",
        "wsgi.input": io.BytesIO(body),
    }
    if terminated:
        extra["wsgi.input_terminated"] = True
    return client.generic("POST", url, b"", **extra)


def form(name: str, data: bytes) -> bytes:
    return encode_multipart(BOUNDARY, {"file": SimpleUploadedFile(name, data), "title": "Sent in chunks"})


def test_body_declared_larger_than_the_largest_upload_is_refused_before_it_is_read(client, cast, twinning, media_root):
    cast.teacher_a.user.preferred_language = "he"
    cast.teacher_a.user.save()
    response = as_(client, cast.teacher_a.user).generic(
        "POST",
        f"/twinnings/{twinning.pk}/media/",
        b"",
        content_type=MULTIPART_CONTENT,
        CONTENT_LENGTH=str(300 * 1024 * 1024),
        **{"wsgi.input": Unreadable()},
    )
    assert response.status_code == 413
    assert "הקובץ גדול מדי לשליחה: עד 200 מגה-בייט בכל פעם." in response.content.decode()
    assert (MediaItem.objects.count(), stored_files(media_root)) == (0, [])


def test_chunked_body_within_the_limit_is_read_and_the_file_shared(client, cast, twinning, media_root):
    response = chunked(
        as_(client, cast.teacher_a.user), f"/twinnings/{twinning.pk}/media/", form("a.jpg", jpeg_with_gps())
    )
    assert response.status_code == 302
    item = MediaItem.objects.get()
    assert (item.title, item.kind) == ("Sent in chunks", "photo")
    assert [p.parent.name for p in stored_files(media_root)] == [str(twinning.pk)]


def test_chunked_body_above_the_limit_is_refused_as_it_arrives(client, cast, settings, twinning, media_root):
    settings.UPLOAD_MAX_REQUEST_SIZE = 1024 * 1024
    body = form("big.txt", b"a" * (2 * 1024 * 1024))
    response = chunked(as_(client, cast.teacher_a.user), f"/twinnings/{twinning.pk}/media/", body)
    assert response.status_code == 413
    assert "This file is too large to send: at most 1 MB at a time." in response.content.decode()
    assert (MediaItem.objects.count(), stored_files(media_root)) == (0, [])


def test_chunked_body_from_a_server_that_cannot_end_it_is_refused(client, cast, twinning, media_root):
    url = f"/twinnings/{twinning.pk}/media/"
    response = chunked(as_(client, cast.teacher_a.user), url, form("a.jpg", jpeg_with_gps()), terminated=False)
    assert response.status_code == 411
    assert MediaItem.objects.count() == 0
