"""The upload engine called directly: hostile files refused with their reason, real ones kept clean,
every child process bounded, nothing left behind."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pikepdf
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from twinning.common.uploads import UploadRefused, examine, processes
from twinning.common.uploads.audiovideo import iso_boxes
from twinning.common.uploads.engine import images, limits, photos, zips
from twinning.common.uploads.tests import corpus
from twinning.common.uploads.tests.corpus import stored_files

PIXELS = "This picture is too large: at most 50 megapixels. Make it smaller and share it again."
ANIMATION = (
    "This animation is too large: it may have at most 500 frames of at most 2000 by 2000 pixels. "
    "Make it smaller or shorter, or share it as a video."
)
BOMB = (
    "This document holds far more data than its size suggests, so it cannot be shared. "
    "Save it again from the program that made it."
)
UNREADABLE_DOCUMENT = "This document could not be read. Save it again from the program that made it and share it again."
UNREADABLE_MEDIA = (
    "This clip could not be read as sound or video. Save it again as MP4 (video) or MP3 (sound) and share it again."
)
UNREADABLE_PHOTO = "This photo could not be read. Try saving it again as JPEG or PNG."
UNKNOWN = "This kind of file cannot be shared here."

REFUSED = {
    "png_bomb": PIXELS,
    "gif_huge_canvas": ANIMATION,
    "gif_many_frames": ANIMATION,
    "progressive_jpeg_scan_bomb": UNREADABLE_PHOTO,
    "docx_zip_bomb": BOMB,
    "odt_huge_mimetype": BOMB,
    "docx_with_nested_zip": "This document has other files embedded in it. Save a copy without them, and share "
    "those files on their own.",
    "docx_with_macros": "Documents with macros or programs in them cannot be shared. Save a copy without them.",
    "docx_without_parts": UNKNOWN,
    "not_a_pdf": UNREADABLE_DOCUMENT,
    "ftyp_garbage": UNREADABLE_MEDIA,
    "mp4_only_tags": UNREADABLE_MEDIA,
}


def kept(data: bytes, name: str = "file") -> tuple[str, bytes]:
    with examine(SimpleUploadedFile(name, data)) as checked:
        assert checked.size == checked.path.stat().st_size
        return checked.kind.content_type, checked.path.read_bytes()


def probe(data: bytes, tmp_path: Path) -> dict:
    path = tmp_path / "probed"
    path.write_bytes(data)
    report = subprocess.run(  # noqa: S603 - a fixed command line
        [shutil.which("ffprobe"), "-v", "error", "-show_format", "-show_streams", "-of", "json", str(path)],
        capture_output=True,
        check=True,
    )
    return json.loads(report.stdout)


def all_tags(report: dict) -> dict:
    tags = dict(report["format"].get("tags", {}))
    for stream in report["streams"]:
        tags.update(stream.get("tags", {}))
    return {key.lower(): value for key, value in tags.items()}


@pytest.mark.parametrize(("maker", "message"), REFUSED.items())
def test_engine_hostile_file_is_refused_with_its_reason_and_leaves_nothing(maker, message, media_root):
    with pytest.raises(UploadRefused) as refused:
        kept(getattr(corpus, maker)())
    assert str(refused.value).startswith(message)
    assert stored_files(media_root) == []


def test_engine_pdf_with_an_attachment_is_refused(media_root):
    with pytest.raises(UploadRefused) as refused:
        kept(corpus.pdf_with_author(attachment=True))
    assert str(refused.value) == (
        "This PDF carries attached files. Save a copy without attachments, and share those files on their own."
    )


def test_engine_photo_whose_header_claims_a_huge_size_is_refused_before_decoding(media_root):
    data = bytearray(corpus.jpeg_with_gps())
    at = data.index(b"\xff\xc0")  # the frame header: 60000 x 60000
    data[at + 5 : at + 9] = (60_000).to_bytes(2, "big") * 2
    with pytest.raises(UploadRefused, match=PIXELS):
        kept(bytes(data))


def test_engine_text_must_be_utf8_without_nul(media_root):
    for data in ("Café, naïve".encode("latin-1"), b"plain\x00text"):
        with pytest.raises(UploadRefused, match=UNKNOWN):
            kept(data)
    assert kept("שלום, سلام\n".encode()) == ("text/plain; charset=utf-8", "שלום, سلام\n".encode())


def test_engine_phone_mp4_loses_its_place_title_and_make(media_root, tmp_path):
    original = corpus.phone_mp4()
    assert b"\xa9xyz" in original and corpus.PLACE_BYTES in original
    report = probe(original, tmp_path)
    assert (all_tags(report)["location"], {s["codec_type"] for s in report["streams"]}) == (
        corpus.PLACE,
        {"video", "audio", "data"},
    )
    content_type, clean = kept(original, "VID_0001.mp4")
    assert content_type == "video/mp4"
    assert (b"\xa9xyz" in clean, corpus.PLACE_BYTES in clean, b"Maya" in clean, b"PhoneMaker" in clean) == (
        False,
        False,
        False,
        False,
    )
    report = probe(clean, tmp_path)
    assert {s["codec_type"] for s in report["streams"]} == {"video", "audio"}
    assert not {"location", "title", "make", "com.apple.quicktime.location.iso6709"} & set(all_tags(report))
    assert not {b"\xa9xyz", b"loci", b"user data"} & set(iso_boxes(tmp_path / "probed"))


def test_engine_mov_and_sound_files_lose_their_tags_and_cover(media_root, tmp_path):
    for maker, content_type in (
        (corpus.phone_mov, "video/quicktime"),
        (corpus.mp3_with_tags, "audio/mpeg"),
        (corpus.m4a_with_tags, "audio/mp4"),
        (corpus.ogg_with_tags, "audio/ogg"),
        (corpus.webm_voice, "audio/webm"),
    ):
        original = maker()
        assert corpus.AUTHOR.encode() in original or corpus.PLACE_BYTES in original
        kind, clean = kept(original)
        report = probe(clean, tmp_path)
        assert (kind, corpus.AUTHOR.encode() in clean, corpus.PLACE_BYTES in clean) == (content_type, False, False)
        assert not {"artist", "location", "title", "comment", "make"} & set(all_tags(report)), maker.__name__
        assert [s for s in report["streams"] if s.get("disposition", {}).get("attached_pic")] == []
    assert not probe(kept(corpus.mp3_with_tags())[1], tmp_path)["format"].get("tags")


def test_engine_without_ffmpeg_clips_are_refused_never_kept(settings, media_root):
    settings.FFMPEG_BINARY = settings.FFPROBE_BINARY = "/nonexistent/ffmpeg"
    with pytest.raises(UploadRefused) as refused:
        kept(corpus.phone_mp4())
    assert str(refused.value) == (
        "Video and sound cannot be checked on the site right now, so they cannot be shared. "
        "Please tell the site's administrators."
    )
    assert stored_files(media_root) == []


def test_engine_photos_keep_only_pixels(media_root):
    for data, content_type in (
        (corpus.jpeg_with_gps(), "image/jpeg"),
        (corpus.heic_with_gps(), "image/jpeg"),  # an iPhone photo is kept as JPEG
        (corpus.png_with_text(), "image/png"),
        (corpus.jpeg_zip_polyglot(), "image/jpeg"),
    ):
        kind, clean = kept(data)
        photo = Image.open(io.BytesIO(clean))
        assert (kind, len(photo.getexif()), photo.info.get("Author"), b"PhoneMaker" in clean) == (
            content_type,
            0,
            None,
            False,
        )
        assert b"PK\x03\x04" not in clean and corpus.PLACE_BYTES not in clean
    assert Image.open(io.BytesIO(kept(corpus.heic_with_gps())[1])).size == (64, 48)


def test_engine_animation_is_kept_frame_by_frame_without_comment_or_xmp(media_root):
    original = corpus.gif_animation()
    assert corpus.PLACE_BYTES in original and corpus.AUTHOR.encode() in original
    kind, clean = kept(original)
    animation = Image.open(io.BytesIO(clean))
    assert (kind, animation.n_frames, animation.info.get("loop"), animation.info.get("duration")) == (
        "image/gif",
        12,
        0,
        80,
    )
    assert (corpus.PLACE_BYTES in clean, corpus.AUTHOR.encode() in clean, "comment" in animation.info) == (
        False,
        False,
        False,
    )
    animation.seek(5)
    assert animation.convert("RGB").getpixel((45, 20)) == (200, 30, 30)


def test_engine_gif_canvas_grows_with_a_frame_placed_beyond_it(tmp_path):
    data = bytearray(corpus._gif_frames(2, (10, 10)))
    at = data.index(b",\x00\x00\x00\x00\x0a\x00\x0a\x00")  # the first frame at (0, 0): move it far out
    data[at + 1 : at + 5] = (3000).to_bytes(2, "little") * 2
    path = tmp_path / "moved.gif"
    path.write_bytes(bytes(data))
    assert photos.gif_geometry(path) == (3010, 3010, 2)


def test_engine_pdf_loses_author_xmp_scripts_and_picture_exif(media_root):
    original = corpus.pdf_with_author(script=True)
    assert corpus.AUTHOR.encode() in original and b"Exif" in original and b"JavaScript" in original
    kind, clean = kept(original)
    assert (kind, corpus.AUTHOR.encode() in clean, corpus.COMPANY.encode() in clean, b"JavaScript" in clean) == (
        "application/pdf",
        False,
        False,
        False,
    )
    with pikepdf.open(io.BytesIO(clean)) as pdf:
        assert ("/Info" in pdf.trailer, "/Metadata" in pdf.Root, "/OpenAction" in pdf.Root) == (False, False, False)
        (picture,) = [o for o in pdf.objects if isinstance(o, pikepdf.Stream) and o.get("/Subtype") == "/Image"]
        assert b"Exif" not in picture.read_raw_bytes()
        assert len(pdf.pages) == 1


def test_engine_office_and_opendocument_lose_their_authors(media_root):
    kind, clean = kept(corpus.docx_with_author())
    with zipfile.ZipFile(io.BytesIO(clean)) as docx:
        assert kind == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        assert (
            corpus.AUTHOR.encode() in docx.read("docProps/core.xml"),
            b"Company" in docx.read("docProps/app.xml"),
        ) == (
            False,
            False,
        )
        assert Image.open(io.BytesIO(docx.read("word/media/image1.jpeg"))).getexif() == {}
        assert {info.date_time for info in docx.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        assert docx.read("word/document.xml") == corpus.DOCUMENT.encode()
    kind, clean = kept(corpus.odt_with_author())
    with zipfile.ZipFile(io.BytesIO(clean)) as odt:
        first = odt.infolist()[0]
        assert (kind, first.filename, first.compress_type) == (
            "application/vnd.oasis.opendocument.text",
            "mimetype",
            zipfile.ZIP_STORED,
        )
        meta = odt.read("meta.xml")
        assert (corpus.AUTHOR.encode() in meta, corpus.COMPANY.encode() in meta, b'office:version="1.3"' in meta) == (
            False,
            False,
            True,
        )


def test_engine_jpeg_metadata_is_cut_at_the_byte_level_with_the_same_pixels():
    original = corpus.jpeg_with_gps((40, 30))
    clean = images.strip_jpeg(original + b"trailing")
    assert (b"Exif" in clean, clean.endswith(b"\xff\xd9")) == (False, True)
    assert Image.open(io.BytesIO(clean)).tobytes() == Image.open(io.BytesIO(original)).tobytes()


def test_engine_zip_member_count_is_read_before_the_listing(tmp_path):
    path = tmp_path / "many.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for index in range(limits.ZIP_MAX_MEMBERS + 1):
            archive.writestr(f"{index}.txt", b"")
    assert zips.member_count(path) == limits.ZIP_MAX_MEMBERS + 1
    with pytest.raises(zips.Refused) as refused:
        zips.open_archive(path)
    assert refused.value.code == "document_bomb"


def test_engine_child_processes_are_stopped_by_their_time_and_memory_caps(tmp_path):
    with pytest.raises(processes.Failed, match="more than 1 s"):
        processes.run([sys.executable, "-c", "import time; time.sleep(30)"], work=tmp_path, name="slow", seconds=1)
    greedy = [sys.executable, "-c", "bytearray(3 * 1024 ** 3)"]
    with pytest.raises(processes.Failed, match="exit 1"):
        processes.run(greedy, work=tmp_path, name="greedy", seconds=20, memory=512 * 1024 * 1024)


def test_engine_never_reads_a_large_upload_into_memory(media_root):
    class Watched(SimpleUploadedFile):
        read_bytes = 0

        def read(self, *args):
            data = super().read(*args)
            Watched.read_bytes += len(data)
            return data

        def chunks(self, chunk_size=None):
            raise AssertionError("copied although it was refused")

    upload = Watched("big.txt", b"a" * (20 * 1024 * 1024))
    with pytest.raises(UploadRefused, match="This file is too large: at most 1 MB."):
        kept_upload = examine(upload)
        kept_upload.__enter__()
    assert Watched.read_bytes == 64
