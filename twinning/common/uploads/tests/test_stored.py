"""Files kept before uploads were cleaned: checked again, rewritten in place, refused ones only listed."""

from io import StringIO

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command

from twinning.common.uploads.tests import corpus
from twinning.workspace.models import MediaItem

pytestmark = pytest.mark.django_db


def stored(twinning, by, name, data, kind, content_type) -> MediaItem:
    """A row and file as the earlier code kept them: byte for byte."""
    kept = default_storage.save(f"workspace/{twinning.pk}/{name}", ContentFile(data))
    return MediaItem.objects.create(
        twinning=twinning, uploader=by, kind=kind, file=kept, content_type=content_type, size=len(data)
    )


def test_stored_clips_and_documents_are_cleaned_in_place_and_refused_ones_only_listed(cast, twinning, media_root):
    by = cast.teacher_a.user
    clip = stored(twinning, by, "old.mp4", corpus.phone_mp4(), "video", "video/mp4")
    report = stored(twinning, by, "old.pdf", corpus.pdf_with_author(), "document", "application/pdf")
    fake = stored(twinning, by, "fake.mp4", corpus.ftyp_garbage(), "video", "video/mp4")
    photo = stored(twinning, by, "photo.jpg", corpus.jpeg_with_gps(), "photo", "image/jpeg")
    out = StringIO()
    call_command("clean_stored_uploads", stdout=out)
    assert corpus.PLACE_BYTES in clip.file.open("rb").read()  # a report changes nothing
    assert out.getvalue().splitlines()[-1] == "unchanged: 0, to clean: 2, refused: 1, missing: 0, photos: 1"
    out = StringIO()
    call_command("clean_stored_uploads", "--apply", stdout=out)
    assert out.getvalue().splitlines()[-1] == "unchanged: 0, cleaned: 2, refused: 1, missing: 0, photos: 1"
    assert f"refused: workspace.MediaItem {fake.pk}: {fake.file.name} (This clip could not be read" in out.getvalue()
    clip.refresh_from_db()
    report.refresh_from_db()
    body = clip.file.open("rb").read()
    assert (corpus.PLACE_BYTES in body, b"\xa9xyz" in body, clip.size) == (False, False, len(body))
    assert corpus.AUTHOR.encode() not in report.file.open("rb").read()
    assert fake.file.open("rb").read() == corpus.ftyp_garbage()  # left for a person to decide
    assert photo.file.open("rb").read() == corpus.jpeg_with_gps()  # photos are not encoded twice
    out = StringIO()
    call_command("clean_stored_uploads", stdout=out)
    assert out.getvalue().splitlines()[-1] == "unchanged: 2, to clean: 0, refused: 1, missing: 0, photos: 1"
